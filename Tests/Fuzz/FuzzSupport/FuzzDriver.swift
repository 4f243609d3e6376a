import CFuzzing

#if canImport(Glibc)
import Glibc
#endif

/// The input handler of the running fuzz target; set once by ``FuzzDriver/run(_:)`` before libFuzzer starts.
nonisolated(unsafe) private var handler: (([UInt8]) -> Void)?

/// Runs libFuzzer in-process with the target's own `main` (`LLVMFuzzerRunDriver`), so a fuzz target is an ordinary
/// SwiftPM executable: libFuzzer's flags and corpus directories come from the command line as usual.
///
/// The input is copied into an array per run (the parsers under test take `[UInt8]`); libFuzzer owns the bytes only
/// for the duration of the callback. Single-threaded: libFuzzer calls the handler from the thread that called `run`.
public enum FuzzDriver {
    /// Hands control to libFuzzer and exits with its status; `body` must not keep state between inputs that changes
    /// its behaviour (a crash must reproduce from its input alone).
    public static func run(_ body: @escaping ([UInt8]) -> Void) -> Never {
        handler = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            handler?(bytes)
            return 0
        }
        exit(status)
    }

    /// Stops the process the way libFuzzer records a finding (an abort with a message) when an invariant fails.
    public static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                             file: StaticString = #fileID, line: UInt = #line) {
        guard !condition() else { return }
        fatalError("fuzz invariant violated: \(message())", file: file, line: line)
    }

    /// Splits an input into parts at `separator` bytes (for targets that take several fields or messages).
    public static func split(_ bytes: [UInt8], separator: UInt8, maxParts: Int) -> [ArraySlice<UInt8>] {
        bytes.split(separator: separator, maxSplits: maxParts - 1, omittingEmptySubsequences: false)
    }
}
