/// What the bundle target does with an input, chosen by its first byte (modulo the case count).
///
/// The verifier checks signatures first and section digests next, so random mutations of a whole bundle rarely get
/// past either: `resignAndVerify` signs whatever manifest the mutation produced with the trusted key, and the
/// section modes feed each decoder directly.
enum BundleMode: UInt8, CaseIterable {
    /// The container parser and the whole verifier, as a device runs them.
    case verify
    /// Parse, drop the signatures, sign with the trusted release key, verify: reaches the manifest and section checks.
    case resignAndVerify
    /// As `verify`, with a firmware profile (fit checks, the model's operator scan).
    case verifyWithProfile
    /// As `verify`, on a device without a trustworthy clock.
    case verifyWithoutClock
    /// A trust file: parse, then offer it to the trust store.
    case trustFile
    /// The canonical-JSON manifest decoder and its validation.
    case manifest
    /// The drift baseline decoder.
    case baseline
    /// The golden-case decoder against a fixed tensor schema.
    case golden
    /// zlib inflation with the payload cap.
    case inflate
    /// A firmware profile file.
    case profile
}
