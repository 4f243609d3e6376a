import Foundation
import Gate

extension DashboardRoutes {
    /// The checks of a stored gate report (`edgefleet.gate.v1` JSON), for the model page; none when unreadable.
    static func gateRows(_ report: String) -> [ModelPage.GateRow] {
        guard let decoded = try? JSONDecoder().decode(GateReport.self, from: Data(report.utf8)) else { return [] }
        return decoded.checks.map { ModelPage.GateRow(id: $0.id, status: $0.status.rawValue, reason: $0.reason) }
    }
}
