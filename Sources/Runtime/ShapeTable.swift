/// The shape of every tensor of a graph, filled in operator by operator during prepare.
final class ShapeTable {
    var shapes: [[Int]]

    init(_ shapes: [[Int]]) { self.shapes = shapes }
}
