/// The uint8 quad layout: legacy uint8 filters (per-tensor, any weight zero point) for the AVX-512 VNNI uint8
/// kernels (`edgefleet_vnni512_u8_*`).
///
/// `vpdpbusd` multiplies unsigned activations by signed weights, so uint8 activations go in as they are; but
/// `w − z_w` spans −255…255. The quads hold `w' = w − 128` (always an int8) in the int8 quad layout, and
/// ``unsignedWeightOffset`` = `128 − z_w`: the kernels start each pixel's accumulators from
/// `(128 − z_w) · Σx`, so `Σ x·w' + (128 − z_w)·Σx = Σ x·(w − z_w)` exactly.
extension PackedFilter {
    /// True when the filter holds uint8 quads for the AVX-512 VNNI uint8 kernels.
    public var usesUnsignedQuads: Bool { unsignedWeightOffset != nil }

    /// True when this process can run the uint8 quad kernels (AVX-512 F, BW and VNNI, x86-64 only).
    public static var unsignedQuadsAvailable: Bool { Microkernel.avx512VNNI.isAvailable }

    /// Packs a legacy uint8 filter for `microkernel`: the uint8 quad layout when that is `avx512-vnni` and the CPU
    /// runs it, else the int16 pairs of the best pair kernel, as before (every other kernel, aarch64 included).
    ///
    /// - `filter`: OHWI weights with their zero point already subtracted (`w − zeroPoint`, −255…255), as Int16;
    ///   `zeroPoint`: the filter's (per-tensor) zero point, 0…255.
    public static func forUInt8(filter: UnsafePointer<Int16>, zeroPoint: Int32, outputChannels: Int, taps: Int,
                                inputChannels: Int, microkernel: Microkernel) -> PackedFilter {
        if microkernel == .avx512VNNI && unsignedQuadsAvailable {
            return unsignedQuads(filter: filter, zeroPoint: zeroPoint, outputChannels: outputChannels, taps: taps,
                                 inputChannels: inputChannels)
        }
        return PackedFilter(filter: filter, outputChannels: outputChannels, taps: taps, inputChannels: inputChannels,
                            layout: .pairs, microkernel: microkernel)
    }

    /// Packs a legacy uint8 filter as uint8 quads (`w − 128`) with ``unsignedWeightOffset`` `128 − zeroPoint`.
    /// The kernels need AVX-512 VNNI; check ``unsignedQuadsAvailable`` before running them.
    ///
    /// - `filter`: OHWI weights minus `zeroPoint`, as Int16 (so `filter[i] + zeroPoint` is the stored uint8).
    public static func unsignedQuads(filter: UnsafePointer<Int16>, zeroPoint: Int32, outputChannels: Int, taps: Int,
                                     inputChannels: Int) -> PackedFilter {
        precondition((0...255).contains(zeroPoint), "a uint8 filter's zero point lies in 0…255")
        let count = outputChannels * taps * inputChannels
        let lowered = [Int8](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
            for i in 0..<count {
                let w = Int32(filter[i]) + zeroPoint
                precondition((0...255).contains(w), "uint8 filter value out of range")
                buffer[i] = Int8(w - 128)
            }
            if count == 0 { buffer[0] = 0 }
            initialized = max(count, 1)
        }
        // The int8 quad layout of the signed kernels, with their per-channel starts dropped: the uint8 kernels
        // start from a per-pixel correction instead.
        var packed = lowered.withUnsafeBufferPointer {
            PackedFilter(filter: $0.baseAddress!, outputChannels: outputChannels, taps: taps, inputChannels: inputChannels,
                         layout: .quads, microkernel: .avx512VNNI)
        }
        packed.quadStarts = []
        packed.unsignedWeightOffset = 128 - zeroPoint
        return packed
    }
}
