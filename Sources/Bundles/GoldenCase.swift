#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One input with the output the model must produce for it: the device's health check after an update.
public struct GoldenCase: Codable, Sendable, Equatable {
    public var name: String
    /// Raw bytes per input tensor, in the model's dtype and layout.
    public var inputs: [[UInt8]]
    /// Expected raw bytes per output tensor.
    public var outputs: [[UInt8]]
    /// Largest allowed absolute difference per output element, in quantised units (0: byte-exact).
    public var tolerance: Int

    public init(name: String, inputs: [[UInt8]], outputs: [[UInt8]], tolerance: Int = 0) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.tolerance = tolerance
    }

    private enum CodingKeys: String, CodingKey { case name, inputs, outputs, tolerance }

    // Tensors travel as base64 strings: a JSON array of numbers would triple their size.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        inputs = try container.decode([Data].self, forKey: .inputs).map { Array($0) }
        outputs = try container.decode([Data].self, forKey: .outputs).map { Array($0) }
        tolerance = try container.decode(Int.self, forKey: .tolerance)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(inputs.map { Data($0) }, forKey: .inputs)
        try container.encode(outputs.map { Data($0) }, forKey: .outputs)
        try container.encode(tolerance, forKey: .tolerance)
    }

    /// Whether `actual` outputs match the expected ones within the tolerance, reading elements as `dtype`.
    public func matches(_ actual: [[UInt8]], outputSchemas: [TensorSchema]) -> Bool {
        guard actual.count == outputs.count, outputSchemas.count == outputs.count else { return false }
        for ((expected, got), schema) in zip(zip(outputs, actual), outputSchemas) {
            guard expected.count == got.count else { return false }
            if tolerance == 0 { if expected != got { return false }; continue }
            let signed = schema.dtype.uppercased() == "INT8"
            for (e, g) in zip(expected, got) {
                let difference = signed ? abs(Int(Int8(bitPattern: e)) - Int(Int8(bitPattern: g))) : abs(Int(e) - Int(g))
                if difference > tolerance { return false }
            }
        }
        return true
    }
}
