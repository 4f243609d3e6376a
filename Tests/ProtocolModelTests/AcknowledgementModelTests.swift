import Agent
import FleetSupport
import Collector
import XCTest

/// A model-based test of the acknowledgement protocol on the real rule types: the agent's ``UplinkLedger`` and the
/// collector's ``StreamLedger``, driven through seeded random interleavings of
///
/// - an honest device that produces messages, drops its oldest past a small cap, publishes in order within a window
///   and resends from its oldest held message when acknowledgements stall;
/// - a broker that delivers in any order, redelivers (QoS 1 duplicates) and loses acknowledgements;
/// - a collector that stores batches atomically, acknowledges its prefix, and crashes (losing its uncommitted batch);
/// - an adversary that injects forged messages (sequence numbers out of range, `head` above `seq`, far ahead),
///   replays real messages, truncated messages (the decoder refuses them), and forged acknowledgements (another
///   stream, beyond what was published).
///
/// Invariants, checked after every step: `acked` never passes a number that is neither stored nor dropped by the
/// device; the device deletes through acknowledgements only what the collector has stored; nothing forged is stored.
/// At the end, once the fleet quiesces: every message the device produced is stored exactly once, or was counted as
/// dropped by the device's cap.
///
/// What the protocol cannot tell apart without authentication — a forged message with a plausible number, or a forged
/// acknowledgement of numbers the device did publish — is the broker ACLs' to prevent (docs/fleet-protocol.md).
final class AcknowledgementModelTests: XCTestCase {
    struct Message: Equatable {
        var seq: UInt64
        var head: UInt64
        /// False for what the adversary made up.
        var honest: Bool
    }

    struct Ack {
        /// What a forged acknowledgement claims, decided when the device receives it (by then the device may have
        /// published further, and an acknowledgement of numbers it did publish is indistinguishable from a real one).
        enum Forgery { case huge, beyondPublished(UInt64), otherStream(UInt64) }
        var stream: String
        var seq: UInt64
        var forgery: Forgery? = nil
    }

    /// A seeded SplitMix64 (the package's), so a failure names a seed that reproduces it.
    struct Random {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    final class World {
        var random: Random
        let cap = 24
        let window = 6
        let limits = StreamLedger.Limits(maximumAhead: 24 + 6, corroboration: 3)
        // Device
        var device = UplinkLedger(stream: "honest")
        var sentThrough: UInt64 = 0
        var droppedByDevice: Set<UInt64> = []
        var produced: UInt64 = 0
        var stalledSteps = 0
        // Broker
        var upward: [Message] = []
        var downward: [Ack] = []
        // Collector
        var ledger = StreamLedger()
        var stored: [UInt64: Int] = [:]
        var batch: [Message] = []
        var forgedStored = 0
        var quarantined = 0
        var refusedByDecoder = 0
        var ignoredAcks: [UplinkLedger.IgnoredReason: Int] = [:]

        init(seed: UInt64) { random = Random(state: seed) }

        // MARK: Device

        func produce() {
            _ = device.append()
            produced += 1
            while device.count > cap, let dropped = device.dropOldestForCap() { droppedByDevice.insert(dropped) }
        }

        func publish() {
            guard sentThrough < device.acknowledged + UInt64(window) || sentThrough < device.acknowledged,
                  let next = device.next(after: max(sentThrough, device.acknowledged)) else { return }
            device.markPublished(next)
            sentThrough = next
            upward.append(Message(seq: next, head: device.head, honest: true))
        }

        func receiveAck() {
            guard !downward.isEmpty else { return }
            var ack = downward.remove(at: random.below(downward.count))
            switch ack.forgery {
            case .huge: ack.seq = 1 << 62
            case .beyondPublished(let offset): ack.seq = device.publishedThrough + offset
            case .otherStream(let seq): ack = Ack(stream: "other", seq: seq)
            case nil: break
            }
            let before = Set(device.held)
            switch device.acknowledge(stream: ack.stream, through: ack.seq) {
            case .accepted(_, let removed):
                for seq in removed {
                    XCTAssertTrue(before.contains(seq))
                    XCTAssertTrue(stored[seq] != nil || droppedByDevice.contains(seq),
                                  "the device deleted \(seq) on an acknowledgement although the collector has not stored it")
                }
                stalledSteps = 0
            case .ignored(let reason):
                ignoredAcks[reason, default: 0] += 1
            }
            sentThrough = max(sentThrough, device.acknowledged)
        }

        func resendIfStalled() {
            stalledSteps += 1
            if stalledSteps > 40 {
                // No acknowledgement progress: publish again from the oldest held message.
                sentThrough = device.acknowledged
                stalledSteps = 0
            }
        }

        // MARK: Broker

        func deliver() {
            guard !upward.isEmpty else { return }
            let index = random.below(upward.count)
            let message = upward[index]
            if random.chance(15) {
                batch.append(message)  // QoS 1 redelivery: a copy stays in flight
            } else {
                batch.append(upward.remove(at: index))
            }
        }

        // MARK: Collector

        func commit() {
            for message in batch {
                switch ledger.classify(seq: message.seq, head: message.head, limits: limits) {
                case .store:
                    ledger.record(seq: message.seq, head: message.head)
                    if message.honest { stored[message.seq, default: 0] += 1 } else { forgedStored += 1 }
                case .duplicate:
                    break
                case .quarantine:
                    quarantined += 1
                }
            }
            batch.removeAll()
            ledger.settle()
            if ledger.acked > 0 { downward.append(Ack(stream: "honest", seq: ledger.acked)) }
        }

        func crash() {
            batch.removeAll()  // uncommitted: the device resends what it does not see acknowledged
        }

        // MARK: Adversary

        func forge() {
            let highest = max(device.lastAssigned, 1)
            switch random.below(6) {
            case 0: upward.append(Message(seq: 1 << 62, head: 1 << 62, honest: false))
            case 1: upward.append(Message(seq: 0, head: 0, honest: false))
            case 2: upward.append(Message(seq: highest + 1_000 + UInt64(random.below(1_000_000)), head: 1, honest: false))
            case 3: upward.append(Message(seq: UInt64(random.below(Int(highest))) + 1, head: highest + 5, honest: false))
            case 4:
                // A replay of a real message already sent.
                if sentThrough > 0 {
                    let seq = UInt64(random.below(Int(sentThrough))) + 1
                    if stored[seq] != nil || device.holds(seq) { upward.append(Message(seq: seq, head: 1, honest: true)) }
                }
            default: refusedByDecoder += 1  // truncated JSON: MessageDecoder refuses it before any ledger sees it
            }
        }

        func forgeAck() {
            switch random.below(3) {
            case 0: downward.append(Ack(stream: "honest", seq: 0, forgery: .huge))
            case 1: downward.append(Ack(stream: "honest", seq: 0, forgery: .beyondPublished(1 + UInt64(random.below(100)))))
            default: downward.append(Ack(stream: "other", seq: 0, forgery: .otherStream(UInt64(random.below(1000)))))
            }
        }

        // MARK: Invariants

        func checkInvariants() {
            var seq: UInt64 = 1
            // Every number at or below acked is stored or was dropped by the device.
            while seq <= ledger.acked {
                XCTAssertTrue(stored[seq] != nil || droppedByDevice.contains(seq), "acked \(ledger.acked) passes \(seq), neither stored nor dropped")
                seq += 1
            }
            XCTAssertEqual(forgedStored, 0, "a forged message was stored as data")
            XCTAssertTrue(stored.values.allSatisfy { $0 == 1 }, "a message was stored twice")
        }

        func step() {
            switch random.below(100) {
            case 0..<9: produce()
            case 9..<33: publish()
            case 33..<60: deliver()
            case 60..<70: commit()
            case 70..<82: receiveAck()
            case 82..<84: crash()
            case 84..<90: forge()
            case 90..<94: forgeAck()
            case 94..<97: if !downward.isEmpty { downward.remove(at: random.below(downward.count)) }  // an ack lost
            default: break
            }
            resendIfStalled()
        }

        /// No new messages and no adversary: the honest parts run until everything is acknowledged or dropped.
        func quiesce() {
            for _ in 0..<200_000 {
                if device.count == 0 && upward.isEmpty && batch.isEmpty { return }
                switch random.below(5) {
                case 0: publish()
                case 1: deliver()
                case 2: commit()
                case 3: receiveAck()
                default: resendIfStalled()
                }
            }
            XCTFail("the protocol did not quiesce: held \(device.held.prefix(10)), acked \(ledger.acked), in flight \(upward.count)")
        }
    }

    func testEveryHonestMessageIsStoredOnceOrCountedAsDropped() {
        var steps = 0
        for seed in 1...30 as ClosedRange<UInt64> {
            let world = World(seed: seed)
            for _ in 0..<10_000 {
                world.step()
                if steps % 50 == 0 { world.checkInvariants() }
                steps += 1
            }
            world.quiesce()
            world.checkInvariants()
            for seq in 1...world.produced {
                let copies = world.stored[seq] ?? 0
                XCTAssertTrue(copies == 1 || (copies == 0 && world.droppedByDevice.contains(seq)),
                              "seed \(seed): message \(seq) stored \(copies) times, dropped: \(world.droppedByDevice.contains(seq))")
            }
            XCTAssertEqual(UInt64(world.droppedByDevice.count), world.device.dropped, "every drop is counted by the device")
            XCTAssertGreaterThan(world.quarantined, 0, "seed \(seed): the adversary's far-ahead messages reached the ledger")
            XCTAssertGreaterThan(world.ignoredAcks[.beyondPublished] ?? 0, 0)
            XCTAssertGreaterThan(world.ignoredAcks[.otherStream] ?? 0, 0)
            if seed == 1 {
                print("model: seed 1: produced \(world.produced), stored \(world.stored.count), dropped \(world.droppedByDevice.count), quarantined \(world.quarantined), ignored acks \(world.ignoredAcks)")
            }
        }
        XCTAssertGreaterThanOrEqual(steps, 300_000)
    }
}
