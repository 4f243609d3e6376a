extension UpdateSettings {
    /// The limits every bundle download runs within (``DownloadGuard``).
    public var downloadLimits: DownloadGuard.Limits {
        DownloadGuard.Limits(minimumBytesPerSecond: downloadMinimumBytesPerSecond, graceSeconds: downloadGraceSeconds,
                             stallSeconds: downloadStallSeconds)
    }
}
