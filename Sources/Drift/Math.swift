#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The few libm functions the statistics need, behind one import (the module otherwise uses only the standard library).
@inline(__always) func naturalLog(_ x: Double) -> Double { log(x) }
@inline(__always) func exponential(_ x: Double) -> Double { exp(x) }
@inline(__always) func logGamma(_ x: Double) -> Double { lgamma(x) }
@inline(__always) func cosine(_ x: Double) -> Double { cos(x) }
