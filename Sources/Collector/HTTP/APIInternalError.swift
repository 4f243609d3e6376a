/// A failure inside the collector while answering an API request: answered with a bare 500 whose body never
/// carries this text (it goes to the log only), so internals such as SQL or file paths do not leak.
struct APIInternalError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
