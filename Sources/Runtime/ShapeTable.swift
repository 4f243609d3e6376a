/// The shape of every tensor of a graph, filled in operator by operator during prepare.
final class ShapeTable {
    var shapes: [[Int]]
    /// The resource id each VAR_HANDLE output carries (tensor index → id): READ_VARIABLE and ASSIGN_VARIABLE resolve
    /// their variable at prepare through it, as TFLite Micro reads the id VAR_HANDLE's prepare wrote.
    var resourceIDs: [Int: Int] = [:]

    init(_ shapes: [[Int]]) { self.shapes = shapes }
}
