/// A bundle on the device that cannot serve: missing, damaged, refused by verification, or not runnable.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The slot file does not exist.
        case missing
        /// The slot file's SHA-256 is not the digest it is stored under.
        case corrupt
        /// Verification refused the bundle (``bundleErrorCode`` says why).
        case refused
        /// The runtime cannot prepare the model.
        case unsupported
        /// No model at all could be loaded at start-up.
        case noModel
    }

    public let code: Code
    public let message: String
    /// The `BundleError` code when verification refused the bundle.
    public let bundleErrorCode: String?

    public init(_ code: Code, _ message: String, bundleErrorCode: String? = nil) {
        self.code = code
        self.message = message
        self.bundleErrorCode = bundleErrorCode
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
