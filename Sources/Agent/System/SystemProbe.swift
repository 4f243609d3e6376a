import FleetProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads what the process and the board expose: memory, CPU time, temperature, throttling, hardware.
///
/// Each reading is nil (or zero) where the board does not expose it; nothing here needs privileges.
enum SystemProbe {
    /// Resident set size of this process (`/proc/self/statm`).
    static func residentBytes() -> UInt64 {
        guard let text = readText("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = UInt64(fields[1]) else { return 0 }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// User plus system CPU time of this process, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// A sysfs thermal zone's temperature in °C (the file holds millidegrees; the first zone is the SoC on a Pi).
    static func temperatureCelsius(path: String = "/sys/class/thermal/thermal_zone0/temp") -> Double? {
        guard let text = readText(path), let milli = Double(text.trimmed), milli.isFinite else { return nil }
        return milli / 1000
    }

    /// The firmware's throttling bits: the sysfs file newer kernels expose, else `vcgencmd get_throttled`.
    static func throttled() -> UInt32? {
        if let text = readText("/sys/devices/platform/soc/soc:firmware/get_throttled"), let value = UInt32(text.trimmed, radix: 16) {
            return value
        }
        for path in ["/usr/bin/vcgencmd", "/opt/vc/bin/vcgencmd"] where access(path, X_OK) == 0 {
            // Prints "throttled=0x50005".
            guard let output = Subprocess.output(path, ["get_throttled"]),
                  let equals = output.firstIndex(of: "=") else { return nil }
            var digits = String(output[output.index(after: equals)...]).trimmed
            if digits.hasPrefix("0x") { digits = String(digits.dropFirst(2)) }
            return UInt32(digits, radix: 16)
        }
        return nil
    }

    /// What the device is: board model, architecture, kernel, CPUs, memory.
    static func hardware() -> HardwareInfo {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let machine = field(&names.machine)
        let kernel = field(&names.release)
        var model = readText("/proc/device-tree/model").map { String($0.prefix { $0 != "\0" }) } ?? ""
        if model.isEmpty, let cpuinfo = readText("/proc/cpuinfo") {
            model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") || $0.hasPrefix("Model") }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last.map { String($0).trimmed } } ?? machine
        }
        var memory: UInt64 = 0
        if let meminfo = readText("/proc/meminfo"),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
           let kilobytes = UInt64(line.split(separator: " ").dropFirst().first ?? "") {
            memory = kilobytes * 1024
        }
        return HardwareInfo(model: model, machine: machine, kernel: kernel,
                            cpuCount: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), memoryBytes: memory)
    }

    /// Wall-clock milliseconds since 1970.
    static func nowMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    static func readText(_ path: String) -> String? {
        guard let bytes = try? DurableFiles.read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
