#!/usr/bin/env python3
"""Splits a `perf record -g` profile of edge-collector into the ingest stages (docs/scale.md, SQLite ingest).

Usage: perf script -i perf.data -F comm,tid,ip,sym | scripts/lib/perf-stages.py

Each sample goes to the first stage whose marker appears in its call chain, read from the innermost frame outwards,
so a sample in sqlite3 under SQLiteStore.ingest counts as the transaction and a `write` under AckPublisher as the
acknowledgements. Prints each stage's share of the collector's samples.
"""
import re
import sys

STAGES = [
    ("acknowledgements (encode, publish)", re.compile(r"AckPublisher|mosquitto_publish|MQTTClient.*publish|handleAcknowledgement")),
    ("transaction (ledger, rollups, SQLite)", re.compile(r"SQLiteStore|IngestTransaction|GRDB|sqlite3|StreamLedger|Rollup")),
    ("decode (JSON scan, validation)", re.compile(r"MessageDecoder|TelemetryFastPath|JSONScanner|FleetCodec")),
    ("MQTT receive (libmosquitto, message buffer)", re.compile(r"ClientCore|mosquitto_loop|packet__|handle__publish|NetworkThread|libmosquitto")),
    ("ingest queue and hand-off", re.compile(r"IngestQueue|IngestService|readLoop|writeLoop")),
    # Kernel-only chains (perf does not unwind the user stack of every syscall sample): by what the syscall does.
    ("MQTT socket reads (kernel)", re.compile(r"sock_read_iter|tcp_recvmsg|do_select|pselect")),
    ("MQTT socket writes: PUBACKs, acknowledgements (kernel)", re.compile(r"sock_write_iter|tcp_sendmsg")),
    ("SQLite file I/O: write, read, fdatasync (kernel)", re.compile(r"pwrite|fsync|ext4_|filemap_|vfs_read|vfs_write")),
    ("waits and wake-ups (futex, scheduler)", re.compile(r"futex|schedule")),
]


OTHER = "unattributed (allocation and runtime under async frames perf cannot unwind)"


def main():
    counts = {name: 0 for name, _ in STAGES}
    counts[OTHER] = 0
    total = 0
    frames = []

    def flush():
        nonlocal total
        if not frames:
            return
        total += 1
        for name, pattern in STAGES:
            if any(pattern.search(frame) for frame in frames):
                counts[name] += 1
                break
        else:
            counts[OTHER] += 1
        frames.clear()

    for line in sys.stdin:
        if not line.strip():
            flush()
        elif line.startswith((" ", "\t")):
            frames.append(line.strip())
    flush()
    print(f"samples={total}")
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"{100 * count / max(total, 1):5.1f}%  {name}")


if __name__ == "__main__":
    main()
