/// `expm1f` as fdlibm computes it (glibc ≤ 2.40's `sysdeps/ieee754/flt-32/s_expm1f.c`), independent of the C library.
///
/// Why not the C library's: the reference outputs come from LiteRT on glibc 2.36, whose `expm1f` is this fdlibm code;
/// newer C libraries (glibc 2.41 on Debian trixie, the aarch64 sysroot) ship a different, correctly rounded `expm1f`
/// that differs in the last bit for some inputs, so ELU was byte-exact on one board and not on another. Same
/// operations in the same order, single precision, no fused multiply-add (Swift never contracts).
@inlinable
public func fdlibmExpm1f(_ input: Float) -> Float {
    let one: Float = 1, tiny: Float = 1.0e-30, huge: Float = 1.0e+30
    let oThreshold = Float(bitPattern: 0x42b1_7180)
    let ln2Hi = Float(bitPattern: 0x3f31_7180), ln2Lo = Float(bitPattern: 0x3717_f7d1)
    let invLn2 = Float(bitPattern: 0x3fb8_aa3b)
    let q1 = Float(bitPattern: 0xbd08_8889), q2 = Float(bitPattern: 0x3ad0_0d01), q3 = Float(bitPattern: 0xb8a6_70cd)
    let q4 = Float(bitPattern: 0x3686_7e54), q5 = Float(bitPattern: 0xb457_edbb)

    var x = input
    let word = x.bitPattern
    let negative = word & 0x8000_0000 != 0
    let hx = word & 0x7fff_ffff

    // Huge and non-finite arguments.
    if hx >= 0x4195_b844 {  // |x| ≥ 27·ln2
        if hx >= 0x42b1_7218 {  // |x| ≥ 88.721…
            if hx > 0x7f80_0000 { return x + x }  // NaN
            if hx == 0x7f80_0000 { return negative ? -1 : x }  // expm1(±inf) = {-1, inf}
            if x > oThreshold { return huge * huge }  // overflow
        }
        if negative { return tiny - one }  // x < −27·ln2: −1
    }

    // Argument reduction: x = k·ln2 + r, |r| ≤ 0.5·ln2, with the rounding error of r in c.
    var k: Int32 = 0
    var c: Float = 0
    if hx > 0x3eb1_7218 {  // |x| > 0.5·ln2
        let hi: Float, lo: Float
        if hx < 0x3f85_1592 {  // and |x| < 1.5·ln2
            if !negative { hi = x - ln2Hi; lo = ln2Lo; k = 1 } else { hi = x + ln2Hi; lo = -ln2Lo; k = -1 }
        } else {
            k = Int32(invLn2 * x + (negative ? -0.5 : 0.5))
            let t = Float(k)
            hi = x - t * ln2Hi  // t·ln2_hi is exact here
            lo = t * ln2Lo
        }
        x = hi - lo
        c = (hi - x) - lo
    } else if hx < 0x3300_0000 {  // |x| < 2^-25: x itself
        let t = huge + x
        return x - (t - (huge + x))
    }

    // x is now in the primary range.
    let hfx: Float = 0.5 * x
    let hxs = x * hfx
    let r1 = one + hxs * (q1 + hxs * (q2 + hxs * (q3 + hxs * (q4 + hxs * q5))))
    var t: Float = 3.0 - r1 * hfx
    var e = hxs * ((r1 - t) / (6.0 - x * t))
    if k == 0 { return x - (x * e - hxs) }  // c is 0
    e = x * (e - c) - c
    e -= hxs
    if k == -1 { return 0.5 * (x - e) - 0.5 }
    if k == 1 {
        if x < -0.25 { return -2.0 * (e - (x + 0.5)) }
        return one + 2.0 * (x - e)
    }
    // Adds k to y's exponent through its bit pattern, as fdlibm's SET_FLOAT_WORD does.
    let exponentStep: Int32 = k << 23
    func scaled(_ y: Float) -> Float { Float(bitPattern: UInt32(bitPattern: Int32(bitPattern: y.bitPattern) &+ exponentStep)) }
    if k <= -2 || k > 56 {  // exp(x) − 1 suffices
        return scaled(one - (e - x)) - one
    }
    if k < 23 {
        let oneMinus: Int32 = 0x3f80_0000 - (Int32(0x0100_0000) >> k)
        t = Float(bitPattern: UInt32(bitPattern: oneMinus))  // 1 − 2^-k
        return scaled(t - (e - x))
    }
    let exponent: Int32 = (0x7f - k) << 23
    t = Float(bitPattern: UInt32(bitPattern: exponent))  // 2^-k
    var y = x - (e + t)
    y += one
    return scaled(y)
}
