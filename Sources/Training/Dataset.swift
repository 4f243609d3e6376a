/// A table of numeric features with one class label per row, held row-major in one contiguous buffer.
///
/// Class labels are kept as names (the CSV's label cells, numbers normalised so `3` and `3.0` agree) and
/// `labels[i]` indexes `classNames`. Autoencoder data may have a label column that is simply ignored.
public struct Dataset: Sendable {
    /// Column names of the features, from the CSV header.
    public var featureNames: [String]
    /// Name of the label column.
    public var labelName: String
    /// Row-major features: row r is `features[r * featureCount ..< (r + 1) * featureCount]`.
    public var features: [Float]
    /// Class index of each row, into `classNames`.
    public var labels: [Int]
    /// Distinct labels, numerically sorted when every label is a number.
    public var classNames: [String]
    /// 1-based line numbers in the source file of each row (for error messages).
    public var sourceLines: [Int]
    /// Where the data came from (a path), for messages.
    public var source: String

    public init(featureNames: [String], labelName: String = "label", features: [Float], labels: [Int],
                classNames: [String], sourceLines: [Int]? = nil, source: String = "data") {
        precondition(featureNames.isEmpty ? features.isEmpty : features.count == labels.count * featureNames.count,
                     "features must hold rowCount × featureCount values")
        self.featureNames = featureNames
        self.labelName = labelName
        self.features = features
        self.labels = labels
        self.classNames = classNames
        self.sourceLines = sourceLines ?? labels.indices.map { $0 + 2 }
        self.source = source
    }

    public var rowCount: Int { labels.count }
    public var featureCount: Int { featureNames.count }
    public var classCount: Int { classNames.count }

    /// The features of one row.
    public func row(_ index: Int) -> ArraySlice<Float> {
        features[index * featureCount ..< (index + 1) * featureCount]
    }

    /// The rows at `indices`, in that order, keeping the class names.
    public func subset(_ indices: [Int]) -> Dataset {
        var values: [Float] = []
        values.reserveCapacity(indices.count * featureCount)
        for i in indices { values.append(contentsOf: row(i)) }
        return Dataset(featureNames: featureNames, labelName: labelName, features: values,
                       labels: indices.map { labels[$0] }, classNames: classNames,
                       sourceLines: indices.map { sourceLines[$0] }, source: source)
    }

    /// Rows per class, indexed like `classNames`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }
}
