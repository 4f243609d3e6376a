#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a device knows about the current time when it verifies a bundle.
public enum VerificationTime: Sendable, Equatable {
    /// A trustworthy wall clock (RTC or synchronised), in seconds since 1970 UTC.
    case known(secondsSince1970: Int64)
    /// No trustworthy clock; `lastSeenTrustVersion` is the newest trust-file version seen before this update.
    case unknown(lastSeenTrustVersion: UInt64)

    /// The system clock, for hosts that trust theirs.
    public static func systemClock() -> VerificationTime {
        .known(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }
}
