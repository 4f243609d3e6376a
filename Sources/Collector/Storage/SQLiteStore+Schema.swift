import GRDB

extension SQLiteStore {
    /// Migrations, applied in order on open; never edit a registered migration, add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-fleet") { db in
            try db.execute(sql: """
                CREATE TABLE devices (
                    id TEXT PRIMARY KEY NOT NULL,
                    profile TEXT, agent_version TEXT, input TEXT, telemetry_interval REAL, started_at INTEGER,
                    hw_model TEXT, hw_machine TEXT, hw_kernel TEXT, hw_cpus INTEGER, hw_memory INTEGER,
                    cur_name TEXT, cur_version TEXT, cur_digest TEXT, cur_release INTEGER,
                    prev_name TEXT, prev_version TEXT, prev_digest TEXT, prev_release INTEGER,
                    bundle_stream TEXT, bundle_seq INTEGER,
                    online INTEGER NOT NULL DEFAULT 0, status_reason TEXT, status_at INTEGER,
                    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
                    tags TEXT NOT NULL DEFAULT '', groups_list TEXT NOT NULL DEFAULT '',
                    lt_at INTEGER, lt_p50 INTEGER, lt_p95 INTEGER, lt_throughput REAL, lt_inferences INTEGER, lt_errors INTEGER,
                    lt_cpu REAL, lt_temp REAL, lt_rss INTEGER, lt_queue INTEGER
                );
                CREATE INDEX devices_model ON devices(cur_name);

                -- The acknowledged prefix of each device stream, and sequence numbers stored above it (gaps pending).
                CREATE TABLE streams (
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, acked INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                    PRIMARY KEY (device_id, stream)
                ) WITHOUT ROWID;
                CREATE TABLE stream_gaps (
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (device_id, stream, seq)
                ) WITHOUT ROWID;

                CREATE TABLE telemetry (
                    id INTEGER PRIMARY KEY,
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL,
                    time INTEGER NOT NULL, received_at INTEGER NOT NULL,
                    interval_start INTEGER NOT NULL, interval_end INTEGER NOT NULL, at INTEGER NOT NULL,
                    model TEXT, digest TEXT,
                    inferences INTEGER NOT NULL, errors INTEGER NOT NULL, dropped INTEGER NOT NULL, throughput REAL NOT NULL,
                    p50 INTEGER NOT NULL, p95 INTEGER NOT NULL, p99 INTEGER NOT NULL, max INTEGER NOT NULL,
                    cpu REAL NOT NULL, rss INTEGER NOT NULL, temp REAL, queue_depth INTEGER NOT NULL,
                    predictions BLOB NOT NULL, body BLOB NOT NULL
                );
                CREATE INDEX telemetry_device_at ON telemetry(device_id, at);

                CREATE TABLE device_rollups (
                    device_id TEXT NOT NULL, resolution INTEGER NOT NULL, bucket INTEGER NOT NULL,
                    reports INTEGER NOT NULL, inferences INTEGER NOT NULL, errors INTEGER NOT NULL, dropped INTEGER NOT NULL,
                    throughput_sum REAL NOT NULL, cpu_sum REAL NOT NULL, temp_max REAL,
                    latency BLOB NOT NULL, predictions BLOB NOT NULL,
                    PRIMARY KEY (device_id, resolution, bucket)
                ) WITHOUT ROWID;
                CREATE TABLE model_rollups (
                    model TEXT NOT NULL, digest TEXT NOT NULL, resolution INTEGER NOT NULL, bucket INTEGER NOT NULL,
                    reports INTEGER NOT NULL, inferences INTEGER NOT NULL, errors INTEGER NOT NULL, dropped INTEGER NOT NULL,
                    throughput_sum REAL NOT NULL, cpu_sum REAL NOT NULL, temp_max REAL,
                    latency BLOB NOT NULL, predictions BLOB NOT NULL,
                    PRIMARY KEY (model, digest, resolution, bucket)
                ) WITHOUT ROWID;
                CREATE INDEX model_rollups_time ON model_rollups(resolution, bucket);

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL, device_id TEXT, stream TEXT, seq INTEGER, model TEXT,
                    name TEXT NOT NULL, time INTEGER NOT NULL, received_at INTEGER NOT NULL,
                    assignment_id TEXT, phase TEXT, body TEXT
                );
                CREATE INDEX events_device ON events(device_id, id);
                CREATE INDEX events_model ON events(model, id);

                CREATE TABLE samples (
                    id INTEGER PRIMARY KEY,
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL,
                    time INTEGER NOT NULL, received_at INTEGER NOT NULL,
                    sample_id TEXT NOT NULL, reason TEXT NOT NULL, predicted_class INTEGER NOT NULL, confidence REAL NOT NULL,
                    digest TEXT, body BLOB NOT NULL
                );
                CREATE INDEX samples_device ON samples(device_id, sample_id);
                CREATE TABLE labels (
                    id INTEGER PRIMARY KEY,
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL,
                    time INTEGER NOT NULL, received_at INTEGER NOT NULL,
                    sample_id TEXT NOT NULL, label INTEGER NOT NULL, matched INTEGER NOT NULL,
                    predicted_class INTEGER, correct INTEGER, digest TEXT
                );
                CREATE INDEX labels_device ON labels(device_id, sample_id);
                """)
        }
        migrator.registerMigration("v1-registry") { db in
            try db.execute(sql: """
                CREATE TABLE models (name TEXT PRIMARY KEY NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE model_versions (
                    id INTEGER PRIMARY KEY,
                    model TEXT NOT NULL REFERENCES models(name),
                    release INTEGER NOT NULL, version TEXT NOT NULL, digest TEXT NOT NULL UNIQUE, size INTEGER NOT NULL,
                    manifest_sha256 TEXT NOT NULL, built_at INTEGER NOT NULL, registered_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL, source TEXT NOT NULL,
                    lineage TEXT NOT NULL, labels TEXT NOT NULL, requirements TEXT NOT NULL, signers TEXT NOT NULL,
                    manifest TEXT NOT NULL,
                    blessed INTEGER NOT NULL DEFAULT 0, blessed_at INTEGER, blessed_by TEXT,
                    tags TEXT NOT NULL DEFAULT '',
                    UNIQUE (model, release)
                );
                -- A version is immutable: only its tags and the gate's blessing may change.
                CREATE TRIGGER model_versions_immutable
                BEFORE UPDATE OF model, release, version, digest, size, manifest_sha256, built_at, registered_at, created_by,
                    source, lineage, labels, requirements, signers, manifest ON model_versions
                BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
                CREATE TRIGGER model_versions_kept BEFORE DELETE ON model_versions
                BEGIN SELECT RAISE(ABORT, 'model versions are never deleted'); END;

                CREATE TABLE aliases (
                    model TEXT NOT NULL, alias TEXT NOT NULL, release INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL,
                    PRIMARY KEY (model, alias)
                ) WITHOUT ROWID;

                CREATE TABLE assignments (
                    id TEXT PRIMARY KEY NOT NULL,
                    device_id TEXT NOT NULL, model TEXT NOT NULL, release INTEGER NOT NULL, version TEXT NOT NULL,
                    digest TEXT NOT NULL, size INTEGER NOT NULL, chunk_size INTEGER NOT NULL,
                    shadow_seconds REAL, minimum_agreement REAL, probation_seconds REAL,
                    created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
                    phase TEXT, phase_at INTEGER, bytes_received INTEGER, error TEXT
                );
                CREATE INDEX assignments_device ON assignments(device_id, created_at);
                CREATE INDEX assignments_digest ON assignments(digest);

                CREATE TABLE downloads (
                    device_id TEXT NOT NULL, digest TEXT NOT NULL,
                    chunk_size INTEGER NOT NULL, chunk_count INTEGER NOT NULL,
                    served BLOB NOT NULL, distinct_chunks INTEGER NOT NULL, chunks_served INTEGER NOT NULL, bytes_served INTEGER NOT NULL,
                    first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
                    PRIMARY KEY (device_id, digest)
                ) WITHOUT ROWID;
                """)
        }
        // The update phase is ordered by the device's sequence numbers, not by arrival: QoS 1 redelivery and
        // resends after a stall can bring an earlier phase after a later one.
        migrator.registerMigration("v2-assignment-phase-order") { db in
            try db.execute(sql: """
                ALTER TABLE assignments ADD COLUMN phase_stream TEXT;
                ALTER TABLE assignments ADD COLUMN phase_seq INTEGER;
                """)
        }
        // Acknowledgement integrity (docs/fleet-protocol.md): the highest number a stream has shown bounds what is
        // plausible; ranges the device declared dropped are kept so a late copy is stored, not discarded; messages
        // that fail the plausibility rules are kept apart.
        migrator.registerMigration("v3-stream-ledger") { db in
            try db.execute(sql: """
                ALTER TABLE streams ADD COLUMN highest INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE streams ADD COLUMN jump_seqs TEXT;
                ALTER TABLE streams ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE streams ADD COLUMN quarantine_event_at INTEGER;
                UPDATE streams SET highest = max(acked, coalesce((SELECT max(seq) FROM stream_gaps g
                    WHERE g.device_id = streams.device_id AND g.stream = streams.stream), 0));
                CREATE TABLE stream_skips (
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                    PRIMARY KEY (device_id, stream, first)
                ) WITHOUT ROWID;
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY,
                    device_id TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, head INTEGER NOT NULL,
                    kind TEXT NOT NULL, reason TEXT NOT NULL, received_at INTEGER NOT NULL, payload BLOB NOT NULL
                );
                CREATE INDEX quarantine_device ON quarantine(device_id, id);
                """)
        }
        // Drift statistics read a day of feature counts from rollups, not raw telemetry.
        migrator.registerMigration("v4-rollup-features") { db in
            try db.execute(sql: """
                ALTER TABLE device_rollups ADD COLUMN confidence BLOB;
                ALTER TABLE device_rollups ADD COLUMN features BLOB;
                ALTER TABLE model_rollups ADD COLUMN confidence BLOB;
                ALTER TABLE model_rollups ADD COLUMN features BLOB;
                """)
        }
        // Drift reports (JSON bodies: read whole, never queried inside) and the alarm state per model version.
        migrator.registerMigration("v5-drift") { db in
            try db.execute(sql: """
                CREATE TABLE drift_reports (
                    id INTEGER PRIMARY KEY, model TEXT NOT NULL, digest TEXT NOT NULL, computed_at INTEGER NOT NULL,
                    verdict TEXT NOT NULL, body TEXT NOT NULL
                );
                CREATE INDEX drift_reports_model ON drift_reports(model, id);
                CREATE TABLE drift_state (
                    model TEXT NOT NULL, digest TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL,
                    PRIMARY KEY (model, digest)
                ) WITHOUT ROWID;
                """)
        }
        // The learning loop (docs/learning.md): content-addressed samples, immutable snapshots (a snapshot and its
        // members are never changed or deleted), the gate's reports per version, the persisted training queue.
        migrator.registerMigration("v6-learning") { db in
            try db.execute(sql: """
                CREATE TABLE dataset_samples (
                    hash TEXT PRIMARY KEY NOT NULL, model TEXT NOT NULL, dtype TEXT NOT NULL, shape TEXT NOT NULL, columns TEXT NOT NULL,
                    bytes BLOB NOT NULL, label TEXT, source TEXT NOT NULL, device_id TEXT, captured_at INTEGER NOT NULL,
                    scale REAL, zero_point INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX dataset_samples_model ON dataset_samples(model, source, captured_at);
                ALTER TABLE samples ADD COLUMN sample_hash TEXT;

                CREATE TABLE snapshots (
                    id TEXT PRIMARY KEY NOT NULL, model TEXT NOT NULL, dtype TEXT NOT NULL, shape TEXT NOT NULL, columns TEXT NOT NULL,
                    validation_percent INTEGER NOT NULL, filter TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
                    cause TEXT, summary TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX snapshots_model ON snapshots(model, created_at);
                CREATE TABLE snapshot_members (
                    snapshot_id TEXT NOT NULL, sample_hash TEXT NOT NULL, label TEXT NOT NULL, split TEXT NOT NULL,
                    PRIMARY KEY (snapshot_id, sample_hash)
                ) WITHOUT ROWID;
                CREATE INDEX snapshot_members_sample ON snapshot_members(sample_hash);
                CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots
                BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
                CREATE TRIGGER snapshots_kept BEFORE DELETE ON snapshots
                BEGIN SELECT RAISE(ABORT, 'snapshots are never deleted'); END;
                CREATE TRIGGER snapshot_members_immutable BEFORE UPDATE ON snapshot_members
                BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
                CREATE TRIGGER snapshot_members_kept BEFORE DELETE ON snapshot_members
                BEGIN SELECT RAISE(ABORT, 'snapshots are never deleted'); END;

                CREATE TABLE evaluations (
                    id INTEGER PRIMARY KEY, model TEXT NOT NULL, release INTEGER NOT NULL, snapshot_id TEXT NOT NULL,
                    blessed INTEGER NOT NULL, reasons TEXT NOT NULL, report TEXT NOT NULL, evaluated_at INTEGER NOT NULL, evaluated_by TEXT NOT NULL
                );
                CREATE INDEX evaluations_version ON evaluations(model, release, id);

                CREATE TABLE training_jobs (
                    id INTEGER PRIMARY KEY, model TEXT NOT NULL, snapshot_id TEXT NOT NULL, kind TEXT NOT NULL, options TEXT NOT NULL,
                    state TEXT NOT NULL, progress REAL NOT NULL, message TEXT, result TEXT,
                    created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL, cause TEXT
                );
                CREATE INDEX training_jobs_state ON training_jobs(state, id);
                """)
        }
        // Rollouts: the state machine's value as a JSON body, and one claim per device so two active rollouts can
        // never hold the same device (the primary key refuses it inside the creating transaction).
        migrator.registerMigration("v7-rollouts") { db in
            try db.execute(sql: """
                CREATE TABLE rollouts (
                    id TEXT PRIMARY KEY NOT NULL, model TEXT NOT NULL, release INTEGER NOT NULL, status TEXT NOT NULL,
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL
                );
                CREATE INDEX rollouts_created ON rollouts(created_at);
                CREATE TABLE rollout_claims (
                    device_id TEXT PRIMARY KEY NOT NULL, rollout_id TEXT NOT NULL REFERENCES rollouts(id)
                ) WITHOUT ROWID;
                CREATE INDEX rollout_claims_rollout ON rollout_claims(rollout_id);
                CREATE INDEX telemetry_digest_at ON telemetry(digest, at);
                """)
        }
        // The learning loop's state per model (a JSON body, read whole), and an index for label counts by time.
        migrator.registerMigration("v9-learning-loop") { db in
            try db.execute(sql: """
                CREATE TABLE learning_loops (model TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX labels_time ON labels(time);
                """)
        }
        // Devices by first contact: the rollout engine's admission pass reads the devices that registered since its last
        // pass (`devices(firstSeenAfter:limit:)`), an index range instead of the whole fleet every minute.
        migrator.registerMigration("v12-pgbatch") { db in
            try db.execute(sql: "CREATE INDEX devices_first_seen ON devices(first_seen)")
        }
        return migrator
    }
}
