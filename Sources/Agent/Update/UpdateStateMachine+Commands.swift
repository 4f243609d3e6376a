import FleetProtocol

extension UpdateStateMachine {
    /// What to do with an `assign` command.
    public struct AssignPlan: Sendable, Equatable {
        public enum Result: Sendable, Equatable {
            /// Start a new update of the assignment.
            case start
            /// The same bundle is already being installed: nothing to do.
            case ignore
            case reject(CommandRejection)
        }

        /// End the current update first (cancelled, superseded by this assignment).
        public var abandonCurrent: Bool
        public var result: Result

        public init(abandonCurrent: Bool, result: Result) {
            self.abandonCurrent = abandonCurrent
            self.result = result
        }
    }

    /// Decides an `assign` command given the current update (if any) and the serving bundle.
    ///
    /// A newer assignment replaces an update that has not switched models yet; an assignment of the bundle that
    /// serves is refused, after ending any update in progress (so assigning the serving bundle cancels).
    public static func plan(assign assignment: Assignment, current: UpdateRecord?, servingDigest: String,
                            maximumSize: Int) -> AssignPlan {
        do throws(FleetProtocolError) { try assignment.validate(maximumSize: maximumSize) } catch {
            return AssignPlan(abandonCurrent: false, result: .reject(CommandRejection(.invalidAssignment, error.message)))
        }
        var abandon = false
        if let current, !current.phase.isTerminal {
            if current.assignment.digest == assignment.digest { return AssignPlan(abandonCurrent: false, result: .ignore) }
            guard cancellablePhases.contains(current.phase) else {
                return AssignPlan(abandonCurrent: false, result: .reject(CommandRejection(.busy,
                    "update \(current.assignment.assignmentID) is in \(current.phase.rawValue); assign again after it ends")))
            }
            abandon = true
        }
        guard servingDigest != assignment.digest else {
            return AssignPlan(abandonCurrent: abandon, result: .reject(CommandRejection(.alreadyServing,
                "bundle \(assignment.digest.prefix(16)) already serves")))
        }
        return AssignPlan(abandonCurrent: abandon, result: .start)
    }
}
