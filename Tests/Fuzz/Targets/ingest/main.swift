import Collector
import FleetProtocol
import FuzzSupport

#if canImport(Glibc)
import Glibc
#endif

// Fuzz target: the collector's ingest step without a broker — MessageDecoder on (topic, payload), then the
// StreamLedger decision for every queued message, as IngestService and the stores apply them.
//
// Input: up to 16 messages separated by 0x1E; in each, the topic, a 0x00, then the payload. The messages form one
// batch: each is decoded and classified, `.store` verdicts are recorded, and the batch is settled at the end; the
// ledger's invariants are checked after every step. A rejection must carry a message a user can act on.
// `fuzz-ingest --write-seeds TELEMETRY_DIR INGEST_DIR` regenerates both seed corpora instead of fuzzing.
let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "--write-seeds" {
    do { try SeedWriter.write(telemetry: arguments[2], ingest: arguments[3]) } catch { fatalError("cannot write seeds: \(error)") }
    exit(0)
}

let decoder = MessageDecoder(maximumPayloadBytes: 1 << 20)
let limits = StreamLedger.Limits(maximumAhead: 64, maximumSequence: 1 << 53, corroboration: 3)

FuzzDriver.run { input in
    var ledgers: [String: StreamLedger] = [:]
    for record in FuzzDriver.split(input, separator: 0x1E, maxParts: 16) {
        let parts = FuzzDriver.split(Array(record), separator: 0x00, maxParts: 2)
        let topic = String(decoding: parts[0], as: UTF8.self)
        let payload = parts.count > 1 ? Array(parts[1]) : []
        let item: IngestItem
        do throws(IngestRejection) {
            item = try decoder.decode(topic: topic, payload: payload)
        } catch {
            FuzzDriver.check(!error.message.isEmpty, "a rejection (\(error.reason)) without a message")
            continue
        }
        guard case .store(let message) = item else { continue }
        let parsed = try? FleetTopics.parse(topic)
        FuzzDriver.check(parsed?.deviceID == message.header.device, "stored a message of '\(message.header.device)' from topic '\(topic)'")
        guard message.isQueued else { continue }
        let key = message.header.device + "\u{0}" + message.header.stream
        var ledger = ledgers[key] ?? StreamLedger()
        let previous = ledger
        let (seq, head) = (message.header.seq, message.header.head)
        switch ledger.classify(seq: seq, head: head, limits: limits) {
        case .store:
            FuzzDriver.check(!ledger.isStored(seq), "a .store verdict for stored number \(seq)")
            ledger.record(seq: seq, head: head)
            FuzzDriver.check(ledger.isStored(seq), "number \(seq) is not stored after recording it")
        case .duplicate:
            FuzzDriver.check(ledger.isStored(seq), "a .duplicate verdict for number \(seq), which is not stored")
        case .quarantine:
            FuzzDriver.check(ledger.acked == previous.acked && ledger.above == previous.above && ledger.skipped == previous.skipped,
                             "a quarantined message changed the stream")
        }
        LedgerCheck.invariants(ledger, after: previous)
        ledgers[key] = ledger
    }
    for (key, ledger) in ledgers {
        var settled = ledger
        let added = settled.settle()
        for seq in ledger.above where seq <= settled.acked {
            FuzzDriver.check(!added.contains { $0.contains(seq) }, "settling skipped stored number \(seq) in stream \(key)")
        }
        LedgerCheck.invariants(settled, after: ledger)
    }
}
