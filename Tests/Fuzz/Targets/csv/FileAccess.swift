// DriftCSV.swift is compiled in from Sources/edgectl (a symbolic link: an executable's module cannot be imported);
// its file-reading initialiser needs edgectl's FileAccess, which the fuzz target never calls.
enum FileAccess {
    static func read(_ path: String) throws -> [UInt8] { throw CommandLineError("fuzz target reads no files (\(path))") }
}
