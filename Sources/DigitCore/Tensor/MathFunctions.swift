// Scalar maths from the C library, in one place, for both Linux (Glibc) and Apple platforms.
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) func _expf(_ x: Float) -> Float { expf(x) }
@inline(__always) func _logf(_ x: Float) -> Float { logf(x) }
@inline(__always) func _log1pf(_ x: Float) -> Float { log1pf(x) }

extension Float {
    @inline(__always) var exp: Float { _expf(self) }
}
@inline(__always) func _cosf(_ x: Float) -> Float { cosf(x) }
@inline(__always) func _sinf(_ x: Float) -> Float { sinf(x) }
