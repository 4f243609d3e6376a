import FleetSupport

extension BundleError {
    /// A failed file operation as an I/O bundle error, message unchanged.
    init(_ error: FileError) { self.init(.io, error.message) }
}
