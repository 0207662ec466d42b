/// Conversions from the 16-bit float formats safetensors files may hold to Float.
enum HalfFloat {
    /// IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits, bias 15) to binary32
    /// (bias 127), exactly: every half value is representable as a Float.
    @inline(__always)
    static func floatFromF16(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1f
        var mantissa = UInt32(h) & 0x3ff
        switch exponent {
        case 0:
            if mantissa == 0 { return Float(bitPattern: sign) }   // +-0
            // Subnormal: value = mantissa * 2^-24. Normalise by shifting the mantissa up until
            // its leading 1 reaches the implicit-bit position, lowering the exponent each step.
            var e: UInt32 = 127 - 15 + 1
            while mantissa & 0x400 == 0 {
                mantissa <<= 1
                e -= 1
            }
            mantissa &= 0x3ff
            return Float(bitPattern: sign | (e << 23) | (mantissa << 13))
        case 0x1f:
            // Infinity (mantissa 0) or NaN (payload kept in the top mantissa bits).
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
        }
    }

    /// bfloat16 is the upper half of a binary32, so widening is a shift.
    @inline(__always)
    static func floatFromBF16(_ b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }
}
