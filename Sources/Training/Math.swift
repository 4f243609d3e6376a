#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The few libm functions the trainer needs, behind one import.
@inline(__always) func exponential(_ x: Float) -> Float { expf(x) }
@inline(__always) func logarithm(_ x: Float) -> Float { logf(x) }
@inline(__always) func squareRoot(_ x: Float) -> Float { x.squareRoot() }


