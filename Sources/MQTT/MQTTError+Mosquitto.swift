import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension MQTTError {
    /// The one place where a libmosquitto return code becomes an ``MQTTError``.
    ///
    /// `MOSQ_ERR_ERRNO` is explained from `errno`, so call this directly after the failing call, on
    /// the same thread, before anything else can overwrite `errno`.
    static func check(_ returnCode: Int32, _ operation: MosquittoOperation) throws(MQTTError) {
        guard returnCode != MOSQ_ERR_SUCCESS.rawValue else { return }
        let savedErrno = errno
        // mosquitto_strerror returns static strings (strerror's for MOSQ_ERR_ERRNO): copy, never free.
        let text = String(cString: mosquitto_strerror(returnCode))
        let code: Code
        switch mosq_err_t(rawValue: returnCode) {
        case MOSQ_ERR_NOMEM:
            code = .outOfMemory
        case MOSQ_ERR_INVAL, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_ALREADY_EXISTS:
            code = operation.isConfiguring ? .invalidConfiguration : .invalidArgument
        case MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_PAYLOAD_SIZE, MOSQ_ERR_OVERSIZE_PACKET:
            code = .invalidArgument
        case MOSQ_ERR_NO_CONN:
            code = operation.isConnecting ? .connectionFailed : .notConnected
        case MOSQ_ERR_CONN_REFUSED:
            code = .connectionRefused
        case MOSQ_ERR_CONN_LOST, MOSQ_ERR_KEEPALIVE, MOSQ_ERR_ADMINISTRATIVE_ACTION:
            code = .connectionLost
        case MOSQ_ERR_TLS, MOSQ_ERR_TLS_HANDSHAKE, MOSQ_ERR_OCSP:
            code = .tlsFailure
        case MOSQ_ERR_AUTH, MOSQ_ERR_ACL_DENIED:
            code = .notAuthorized
        case MOSQ_ERR_EAI, MOSQ_ERR_LOOKUP:
            code = .hostNotFound
        case MOSQ_ERR_ERRNO, MOSQ_ERR_PROXY, MOSQ_ERR_TIMEOUT:
            code = operation.isConnecting ? .connectionFailed : .connectionLost
        case MOSQ_ERR_PROTOCOL, MOSQ_ERR_MALFORMED_PACKET, MOSQ_ERR_DUPLICATE_PROPERTY, MOSQ_ERR_TOPIC_ALIAS_INVALID,
            MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_QOS_NOT_SUPPORTED, MOSQ_ERR_RETAIN_NOT_SUPPORTED:
            code = .protocolError
        default:
            code = .unknown
        }
        let detail = returnCode == MOSQ_ERR_ERRNO.rawValue ? "\(text) (errno \(savedErrno))" : text
        throw MQTTError(code, Self.sentence(operation, detail, hint: Self.hint(for: code, operation)))
    }

    /// Turns a broker's reason code into an error; success codes (below 0x80) return normally.
    ///
    /// Under MQTT v3.1.1 only SUBACK uses this scale (0x80 = failure); CONNACK return codes go
    /// through ``check(connack:protocolVersion:_:)``.
    static func check(reasonCode: Int32, _ operation: MosquittoOperation) throws(MQTTError) {
        guard reasonCode >= 0x80 else { return }
        // mosquitto_reason_string returns static strings.
        let text = String(cString: mosquitto_reason_string(reasonCode))
        let code: Code
        switch reasonCode {
        case 0x86, 0x87, 0x8C:
            code = .notAuthorized
        case 0x81, 0x82, 0x84:
            code = .protocolError
        default:
            switch operation {
            case .connect: code = .connectionRefused
            case .connection: code = .connectionLost
            default: code = .rejected
            }
        }
        var hint = hint(for: code, operation)
        if reasonCode == 0x84 { hint = "The broker does not speak this MQTT version; try protocolVersion = .v311." }
        if reasonCode == 0x8E { hint = "Another client connected with the same client ID; client IDs must be unique." }
        throw MQTTError(code, sentence(operation, "\(text) (reason code 0x\(String(reasonCode, radix: 16)))", hint: hint),
                        reasonCode: Int(reasonCode))
    }

    /// Turns a CONNACK result into an error; 0 returns normally.
    static func check(connack code: Int32, protocolVersion: MQTTConfiguration.ProtocolVersion,
                      _ operation: MosquittoOperation) throws(MQTTError) {
        guard code != 0 else { return }
        if protocolVersion == .v5 || code >= 0x80 {
            try check(reasonCode: code >= 0x80 ? code : 0x80, operation)
            return
        }
        let errorCode: Code = switch code {
        case 1: .protocolError
        case 4, 5: .notAuthorized
        default: .connectionRefused
        }
        // mosquitto_connack_string returns static strings.
        let text = String(cString: mosquitto_connack_string(code))
        throw MQTTError(errorCode, sentence(operation, "\(text) (CONNACK code \(code))", hint: hint(for: errorCode, operation)),
                        reasonCode: Int(code))
    }

    private static func sentence(_ operation: MosquittoOperation, _ detail: String, hint: String) -> String {
        var detail = detail
        while detail.last == "." { detail.removeLast() }
        return hint.isEmpty ? "\(operation.summary) failed: \(detail)." : "\(operation.summary) failed: \(detail). \(hint)"
    }

    private static func hint(for code: Code, _ operation: MosquittoOperation) -> String {
        switch code {
        case .hostNotFound:
            "Check the host name and the device's DNS configuration."
        case .connectionFailed:
            "Check that the broker is running and reachable, and that host and port are right."
        case .connectionRefused:
            "Check the broker's log for why it refused the client."
        case .notAuthorized:
            "Check the username and password (or client certificate) and the broker's ACL for this client."
        case .tlsFailure:
            "Check caFile, certFile and keyFile, that the broker's certificate is signed by that CA and names the host, and the device clock."
        case .invalidConfiguration:
            "Check the MQTTConfiguration values and that every file it names exists and is readable."
        case .invalidArgument:
            "Topics must be non-empty UTF-8 without wildcards when publishing; filters may use + and # only as whole levels."
        case .notConnected:
            "Call connect() first, or wait for the client to reconnect."
        case .connectionLost:
            "The client reconnects by itself unless disconnect() was called."
        case .rejected:
            "The broker refused it; check the broker's ACL and limits."
        case .protocolError, .outOfMemory, .shutDown, .unknown:
            ""
        }
    }
}
