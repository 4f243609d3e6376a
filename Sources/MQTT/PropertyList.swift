import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An MQTT v5 property list built for one libmosquitto call and freed when it goes out of scope.
///
/// Lifetime: libmosquitto copies properties into the packet it builds, so the list only has to
/// outlive the call it is passed to; `~Copyable` makes a double free impossible.
struct PropertyList: ~Copyable {
    /// The head of libmosquitto's linked list; nil while empty (which libmosquitto accepts).
    private(set) var head: OpaquePointer?

    init() {}

    deinit {
        var list = head
        mosquitto_property_free_all(&list)
    }

    mutating func add(_ properties: [MQTTUserProperty], _ operation: MosquittoOperation) throws(MQTTError) {
        for property in properties {
            let rc = property.name.withCString { name in
                property.value.withCString { value in
                    mosquitto_property_add_string_pair(&head, Int32(MQTT_PROP_USER_PROPERTY.rawValue), name, value)
                }
            }
            try MQTTError.check(rc, operation)
        }
    }

    mutating func addSessionExpiry(seconds: UInt32) throws(MQTTError) {
        let rc = mosquitto_property_add_int32(&head, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), seconds)
        try MQTTError.check(rc, .configure("session expiry"))
    }

    /// Copies the user properties out of a list owned by libmosquitto (valid only during a callback).
    static func userProperties(in list: OpaquePointer?) -> [MQTTUserProperty] {
        guard list != nil else { return [] }
        var result: [MQTTUserProperty] = []
        var cursor = list
        var skipFirst = false
        while true {
            var name: UnsafeMutablePointer<CChar>?
            var value: UnsafeMutablePointer<CChar>?
            // Returns the property it found; passing that back with skip_first continues after it.
            guard let found = mosquitto_property_read_string_pair(
                cursor, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, skipFirst)
            else { break }
            if let name, let value {
                result.append(MQTTUserProperty(name: String(cString: name), value: String(cString: value)))
            }
            // The strings are malloc'd copies handed to us.
            free(name)
            free(value)
            cursor = found
            skipFirst = true
        }
        return result
    }
}
