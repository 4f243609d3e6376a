/// Too many failed authentications from one client lately: answered 429 with `Retry-After`.
struct APIThrottled: Error, CustomStringConvertible {
    let retryAfterSeconds: Int

    var description: String {
        "too many failed authentications from this address; try again in \(retryAfterSeconds) s"
    }
}
