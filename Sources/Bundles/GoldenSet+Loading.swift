extension GoldenSet {
    /// Reads cases from a directory in the conformance layout: `case-K.in-I.bin` and `case-K.ref-J.bin`.
    ///
    /// Cases without reference outputs are completed by `reference`, which runs the model.
    public static func load(directory: String, inputCount: Int, outputCount: Int, limit: Int,
                            reference: (([[UInt8]]) throws(BundleError) -> [[UInt8]])?) throws(BundleError) -> GoldenSet {
        let names = try FileIO.list(directory)
        let caseNumbers = Set(names.compactMap { name -> Int? in
            guard name.hasPrefix("case-"), name.hasSuffix(".in-0.bin") else { return nil }
            return Int(name.dropFirst("case-".count).dropLast(".in-0.bin".count))
        }).sorted()
        guard !caseNumbers.isEmpty else {
            throw BundleError(.invalidInput, "\(directory) has no golden cases (expected files named case-K.in-I.bin)")
        }
        var cases: [GoldenCase] = []
        for number in caseNumbers.prefix(limit) {
            var inputs: [[UInt8]] = []
            for index in 0..<inputCount { inputs.append(try FileIO.read("\(directory)/case-\(number).in-\(index).bin")) }
            let referencePaths = (0..<outputCount).map { "\(directory)/case-\(number).ref-\($0).bin" }
            var outputs: [[UInt8]] = []
            if referencePaths.allSatisfy(FileIO.exists) {
                for path in referencePaths { outputs.append(try FileIO.read(path)) }
            } else if let reference {
                outputs = try reference(inputs)
            } else {
                throw BundleError(.invalidInput, "golden case \(number) in \(directory) lacks case-\(number).ref-J.bin outputs")
            }
            cases.append(GoldenCase(name: "case-\(number)", inputs: inputs, outputs: outputs))
        }
        return GoldenSet(cases: cases)
    }
}
