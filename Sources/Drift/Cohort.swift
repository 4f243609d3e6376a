/// A cohort: the devices sharing one value of one key.
public struct Cohort: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public var description: String { "\(key)=\(value)" }

    public static func < (lhs: Cohort, rhs: Cohort) -> Bool { (lhs.key, lhs.value) < (rhs.key, rhs.value) }
}
