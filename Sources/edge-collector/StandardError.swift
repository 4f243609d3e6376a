#if canImport(Glibc)
import Glibc
#endif

/// Standard error (descriptor 2) as a `TextOutputStream`, for the subcommands' error lines.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
