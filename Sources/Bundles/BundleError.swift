/// A bundle, trust-file, key or profile problem, with a reason a person can act on.
public struct BundleError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why something was refused; stable across releases so agents can report it.
    public enum Code: String, Sendable, CaseIterable {
        /// The file ends before a header or a section it announces.
        case truncated
        /// The bytes are not a bundle of a format this build understands.
        case malformed
        /// No signature, or none that the policy can count.
        case missingSignature
        /// A signature does not verify over the manifest bytes.
        case tamperedManifest
        /// The payload's length or SHA-256 differs from the manifest, or it does not inflate.
        case tamperedPayload
        /// The drift baseline or golden cases differ from the manifest's digests.
        case tamperedSection
        /// The signing key is not in the trust file.
        case unknownKey
        /// The signing key is in the trust file but not as a release key.
        case wrongKey
        /// The release key expired before the verification time.
        case expiredKey
        /// The release key was revoked in the trust file.
        case revokedKey
        /// The release counter is at or below the device's committed floor.
        case rollback
        /// The payload would inflate beyond its declared size or the global cap.
        case oversizedPayload
        /// The bundle's requirements do not fit the device profile.
        case profileMismatch
        /// The model uses an operator the runtime does not implement.
        case unsupportedOperator
        /// The device has no trustworthy time and no newer trust file vouches for the bundle.
        case clockUnknown
        /// The trust file is unsigned, signed by the wrong root, or inconsistent.
        case untrustedTrustFile
        /// The trust file is older than the one already accepted.
        case trustRollback
        /// The trust file has expired (`expiresAt` passed): a newer one must be installed before anything else.
        case trustExpired
        /// A key file is missing, unreadable, malformed or too widely readable.
        case keyFile
        /// The inputs to a build (model, CSV, labels, metadata, golden cases) are invalid.
        case invalidInput
        /// The model cannot be analysed by the runtime.
        case modelAnalysis
        /// zlib reported an internal failure.
        case compression
        /// Reading or writing a file failed.
        case io
    }

    /// The reason, stable for telemetry and tests.
    public let code: Code
    /// What happened and what to do about it, for a person.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
