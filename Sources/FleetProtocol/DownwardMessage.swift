/// A message the collector sends to a device; every one carries the protocol version in `v`.
public protocol DownwardMessage: Codable, Sendable {
    var version: Int { get }
}
