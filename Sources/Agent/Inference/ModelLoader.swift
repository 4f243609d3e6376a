import Bundles
import FleetProtocol
import Runtime
import TFLite

/// Turns a bundle file into a ready ``LoadedModel``: digest, full verification, interpreter.
///
/// Every model that ever runs on the device comes through here from its slot file, at start-up and after an
/// install alike, so "serving" always means "verified from the bytes on disk".
enum ModelLoader {
    static func load(path: String, expectedDigest: String?, verifier: BundleVerifier) throws(ModelError) -> LoadedModel {
        let bytes: [UInt8]
        do {
            guard let read = try DurableFiles.read(path) else { throw ModelError(.missing, "\(path) does not exist") }
            bytes = read
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError(.missing, "cannot read \(path): \(error)")
        }
        let digest = BundleDigest.sha256Hex(bytes)
        if let expectedDigest, digest != expectedDigest {
            throw ModelError(.corrupt, "\(path) has SHA-256 \(digest), expected \(expectedDigest): the file was damaged")
        }
        return try load(bytes: bytes, digest: digest, verifier: verifier)
    }

    static func load(bytes: [UInt8], digest: String, verifier: BundleVerifier) throws(ModelError) -> LoadedModel {
        let verified: VerifiedBundle
        do { verified = try verifier.verify(bytes) } catch {
            throw ModelError(.refused, "bundle \(digest.prefix(16)) refused: \(error)", bundleErrorCode: error.code.rawValue)
        }
        let interpreter: Interpreter
        do {
            let model = try Model(bytes: verified.modelBytes)
            // The embedding sketch reads an intermediate tensor after invoke: the plan must keep it intact.
            let preserved = SketchSet.tensorsToPreserve(verified.baseline, tensorNames: model.mainGraph.tensors.map(\.name))
            interpreter = try Interpreter(model: model, preserving: preserved)
        } catch {
            throw ModelError(.unsupported, "the runtime cannot prepare \(verified.manifest.name) \(verified.manifest.version): \(error)")
        }
        guard !interpreter.outputs.isEmpty, interpreter.outputs[0].byteCount > 0 else {
            throw ModelError(.unsupported, "\(verified.manifest.name) has no usable output 0")
        }
        let reference = BundleReference(name: verified.manifest.name, version: verified.manifest.version, digest: digest,
                                        releaseCounter: verified.manifest.releaseCounter)
        return LoadedModel(reference: reference, verified: verified, interpreter: interpreter)
    }
}
