extension SVGChart {
    /// One cell of a heat map: a score (an effect over its drift threshold: 1 is the threshold) and whether the
    /// cell drifts (significant and over the threshold).
    struct HeatCell {
        var score: Double?
        var drifts: Bool
        /// Shown on hover.
        var detail: String
    }

    /// A features × columns heat map of drift scores: white at 0, amber towards the threshold, red at and past it;
    /// a drifting cell is outlined and marked. Columns are cohorts (`profile=rpi-4b-2gb`), the fleet, or devices.
    static func heatMap(rows: [String], columns: [String], cells: [[HeatCell]], title: String) -> String {
        guard !rows.isEmpty, !columns.isEmpty else { return empty(title: title) }
        let labelWidth = 150.0, headerHeight = 92.0
        let cellWidth = max(36, min(90, (width - labelWidth - 8) / Double(columns.count)))
        let cellHeight = 24.0
        // Room on the right for the last column's slanted header, and two lines of legend below.
        let totalWidth = max(labelWidth + cellWidth * Double(columns.count) + 110, 420)
        let totalHeight = headerHeight + cellHeight * Double(rows.count) + 44
        var svg = "<svg class=\"chart heatmap\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(totalWidth)) \(Int(totalHeight))\" role=\"img\" aria-label=\"\(HTMLEscaper.escape(title))\"><title>\(HTMLEscaper.escape(title))</title>"
        for (index, column) in columns.enumerated() {
            let x = labelWidth + (Double(index) + 0.5) * cellWidth
            svg += "<text class=\"axis\" transform=\"translate(\(f(x)),\(f(headerHeight - 6))) rotate(-40)\">\(HTMLEscaper.escape(String(column.prefix(24))))</text>"
        }
        for (row, name) in rows.enumerated() {
            let y = headerHeight + Double(row) * cellHeight
            svg += "<text class=\"axis\" x=\"\(f(labelWidth - 6))\" y=\"\(f(y + cellHeight * 0.65))\" text-anchor=\"end\">\(HTMLEscaper.escape(String(name.prefix(22))))</text>"
            for (column, cell) in cells[row].enumerated() {
                let x = labelWidth + Double(column) * cellWidth
                let fill = cell.score.map(color) ?? "#f2f4f7"
                svg += "<rect x=\"\(f(x + 1))\" y=\"\(f(y + 1))\" width=\"\(f(cellWidth - 2))\" height=\"\(f(cellHeight - 2))\" fill=\"\(fill)\""
                svg += cell.drifts ? " stroke=\"#7a271a\" stroke-width=\"2\">" : ">"
                svg += "<title>\(HTMLEscaper.escape(cell.detail))</title></rect>"
                let label = cell.score.map { DisplayFormat.decimal($0, digits: $0 >= 10 ? 0 : 2) } ?? "–"
                svg += "<text class=\"cell\" x=\"\(f(x + cellWidth / 2))\" y=\"\(f(y + cellHeight * 0.65))\" text-anchor=\"middle\">\(label)\(cell.drifts ? "!" : "")</text>"
            }
        }
        let legendY = headerHeight + cellHeight * Double(rows.count) + 18
        svg += "<text class=\"legend\" x=\"8\" y=\"\(f(legendY))\">score = effect ÷ drift threshold (1 = the threshold)</text>"
        svg += "<text class=\"legend\" x=\"8\" y=\"\(f(legendY + 14))\">outlined with ! = drift (significant and over it) · – = too few rows</text>"
        return svg + "</svg>"
    }

    /// White → amber → red by score; saturates at twice the threshold.
    static func color(_ score: Double) -> String {
        let t = max(0, min(1, score / 2))
        let (r, g, b): (Double, Double, Double) = t < 0.5
            ? (255, 255 - 80 * t * 2, 255 - 200 * t * 2)  // white to amber
            : (255 - 35 * (t - 0.5) * 2, 175 - 120 * (t - 0.5) * 2, 55 - 20 * (t - 0.5) * 2)  // amber to red
        func hex(_ value: Double) -> String {
            let v = Int(max(0, min(255, value.rounded())))
            return (v < 16 ? "0" : "") + String(v, radix: 16)
        }
        return "#" + hex(r) + hex(g) + hex(b)
    }
}
