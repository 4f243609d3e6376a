#if canImport(Glibc)
import Glibc
#endif

/// Standard error as a `TextOutputStream`, for the subcommands' error lines.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        fputs(string, stderr)
    }
}
