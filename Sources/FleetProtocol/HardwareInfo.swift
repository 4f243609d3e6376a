/// What the device is, as far as it can tell.
public struct HardwareInfo: Codable, Sendable, Equatable {
    /// The board's model string (`/proc/device-tree/model`), or the CPU model.
    public var model: String
    /// `uname -m`, e.g. `aarch64`.
    public var machine: String
    /// The kernel release, `uname -r`.
    public var kernel: String
    public var cpuCount: Int
    /// Physical memory in bytes.
    public var memoryBytes: UInt64

    public init(model: String, machine: String, kernel: String, cpuCount: Int, memoryBytes: UInt64) {
        self.model = model
        self.machine = machine
        self.kernel = kernel
        self.cpuCount = cpuCount
        self.memoryBytes = memoryBytes
    }
}
