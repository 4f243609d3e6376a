/// Which devices a listing returns.
public struct DeviceFilter: Sendable, Equatable {
    public var tag: String?
    public var group: String?
    public var online: Bool?
    /// Devices whose current bundle belongs to this model.
    public var model: String?
    public var limit: Int
    public var offset: Int

    public init(tag: String? = nil, group: String? = nil, online: Bool? = nil, model: String? = nil, limit: Int = 100_000, offset: Int = 0) {
        self.tag = tag
        self.group = group
        self.online = online
        self.model = model
        self.limit = limit
        self.offset = offset
    }
}
