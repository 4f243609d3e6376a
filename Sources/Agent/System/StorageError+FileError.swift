import FleetSupport

extension StorageError {
    /// A failed file operation as an I/O storage error, message unchanged.
    init(_ error: FileError) { self.init(.io, error.message) }
}
