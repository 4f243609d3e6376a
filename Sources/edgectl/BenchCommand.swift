import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import FleetSupport
import Kernels
import Runtime
import TFLite

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure invoke latency (median, p90), arena bytes and peak RSS."
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(help: "Timed invokes.")
    var iterations = 50

    @Option(help: "Untimed invokes before timing.")
    var warmup = 5

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Also report the time spent in each operator.")
    var profile = false

    @Option(help: "Threads per invoke (persistent worker pool).")
    var threads = 1

    @Option(help: "A bundle of this model: time its drift sketches (input statistics, embedding) against invoke, one thread.")
    var sketch: String?

    @Option(help: ArgumentHelp(
        "Force the GEMM microkernel (default: the fastest this CPU runs).",
        discussion: "One of: \(Microkernel.allCases.map { $0.rawValue }.joined(separator: ", ")); it must be available on this CPU. The environment variable EDGEFLEET_MICROKERNEL does the same for every command."))
    var microkernel: String?

    func validate() throws {
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must not be negative") }
        if threads < 1 || threads > 64 { throw ValidationError("--threads must be between 1 and 64") }
        if let microkernel {
            guard let kernel = Microkernel(rawValue: microkernel) else {
                throw ValidationError("--microkernel \(microkernel) is not one of \(Microkernel.allCases.map { $0.rawValue }.joined(separator: ", "))")
            }
            guard kernel.isAvailable else {
                throw ValidationError("--microkernel \(microkernel): this CPU or build lacks it (available: \(Microkernel.available.map { $0.rawValue }.joined(separator: ", ")))")
            }
        }
    }

    func run() throws {
        if let sketch {
            return try SketchCost(modelPath: model, bundlePath: sketch, iterations: iterations, warmup: warmup).run()
        }
        let parsed = try FileAccess.loadModel(model)
        let forced = microkernel.flatMap(Microkernel.init(rawValue:))
        let interpreter = try FileAccess.interpreter(for: parsed, path: model, threads: threads, microkernel: forced)
        let machine = MachineDescription.current
        if let problem = Microkernel.selectionProblem, forced == nil {
            let line = "warning: \(problem); using \(Microkernel.selected.rawValue)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
        // The microkernel of each GEMM operator (all the same unless a filter fell back to int16 pairs).
        let kernels = Set(interpreter.operatorKernels.compactMap { $0 }.compactMap(Microkernel.init(rawValue:)))
            .sorted { $0.rawValue < $1.rawValue }
        let used = kernels.isEmpty ? [forced ?? machine.defaultMicrokernel] : kernels
        let usedSummary = used.map { $0.summary }.joined(separator: " + ")
        // Deterministic pseudo-random input: latency must not depend on a file being present.
        var random = SplitMix64(seed: SplitMix64.increment)
        for i in interpreter.inputs.indices { Self.fillDeterministically(interpreter.inputBuffer(i), using: &random) }
        for _ in 0..<warmup { interpreter.invoke() }
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        var perOperator = [Double](repeating: 0, count: interpreter.operatorNames.count)
        for _ in 0..<iterations {
            let start = clock.now
            if profile {
                interpreter.invoke { step, duration in perOperator[step] += Self.milliseconds(duration) }
            } else {
                interpreter.invoke()
            }
            samples.append(Self.milliseconds(clock.now - start))
        }
        samples.sort()
        let median = Self.percentile(samples, 0.5)
        let p90 = Self.percentile(samples, 0.9)
        let rss = Self.peakResidentBytes()
        if json {
            var fields = [
                "\"model\":\"\(Self.escape(model))\"",
                "\"iterations\":\(iterations)",
                "\"threads\":\(threads)",
                "\"median_ms\":\(Self.fixed(median, 4))",
                "\"p90_ms\":\(Self.fixed(p90, 4))",
                "\"min_ms\":\(Self.fixed(samples.first ?? 0, 4))",
                "\"arena_bytes\":\(interpreter.arenaBytes)",
                "\"workspace_bytes\":\(interpreter.workspaceBytes)",
                "\"weights_bytes\":\(interpreter.weightsBytes)",
                "\"macs\":\(interpreter.macs)",
                "\"peak_rss_bytes\":\(rss)",
                "\"microkernel\":\"\(Self.escape(usedSummary))\"",
                "\"microkernel_name\":\"\(used.map { $0.rawValue }.joined(separator: "+"))\"",
                "\"cpu_model\":\"\(Self.escape(machine.cpuModel))\"",
                "\"isa_features\":[\(machine.isaFeatures.map { "\"\($0)\"" }.joined(separator: ","))]",
                "\"available_microkernels\":[\(Microkernel.available.map { "\"\($0.rawValue)\"" }.joined(separator: ","))]",
            ]
            // Every operator with the kernel path it ran; timings only with --profile.
            let ops = interpreter.operatorNames.enumerated().map { step, name in
                var entry = "{\"step\":\(step),\"op\":\"\(name)\""
                if let path = interpreter.operatorKernels[step] { entry += ",\"microkernel\":\"\(Self.escape(path))\"" }
                if profile { entry += ",\"ms\":\(Self.fixed(perOperator[step] / Double(iterations), 4))" }
                return entry + "}"
            }
            fields.append("\"operators\":[\(ops.joined(separator: ","))]")
            print("{" + fields.joined(separator: ",") + "}")
        } else {
            print("model: \(model)")
            print("invokes: \(iterations) (after \(warmup) warm-up)")
            print("median: \(Self.fixed(median, 3)) ms  p90: \(Self.fixed(p90, 3)) ms  min: \(Self.fixed(samples.first ?? 0, 3)) ms")
            print("MACs: \(interpreter.macs)  GMAC/s: \(Self.fixed(Double(interpreter.macs) / (median * 1e6), 2))")
            print("arena: \(interpreter.arenaBytes) bytes  workspace: \(interpreter.workspaceBytes) bytes  weights: \(interpreter.weightsBytes) bytes  peak RSS: \(rss) bytes")
            print("cpu: \(machine.cpuModel)")
            print("isa: \(machine.isaFeatures.isEmpty ? "baseline only" : machine.isaFeatures.joined(separator: " "))")
            print("microkernel: \(usedSummary)")
            // Which path each operator type ran, in order of first appearance.
            var seen: [String] = []
            for (name, path) in zip(interpreter.operatorNames, interpreter.operatorKernels) {
                let entry = "\(name): \(path ?? "-")"
                if !seen.contains(entry) { seen.append(entry) }
            }
            print("kernels: \(seen.joined(separator: ", "))")
            if profile {
                print("\nper operator (mean ms per invoke):")
                var totals: [String: Double] = [:]
                for (step, name) in interpreter.operatorNames.enumerated() {
                    let ms = perOperator[step] / Double(iterations)
                    totals[name, default: 0] += ms
                    let path = interpreter.operatorKernels[step].map { " [\($0)]" } ?? ""
                    print("  #\(step) \(name)\(path) \(Self.fixed(ms, 4))")
                }
                print("\nper operator type:")
                for (name, ms) in totals.sorted(by: { $0.value > $1.value }) {
                    print("  \(name) \(Self.fixed(ms, 4)) ms")
                }
            }
        }
    }

    /// Fills an input with seeded pseudo-random bytes (one draw per byte), the same on every run.
    static func fillDeterministically(_ buffer: UnsafeMutableRawBufferPointer, using random: inout SplitMix64) {
        for b in buffer.indices { buffer[b] = UInt8(truncatingIfNeeded: random.next() >> 33) }
    }

    static func milliseconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) * 1000 + Double(atto) / 1e15
    }

    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position), upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = (x * scale).rounded() / scale
        var s = String(v)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        }
        return s
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "\\" || c == "\"" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// Peak resident set size of this process (Linux reports ru_maxrss in kilobytes).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
