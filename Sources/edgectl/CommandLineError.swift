/// An error the tool reports as one line on stderr before exiting non-zero.
struct CommandLineError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
