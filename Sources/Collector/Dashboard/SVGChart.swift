import Foundation

/// Charts drawn by the server as inline SVG: no script, no external asset, readable without a browser's help.
enum SVGChart {
    /// One line of a line chart.
    struct Series {
        var name: String
        /// A CSS colour.
        var color: String
        /// (time in ms since 1970, value); nil values break the line.
        var points: [(Int64, Double?)]
    }

    static let width = 640.0
    static let height = 220.0
    static let margin = (left: 56.0, right: 12.0, top: 14.0, bottom: 40.0)

    /// A time-series line chart with labelled axes and a legend; `unit` labels the y axis.
    static func line(_ series: [Series], unit: String, title: String) -> String {
        let points = series.flatMap { $0.points }
        let values = points.compactMap { $0.1 }.filter { $0.isFinite }
        guard let minTime = points.map(\.0).min(), let maxTime = points.map(\.0).max(), !values.isEmpty else {
            return empty(title: title)
        }
        let axis = ChartAxis(maximum: values.max()! * 1.05, integers: false)
        let top = axis.top
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        let span = Double(max(maxTime - minTime, 1))
        func x(_ time: Int64) -> Double { margin.left + Double(time - minTime) / span * plotWidth }
        func y(_ value: Double) -> Double { margin.top + plotHeight - (top > 0 ? value / top : 0) * plotHeight }
        var svg = header(title: title)
        svg += grid(axis)
        for step in 0...3 {
            let time = minTime + Int64(Double(step) / 3 * span)
            svg += "<text class=\"axis\" x=\"\(f(x(time)))\" y=\"\(f(height - margin.bottom + 16))\" text-anchor=\"middle\">\(clock(time))</text>"
        }
        svg += "<text class=\"axis\" x=\"12\" y=\"\(f(margin.top + plotHeight / 2))\" transform=\"rotate(-90 12 \(f(margin.top + plotHeight / 2)))\" text-anchor=\"middle\">\(HTMLEscaper.escape(unit))</text>"
        for (index, line) in series.enumerated() {
            var path = ""
            var pen = false
            for (time, value) in line.points {
                guard let value, value.isFinite else { pen = false; continue }
                path += "\(pen ? "L" : "M")\(f(x(time))),\(f(y(value)))"
                pen = true
            }
            svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"/>"
            if line.points.compactMap({ $0.1 }).count == 1, let only = line.points.first(where: { $0.1 != nil }) {
                svg += "<circle cx=\"\(f(x(only.0)))\" cy=\"\(f(y(only.1!)))\" r=\"3\" fill=\"\(line.color)\"/>"
            }
            let legendX = margin.left + Double(index) * 140
            svg += "<rect x=\"\(f(legendX))\" y=\"\(f(height - 14))\" width=\"10\" height=\"10\" fill=\"\(line.color)\"/>"
            svg += "<text class=\"legend\" x=\"\(f(legendX + 14))\" y=\"\(f(height - 5))\">\(HTMLEscaper.escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    /// A bar chart of counts by label (the prediction-class distribution).
    static func bars(labels: [String], values: [Double], title: String) -> String {
        guard !values.isEmpty, values.contains(where: { $0 > 0 }) else { return empty(title: title) }
        // Counts: whole-number ticks only (a step of 0.25 classes means nothing).
        let axis = ChartAxis(maximum: values.max()!, integers: true)
        let top = axis.top
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        let slot = plotWidth / Double(values.count)
        let total = values.reduce(0, +)
        var svg = header(title: title)
        svg += grid(axis)
        for (index, value) in values.enumerated() {
            let barHeight = value / top * plotHeight
            let x = margin.left + Double(index) * slot + slot * 0.15
            svg += "<rect class=\"bar\" x=\"\(f(x))\" y=\"\(f(margin.top + plotHeight - barHeight))\" width=\"\(f(slot * 0.7))\" height=\"\(f(barHeight))\">"
            svg += "<title>\(HTMLEscaper.escape(labels[index])): \(Int(value)) (\(DisplayFormat.decimal(total > 0 ? value / total * 100 : 0, digits: 1)) %)</title></rect>"
            if values.count <= 24 {
                svg += "<text class=\"axis\" x=\"\(f(x + slot * 0.35))\" y=\"\(f(height - margin.bottom + 16))\" text-anchor=\"middle\">\(HTMLEscaper.escape(String(labels[index].prefix(10))))</text>"
            }
        }
        return svg + "</svg>"
    }

    static func header(title: String) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLEscaper.escape(title))\"><title>\(HTMLEscaper.escape(title))</title>"
    }

    static func empty(title: String) -> String {
        header(title: title) + "<text class=\"axis\" x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\">no data yet</text></svg>"
    }

    /// Horizontal grid lines with their labels, one per tick of `axis`.
    static func grid(_ axis: ChartAxis) -> String {
        let plotHeight = height - margin.top - margin.bottom
        var svg = ""
        for value in axis.ticks {
            let yy = margin.top + plotHeight - value / axis.top * plotHeight
            svg += "<line class=\"grid\" x1=\"\(f(margin.left))\" y1=\"\(f(yy))\" x2=\"\(f(width - margin.right))\" y2=\"\(f(yy))\"/>"
            svg += "<text class=\"axis tick\" x=\"\(f(margin.left - 6))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(axis.label(value))</text>"
        }
        return svg
    }

    static func clock(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// A coordinate with one decimal.
    static func f(_ value: Double) -> String { DisplayFormat.decimal(value, digits: 1) }
}
