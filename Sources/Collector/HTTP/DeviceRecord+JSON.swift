import FleetProtocol

extension DeviceRecord {
    /// `{"devices": [...]}` for a listing, written by hand: `JSONEncoder` needs hundreds of milliseconds for 10,000 devices.
    static func listJSON(_ devices: [DeviceRecord], next: String?, totals: DeviceTotals) -> [UInt8] {
        var w = JSONWriter(capacity: devices.count * 700 + 128)
        w.beginObject()
        w.key("devices")
        w.beginArray()
        for device in devices { device.write(to: &w) }
        w.endArray()
        w.key("next")
        if let next { w.string(next) } else { w.null() }
        w.key("online"); w.number(totals.online)
        w.key("total"); w.number(totals.matching)
        w.endObject()
        return w.bytes
    }

    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let agentVersion { w.key("agentVersion"); w.string(agentVersion) }
        if let currentBundle { w.key("currentBundle"); Self.write(currentBundle, to: &w) }
        w.key("firstSeenAt"); w.number(firstSeenAt)
        w.key("groups"); w.strings(groups)
        if let hardware {
            w.key("hardware")
            w.beginObject()
            w.key("cpuCount"); w.number(hardware.cpuCount)
            w.key("kernel"); w.string(hardware.kernel)
            w.key("machine"); w.string(hardware.machine)
            w.key("memoryBytes"); w.number(hardware.memoryBytes)
            w.key("model"); w.string(hardware.model)
            w.endObject()
        }
        w.key("id"); w.string(id)
        if let input { w.key("input"); w.string(input) }
        w.key("lastSeenAt"); w.number(lastSeenAt)
        if let latest {
            w.key("latest")
            w.beginObject()
            w.key("at"); w.number(latest.at)
            w.key("cpuCores"); w.number(latest.cpuCores)
            w.key("errors"); w.number(latest.errors)
            w.key("inferences"); w.number(latest.inferences)
            w.key("latencyP50Micros"); w.number(latest.latencyP50Micros)
            w.key("latencyP95Micros"); w.number(latest.latencyP95Micros)
            w.key("queueDepth"); w.number(latest.queueDepth)
            w.key("rssBytes"); w.number(latest.rssBytes)
            if let temperature = latest.temperatureCelsius { w.key("temperatureCelsius"); w.number(temperature) }
            w.key("throughput"); w.number(latest.throughput)
            w.endObject()
        }
        w.key("online"); w.bool(online)
        if let previousBundle { w.key("previousBundle"); Self.write(previousBundle, to: &w) }
        if let profile { w.key("profile"); w.string(profile) }
        if let startedAt { w.key("startedAt"); w.number(startedAt) }
        if let statusChangedAt { w.key("statusChangedAt"); w.number(statusChangedAt) }
        if let statusReason { w.key("statusReason"); w.string(statusReason) }
        w.key("tags"); w.strings(tags)
        if let telemetryIntervalSeconds { w.key("telemetryIntervalSeconds"); w.number(telemetryIntervalSeconds) }
        w.endObject()
    }

    static func write(_ bundle: BundleReference, to w: inout JSONWriter) {
        w.beginObject()
        w.key("digest"); w.string(bundle.digest)
        w.key("name"); w.string(bundle.name)
        w.key("releaseCounter"); w.number(bundle.releaseCounter)
        w.key("version"); w.string(bundle.version)
        w.endObject()
    }
}
