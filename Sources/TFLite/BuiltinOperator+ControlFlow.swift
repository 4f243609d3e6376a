extension BuiltinOperator {
    /// CALL_ONCE (schema 129): runs its init subgraph on the first invoke only.
    public static let callOnce = BuiltinOperator(rawValue: 129)
    /// VAR_HANDLE (schema 142): yields the resource id of a variable named by (container, shared_name).
    public static let varHandle = BuiltinOperator(rawValue: 142)
    /// READ_VARIABLE (schema 143): copies a resource variable's value into its output.
    public static let readVariable = BuiltinOperator(rawValue: 143)
    /// ASSIGN_VARIABLE (schema 144): stores its value input into a resource variable.
    public static let assignVariable = BuiltinOperator(rawValue: 144)
}
