/// A request that waited longer than `storage.leaseTimeoutSeconds` for a pooled connection.
struct LeaseTimeout: Error {}
