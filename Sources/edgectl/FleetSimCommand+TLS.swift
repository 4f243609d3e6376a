import ArgumentParser
import FleetSim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

extension FleetSimCommand {
    /// The simulator's TLS settings from `--cafile`, `--pki`, `--certfile`/`--keyfile`; with `--pki`, every simulated
    /// device's certificate is issued (or reused) before anything connects.
    func tlsSettings() throws -> SimulationTLS? {
        guard cafile != nil || pki != nil || certfile != nil || keyfile != nil else { return nil }
        guard let caFile = cafile ?? pki.map({ FleetPKI(directory: $0).caCertificatePath }) else {
            throw ValidationError("--certfile/--keyfile need --cafile (the CA that signs the broker's certificate)")
        }
        guard FileAccess.exists(caFile) else { throw ValidationError("--cafile: no file \(caFile)") }
        for (option, path) in [("--certfile", certfile), ("--keyfile", keyfile)] {
            if let path, !FileAccess.exists(path) { throw ValidationError("\(option): no file \(path)") }
        }
        var tls = SimulationTLS(caFile: caFile, certFile: certfile, keyFile: keyfile)
        if let pki {
            let directory = FleetPKI(directory: pki)
            tls.deviceCertificateDirectory = "\(pki)/\(FleetPKI.Kind.device.folder)"
            // Checked before issuing, so a refused combination leaves no certificates behind.
            do { try tls.validate(devicesPerConnection: devicesPerConnection) } catch { throw ValidationError(error.message) }
            let ids = (0..<max(devices, 0)).map { "\(prefix)-\(firstIndex + $0)" }
            let (issued, reused) = try Self.provisionDeviceIdentities(directory, deviceIDs: ids, now: Date())
            var line = Array("fleet-sim: \(ids.count) device certificates in \(tls.deviceCertificateDirectory ?? "") (\(issued) issued, \(reused) reused)\n".utf8)
            line.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
        }
        return tls
    }

    /// Issues a device certificate (CN = the device ID, signed by the PKI's CA, as `edgectl pki issue --device`) for
    /// every ID without one and keeps those that exist; returns how many were issued and reused.
    static func provisionDeviceIdentities(_ pki: FleetPKI, deviceIDs: [String], now: Date) throws -> (issued: Int, reused: Int) {
        var issued = 0, reused = 0
        for id in deviceIDs {
            let certificate = pki.certificatePath(.device, id), key = pki.keyPath(.device, id)
            switch (FileAccess.exists(certificate), FileAccess.exists(key)) {
            case (true, true):
                reused += 1
            case (false, false):
                do { _ = try pki.issue(.device, name: id, validityDays: 825, now: now) } catch {
                    throw ValidationError("--pki: cannot issue a certificate for \(id): \(error)")
                }
                issued += 1
            default:
                throw ValidationError("--pki: \(id) has a certificate or a key but not both in \(pki.directory)/devices; remove the odd one or revoke it (edgectl pki revoke)")
            }
        }
        return (issued, reused)
    }
}
