import Foundation
import Mustache

/// The dashboard's Mustache templates and stylesheet, SwiftPM resources of the Collector target
/// (`Sources/Collector/Dashboard/Templates`, copied into `EdgeFleet_Collector.resources` beside the built binary).
///
/// Loaded once when the HTTP server starts; a missing or broken template stops the start with a message naming the
/// file, never a blank page later. Each page template extends `layout` (`{{<layout}}{{$content}}…`) and renders a
/// typed view model (`FleetPage`, `DevicePage`, …) with ``HTMLEscaper`` as its escaper.
enum DashboardTemplates {
    /// The page templates, by name (`<name>.mustache`).
    static let names = ["layout", "fleet", "device", "models", "model", "events", "drift", "loop", "rollout"]

    /// The directory holding the templates: the resource bundle SwiftPM builds next to the executable (or the test bundle).
    static func directory() throws -> URL {
        // `Bundle.module` looks beside the executable first, then in the build directory it was compiled in.
        guard let url = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw CollectorError(.io, "the dashboard templates are missing from \(Bundle.module.bundlePath): install the "
                + "EdgeFleet_Collector.resources directory beside the edge-collector binary")
        }
        return url
    }

    /// Every template parsed and registered, with the dashboard's escaper registered first (templates name it).
    static func library() throws -> MustacheLibrary {
        MustacheContentTypes.register(HTMLEscaper(), named: HTMLEscaper.contentTypeName)
        let directory = try directory()
        var library = MustacheLibrary()
        for name in names {
            let file = directory.appendingPathComponent("\(name).mustache")
            let text: String
            do { text = try String(contentsOf: file, encoding: .utf8) } catch {
                throw CollectorError(.io, "cannot read the dashboard template \(file.path): \(error)")
            }
            do { try library.register(text, named: name) } catch {
                throw CollectorError(.io, "the dashboard template \(file.path) does not parse: \(error)")
            }
        }
        return library
    }

    /// `dashboard.css`, served at `/static/dashboard.css`.
    static func stylesheet() throws -> String {
        let file = try directory().appendingPathComponent("dashboard.css")
        do { return try String(contentsOf: file, encoding: .utf8) } catch {
            throw CollectorError(.io, "cannot read the dashboard stylesheet \(file.path): \(error)")
        }
    }
}
