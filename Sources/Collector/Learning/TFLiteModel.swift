import TFLite

/// The TFLite module's `Model`, named apart from the collector's own model records.
typealias TFLiteModel = TFLite.Model
