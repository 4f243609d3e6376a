/// Which devices a listing returns.
public struct DeviceFilter: Sendable, Equatable {
    public var tag: String?
    public var group: String?
    public var online: Bool?
    /// Devices whose current bundle belongs to this model.
    public var model: String?
    public var limit: Int
    public var offset: Int
    /// Keyset cursor: only devices whose ID sorts after this one (byte order, the listing's order).
    public var after: String?
    /// Keyset cursor backwards: only the last `limit` devices whose ID sorts before this one (still returned ascending).
    public var before: String?

    public init(tag: String? = nil, group: String? = nil, online: Bool? = nil, model: String? = nil, limit: Int = 100_000, offset: Int = 0,
                after: String? = nil, before: String? = nil) {
        self.tag = tag
        self.group = group
        self.online = online
        self.model = model
        self.limit = limit
        self.offset = offset
        self.after = after
        self.before = before
    }
}
