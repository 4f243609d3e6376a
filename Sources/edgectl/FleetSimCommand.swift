import ArgumentParser
import Bundles
import Drift
import FleetProtocol
import FleetSim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Logging

/// `edgectl fleet-sim`: simulated devices speaking the agent's protocol against a broker, for tests and load.
struct FleetSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-sim",
        abstract: "Simulate devices that publish telemetry over MQTT like edge-agent, wait for the collector's acknowledgements, and report.",
        discussion: """
            Each device is a real MQTT client with its own queue: it publishes at most --window unacknowledged messages, resends \
            the oldest of them after --resend-after seconds without acknowledgement progress (backing off while the stall lasts), \
            starts spread over --ramp seconds, and answers assignments by downloading bundle chunks. \
            Runs for --duration seconds of telemetry (until SIGINT/SIGTERM without it), then waits up to --drain seconds for every \
            message to be acknowledged. Exit status 0 only if everything generated was acknowledged.
            """)

    @Option(help: "Broker host.")
    var host = "127.0.0.1"

    @Option(help: "Broker port.")
    var port = 1883

    @Option(help: "Number of devices.")
    var devices = 10

    @Option(help: "Device ID prefix; devices are <prefix>-<index>.")
    var prefix = "sim"

    @Option(help: "Index of the first device.")
    var firstIndex = 0

    @Option(help: "Telemetry reports per second per device (0.1: one every 10 s, a real fleet's interval).")
    var rate = 1.0

    @Option(help: ArgumentHelp("Devices multiplexed over one MQTT connection (1: one connection per device, each with its will).",
                               discussion: "100,000 devices at --rate 0.1 need e.g. --devices-per-connection 500 (200 connections)."))
    var devicesPerConnection = 1

    @Option(help: "Unacknowledged messages in flight per device.")
    var window = 32

    @Option(help: "Seconds without acknowledgement progress before resending the oldest unacknowledged message (then backing off, jittered, up to 4x).")
    var resendAfter = 5.0

    @Option(help: "Seconds over which the devices start, evenly spread (no opening burst; report times spread over the interval).")
    var ramp = 0.0

    @Option(help: "Seconds of telemetry to generate; 0 runs until SIGINT or SIGTERM.")
    var duration = 0.0

    @Option(help: "Seconds to wait for the last acknowledgements after generating stops.")
    var drain = 60.0

    @Option(help: "Input features per report (each adds about 40 bytes).")
    var features = 0

    @Option(help: "Seed of the simulated values.")
    var seed: UInt64 = 1

    @Option(help: "A bundle whose drift baseline bins the devices' features and whose reference they report (SHA-256 of the file).")
    var bundle: String?

    @Option(help: ArgumentHelp("A drift scenario from the bundle's baseline features: \(DriftInjection.names.joined(separator: ", ")).",
                               discussion: "Needs --bundle; the features come from the seeded vibration scenario (edgectl drift-scenario)."))
    var drift: String?

    @Option(help: "The scenario's magnitude (σ for shifts, factor for variance and gain, share for a new mode); default per scenario.")
    var driftMagnitude: Double?

    @Option(help: "Who drifts: device:<id>, profile:<name> or fleet.")
    var driftTarget = "fleet"

    @Option(help: "Seconds after the start when the drift begins.")
    var driftAfter = 0.0

    @Option(help: "Comma-separated 0-based feature indices the drift touches (default: all).")
    var driftFeatures: String?

    @Flag(help: "Run the served bundle's model on the scenario's rows (the --bundle first, then what devices install).")
    var runModel = false

    @Option(help: ArgumentHelp("Labelling oracle: capture this share of rows and report their true labels after --label-delay.",
                               discussion: "0 captures only while a collector's capture command is in force. Needs --drift."))
    var captureRate: Double?

    @Option(help: "Seconds from a capture to its true label (with --capture-rate).")
    var labelDelay = 2.0
    @Option(name: .customLong("behaviour"), help: ArgumentHelp(
        "How a release behaves once installed: RELEASE=\(ModelBehaviour.allCases.map(\.rawValue).joined(separator: "|")) (repeatable).",
        discussion: "Unlisted releases are good. fails-health-check ends the update failed after its health check; slow triples latency; disagrees rotates the predicted classes; wrong-labels keeps latency and class mix but lowers confidence."))
    var behaviours: [String] = []

    @Option(name: .customLong("profile"), help: "Firmware profiles assigned to the devices round-robin (repeatable; default rpi-4b-2gb, rpi-zero-2w, rpi-5-4gb).")
    var profiles: [String] = []

    @Flag(help: "Print the final statistics as JSON on stdout.")
    var json = false

    @Option(help: ArgumentHelp("The CA that signs the broker's certificate (PEM): connect over TLS.",
                               discussion: "Default with --pki: PKI/ca.crt. The broker's certificate must name --host (edgectl pki issue --server HOST).",
                               valueName: "file"))
    var cafile: String?

    @Option(help: ArgumentHelp("Per-device identities from an edgectl pki directory (mutual TLS, docs/security.md).",
                               discussion: "Each device connects with PKI/devices/<id>.crt and .key, issued with the CA in PKI (as `edgectl pki issue --device`) when missing, reused when present; a locked-down broker (scripts/broker.sh) then lets it speak only for itself. Needs --devices-per-connection 1.",
                               valueName: "dir"))
    var pki: String?

    @Option(help: ArgumentHelp("One client certificate (PEM) for every connection, with --keyfile (a broker without per-device rights).", valueName: "file"))
    var certfile: String?

    @Option(help: ArgumentHelp("The key of --certfile (PEM).", valueName: "file"))
    var keyfile: String?

    /// The bundle reference and baseline features for --bundle (and the drift scenario, when given).
    func bundleSettings() throws -> (BundleReference, SimulatedDrift)? {
        guard let path = bundle else {
            if drift != nil { throw ValidationError("--drift needs --bundle: the drift baseline's bins come from the bundle") }
            return nil
        }
        let bytes = try FileIO.read(path)
        let file = try BundleFile(parsing: bytes)
        let manifest = try BundleManifest.decode(file.manifestBytes)
        let baseline = try DriftBaseline.decode(file.baselineBytes)
        guard !baseline.features.isEmpty else { throw ValidationError("\(path) has no drift baseline features to simulate") }
        let reference = BundleReference(name: manifest.name, version: manifest.version, digest: Digest.sha256Hex(bytes),
                                        releaseCounter: manifest.releaseCounter)
        let name = drift ?? "none"
        var touched: [Int]?
        if let driftFeatures {
            touched = try driftFeatures.split(separator: ",").map { part in
                guard let index = Int(part), baseline.features.indices.contains(index) else {
                    throw ValidationError("--drift-features: '\(part)' is not a feature index 0…\(baseline.features.count - 1)")
                }
                return index
            }
        }
        guard let injection = DriftInjection.named(name, magnitude: driftMagnitude, features: touched) else {
            throw ValidationError("unknown drift scenario \(name); use one of \(DriftInjection.names.joined(separator: ", "))")
        }
        let target: SimulatedDrift.Target
        if driftTarget == "fleet" { target = .fleet }
        else if driftTarget.hasPrefix("device:") { target = .device(String(driftTarget.dropFirst(7))) }
        else if driftTarget.hasPrefix("profile:") { target = .profile(String(driftTarget.dropFirst(8))) }
        else { throw ValidationError("--drift-target must be device:<id>, profile:<name> or fleet (got \(driftTarget))") }
        let features = baseline.features.map { SimulatedDrift.Feature(name: $0.name, edges: $0.edges) }
        return (reference, SimulatedDrift(features: features, injection: injection, target: target, startAfterSeconds: driftAfter))
    }

    func run() throws {
        var settings = SimulationSettings(host: host, port: port, devices: devices, prefix: prefix, firstIndex: firstIndex,
                                          reportsPerSecond: rate, window: window, resendAfter: .milliseconds(Int64(resendAfter * 1000)),
                                          features: features, seed: seed)
        do { settings.behaviours = try ModelBehaviour.parse(behaviours) } catch { throw ValidationError(error.message) }
        if !profiles.isEmpty { settings.profiles = profiles }
        settings.devicesPerConnection = devicesPerConnection
        settings.tls = try tlsSettings()
        settings.ramp = .milliseconds(Int64(ramp * 1000))
        do {
            if let (reference, drift) = try bundleSettings() {
                settings.bundle = reference
                settings.drift = drift
                if runModel, let path = bundle {
                    let bytes = try FileIO.read(path)
                    guard BundleClassifier(bundle: bytes) != nil else {
                        throw ValidationError("--run-model: \(path) holds no model with one float32 input the simulator can run")
                    }
                    settings.bundleBytes = bytes
                    settings.classifier = { BundleClassifier(bundle: $0) }
                }
                if let captureRate {
                    guard (0...1).contains(captureRate), labelDelay >= 0 else {
                        throw ValidationError("--capture-rate must be within 0…1 and --label-delay not negative")
                    }
                    settings.oracle = LabellingOracle(captureRate: captureRate, labelDelaySeconds: labelDelay)
                }
            } else if runModel || captureRate != nil {
                throw ValidationError("--run-model and --capture-rate need --bundle and --drift (the scenario gives rows and their truth)")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(bundle ?? ""): \(error)")
        }
        var logger = Logger(label: "fleet-sim")
        logger.logLevel = .warning
        let simulator: FleetSimulator
        do { simulator = try FleetSimulator(settings: settings, logger: logger) } catch {
            throw ValidationError(error.message)
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let duration = self.duration, drain = self.drain, json = self.json
        let task = Task {
            await Self.simulate(simulator, duration: duration, drain: drain, json: json, outcome: outcome)
            done.signal()
        }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { outcome.stopRequested.signal() }
            source.resume()
            return source
        }
        done.wait()
        _ = task
        sources.forEach { $0.cancel() }
        if !outcome.succeeded { throw ExitCode(1) }
    }

    /// Bridges the synchronous command and the async simulation (edgectl's root command is synchronous).
    final class Outcome: @unchecked Sendable {
        var succeeded = false
        let stopRequested = DispatchSemaphore(value: 0)
    }

    static func simulate(_ simulator: FleetSimulator, duration: Double, drain: Double, json: Bool, outcome: Outcome) async {
        let running = Task { await simulator.run() }
        let start = ContinuousClock.now
        var lastReport = start
        while true {
            try? await Task.sleep(for: .milliseconds(200))
            let elapsed = ContinuousClock.now - start
            if duration > 0, elapsed >= .milliseconds(Int64(duration * 1000)) { break }
            if outcome.stopRequested.wait(timeout: .now()) == .success { break }
            if ContinuousClock.now - lastReport >= .seconds(5) {
                lastReport = ContinuousClock.now
                report(simulator.statistics, elapsed: elapsed)
            }
        }
        let generatingTime = ContinuousClock.now - start
        simulator.stopGenerating()
        let acknowledged = await simulator.waitUntilAcknowledged(timeout: .milliseconds(Int64(drain * 1000)))
        let total = ContinuousClock.now - start
        let statistics = simulator.statistics
        running.cancel()
        await running.value
        report(statistics, elapsed: total)
        if json {
            let seconds = Double(generatingTime.components.seconds) + Double(generatingTime.components.attoseconds) / 1e18
            let summary: [String: Double] = [
                "devices": Double(simulator.devices.count), "generated": Double(statistics.generated), "acknowledged": Double(statistics.acknowledged),
                "published": Double(statistics.published), "resent": Double(statistics.resent), "generatingSeconds": seconds,
                "generatedPerSecond": Double(statistics.generated) / max(seconds, 0.001), "allAcknowledged": acknowledged ? 1 : 0,
            ]
            if let data = try? JSONEncoder().encode(summary), let text = String(data: data, encoding: .utf8) { print(text) }
        }
        outcome.succeeded = acknowledged
    }

    static func report(_ s: DeviceStatistics, elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let tenths = Int((seconds * 10).rounded())
        var line = Array(("fleet-sim: \(tenths / 10).\(tenths % 10) s connected=\(s.connected) generated=\(s.generated) "
            + "acknowledged=\(s.acknowledged) pending=\(s.pending) resent=\(s.resent) installed=\(s.installed)\n").utf8)
        line.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
