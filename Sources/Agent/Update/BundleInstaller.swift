/// The slot files of an update: moving a verified download into its slot, committing (floor, pointers, old
/// slots) and cleaning up after a failure. The I/O of the `installing`, `committing` and `failed` steps.
///
/// Each operation is idempotent, so a restart that repeats it (the phase was persisted before it ran) is safe.
struct BundleInstaller: Sendable {
    var slots: SlotStore

    /// Moves the verified download into its slot durably (or finds it there, when the move happened before a
    /// restart).
    func install(_ digest: String) throws {
        let download = slots.downloadPath(digest)
        if DurableFiles.exists(download) {
            try DurableFiles.sync(download)
            try DurableFiles.move(download, to: slots.slotPath(digest))
        } else if !DurableFiles.exists(slots.slotPath(digest)) {
            throw UpdateError(.install, "neither the download nor the slot of \(digest.prefix(16)) exists")
        }
    }

    /// Raises the anti-rollback floor to the candidate's release counter and frees every other slot.
    func commit(_ digest: String, releaseCounter: UInt64) throws {
        try slots.raiseFloor(to: releaseCounter)
        try slots.setPrevious(nil)
        for other in try slots.slots() where other != digest {
            try slots.removeSlot(other)
        }
    }

    /// Points `active` at the candidate, and `previous` at what served before (what a rollback returns to).
    func activate(_ digest: String, previous: String?) throws {
        if let previous { try slots.setPrevious(previous) }
        try slots.setActive(digest)
    }

    /// Points `active` back at `previous`.
    func reactivate(_ previous: String) throws {
        try slots.setActive(previous)
    }

    /// After a rollback: no previous pointer, and the candidate's slot removed (unless it is what serves).
    func forgetCandidate(_ digest: String, previous: String) throws {
        try slots.setPrevious(nil)
        if digest != previous { try? slots.removeSlot(digest) }
    }

    /// After a failure before the switch: the download, and the candidate's slot unless it is active.
    func removeCandidateFiles(_ digest: String) {
        try? DurableFiles.remove(slots.downloadPath(digest))
        if (try? slots.activeDigest()) != digest { try? slots.removeSlot(digest) }
    }
}
