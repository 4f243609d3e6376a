/// The collector's version, printed by `edge-collector --version` (the Debian packages are named after it).
public enum CollectorVersion {
    public static let current = "0.1.0"
}
