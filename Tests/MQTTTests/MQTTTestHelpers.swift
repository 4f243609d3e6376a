import Foundation
import Logging
import MQTT
import TestSupport
import Synchronization
import XCTest

/// A logger for the client under test: silent unless MQTT_TEST_LOG names a level (e.g. "trace").
func testLogger() -> Logger {
    guard let name = ProcessInfo.processInfo.environment["MQTT_TEST_LOG"], let level = Logger.Level(rawValue: name) else {
        return Logger(label: "mqtt-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    }
    var logger = Logger(label: "mqtt-tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = level
    return logger
}

/// A client of `broker`, with a short reconnect backoff so tests stay fast.
func makeClient(
    _ broker: Mosquitto, id: String, _ adjust: (inout MQTTConfiguration) -> Void = { _ in }
) throws -> MQTTClient {
    var configuration = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: id)
    configuration.reconnectBackoff = .init(minimum: .milliseconds(50), maximum: .milliseconds(400), jitter: 0.2)
    adjust(&configuration)
    return try MQTTClient(configuration: configuration, logger: testLogger())
}

/// Polls `condition` until it holds; fails the test after `timeout`. Generous by default: the
/// machine running the suite may be loaded.
func eventually(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(20),
    file: StaticString = #filePath, line: UInt = #line, _ condition: () async throws -> Bool
) async rethrows {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try? await Task.sleep(for: .milliseconds(20))
    }
    XCTFail("timed out after \(timeout) waiting for \(what())", file: file, line: line)
}

/// Runs `body`, giving up (and failing) after `timeout`, so a lost message cannot hang the suite.
func withTimeout<T: Sendable>(
    _ timeout: Duration = .seconds(20), file: StaticString = #filePath, line: UInt = #line,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let result = try await group.next(), let value = result else {
            XCTFail("timed out after \(timeout)", file: file, line: line)
            throw CancellationError()
        }
        return value
    }
}

/// A mutex-guarded value that can be shared with tasks (Mutex itself cannot be copied).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// Collects everything a client receives, in the background, for polling assertions.
final class MessageCollector: Sendable {
    private let received = Locked<[MQTTMessage]>([])
    private let task: Task<Void, Never>

    init(_ client: MQTTClient) {
        let received = self.received
        let messages = client.messages
        task = Task {
            for await message in messages {
                received.withLock { $0.append(message) }
            }
        }
    }

    deinit { task.cancel() }

    var messages: [MQTTMessage] { received.withLock { $0 } }

    func messages(on topic: String) -> [MQTTMessage] { messages.filter { $0.topic == topic } }

    var payloads: [String] { messages.map { String(decoding: $0.payload, as: UTF8.self) } }
}

/// Records every state a client reports.
final class StateRecorder: Sendable {
    private let states = Locked<[MQTTConnectionState]>([])
    private let task: Task<Void, Never>

    init(_ client: MQTTClient) {
        let states = self.states
        let stream = client.stateChanges()
        task = Task {
            for await state in stream {
                states.withLock { $0.append(state) }
            }
        }
    }

    deinit { task.cancel() }

    var all: [MQTTConnectionState] { states.withLock { $0 } }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

extension MQTTConnectionState {
    var disconnectReason: MQTTDisconnectReason? {
        if case .disconnected(let reason) = self { return reason }
        return nil
    }
}

/// Asserts that `body` throws an MQTTError with `code`, and returns it for further checks.
@discardableResult
func assertMQTTError(
    _ code: MQTTError.Code, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
) async -> MQTTError? {
    do {
        try await body()
        XCTFail("expected MQTTError \(code), but the call succeeded", file: file, line: line)
    } catch let error as MQTTError {
        XCTAssertEqual(error.code, code, "unexpected error: \(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected MQTTError \(code), got \(error)", file: file, line: line)
    }
    return nil
}
