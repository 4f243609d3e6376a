/// Counts over the devices a ``DeviceFilter`` matches (its limit, offset and cursors ignored): one SQL aggregate, so a
/// page of a 100,000-device fleet can say how many there are without reading them.
public struct DeviceTotals: Sendable, Equatable {
    /// Devices matching the filter.
    public var matching: Int
    /// Of those, online.
    public var online: Int
    /// Of those, how many have an ID sorting before the `preceding` ID asked for (a page's position); 0 without one.
    public var preceding: Int

    public init(matching: Int, online: Int, preceding: Int = 0) {
        self.matching = matching
        self.online = online
        self.preceding = preceding
    }
}
