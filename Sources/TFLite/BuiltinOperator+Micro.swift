extension BuiltinOperator {
    /// CUMSUM (schema 128).
    public static let cumsum = BuiltinOperator(rawValue: 128)
    /// REDUCE_ALL (schema 140).
    public static let reduceAll = BuiltinOperator(rawValue: 140)
    /// BROADCAST_ARGS (schema 145).
    public static let broadcastArgs = BuiltinOperator(rawValue: 145)
    /// DYNAMIC_UPDATE_SLICE (schema 151).
    public static let dynamicUpdateSlice = BuiltinOperator(rawValue: 151)
}
