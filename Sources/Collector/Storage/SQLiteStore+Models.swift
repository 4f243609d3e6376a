import Bundles
import Foundation
import GRDB

extension SQLiteStore {
    static let versionColumns = """
        v.model, v.release, v.version, v.digest, v.size, v.manifest_sha256, v.built_at, v.registered_at, v.created_by, v.source,
        v.lineage, v.labels, v.requirements, v.signers, v.blessed, v.blessed_at, v.blessed_by, v.tags,
        (SELECT group_concat(a.alias, ',') FROM aliases a WHERE a.model = v.model AND a.release = v.release)
        """

    static func version(from row: Row) throws -> ModelVersionRecord {
        let decoder = JSONDecoder()
        func json<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try decoder.decode(T.self, from: Data(text.utf8)) }
        return ModelVersionRecord(
            model: row[0], release: UInt64(stored: row[1]), version: row[2], digest: row[3], size: row[4], manifestSHA256: row[5],
            builtAt: row[6], registeredAt: row[7], createdBy: row[8], source: row[9], lineage: try json(Lineage.self, row[10]),
            labels: try json([String].self, row[11]), requirements: try json(DeviceRequirements.self, row[12]),
            signers: try json([String].self, row[13]), blessed: row[14], blessedAt: row[15], blessedBy: row[16],
            tags: LabelList.decode(row[17]), aliases: LabelList.decode(row[18]).sorted())
    }

    public func models() async throws(CollectorError) -> [ModelRecord] {
        try await reading("listing models") { db in
            let aliasRows = try Row.fetchAll(db, sql: "SELECT model, alias, release FROM aliases")
            var aliases: [String: [String: UInt64]] = [:]
            for row in aliasRows { aliases[row[0] as String, default: [:]][row[1] as String] = UInt64(stored: row[2]) }
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.name, m.created_at, count(v.id),
                    (SELECT release FROM model_versions WHERE model = m.name ORDER BY release DESC LIMIT 1),
                    (SELECT version FROM model_versions WHERE model = m.name ORDER BY release DESC LIMIT 1),
                    (SELECT count(*) FROM devices WHERE cur_name = m.name)
                FROM models m LEFT JOIN model_versions v ON v.model = m.name GROUP BY m.name ORDER BY m.name
                """)
            return rows.map { row in
                let name: String = row[0]
                return ModelRecord(name: name, createdAt: row[1], versionCount: row[2], latestRelease: (row[3] as Int64?).map { UInt64(stored: $0) },
                                   latestVersion: row[4], aliases: aliases[name] ?? [:], deviceCount: row[5])
            }
        }
    }

    public func versions(model: String) async throws(CollectorError) -> [ModelVersionRecord] {
        try await reading("listing versions of \(model)") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.versionColumns) FROM model_versions v WHERE v.model = ? ORDER BY v.release DESC",
                             arguments: [model]).map(Self.version(from:))
        }
    }

    public func version(model: String, release: UInt64) async throws(CollectorError) -> ModelVersionRecord? {
        try await reading("reading \(model) release \(release)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.versionColumns) FROM model_versions v WHERE v.model = ? AND v.release = ?",
                             arguments: [model, Int64(storing: release)]).map(Self.version(from:))
        }
    }

    public func version(digest: String) async throws(CollectorError) -> ModelVersionRecord? {
        try await reading("reading the version with digest \(digest)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.versionColumns) FROM model_versions v WHERE v.digest = ?", arguments: [digest])
                .map(Self.version(from:))
        }
    }

    public func insert(_ new: NewModelVersion) async throws(CollectorError) -> ModelVersionRecord {
        let v = new.record
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lineage: String, labels: String, requirements: String, signers: String
        do {
            lineage = String(decoding: try encoder.encode(v.lineage), as: UTF8.self)
            labels = String(decoding: try encoder.encode(v.labels), as: UTF8.self)
            requirements = String(decoding: try encoder.encode(v.requirements), as: UTF8.self)
            signers = String(decoding: try encoder.encode(v.signers), as: UTF8.self)
        } catch {
            throw CollectorError(.storage, "encoding version \(v.model) \(v.version) failed: \(error)")
        }
        let tags = try LabelList.encode(v.tags)
        return try await writing("registering \(v.model) release \(v.release)") { db in
            if let existing = try Row.fetchOne(db, sql: "SELECT model, release FROM model_versions WHERE digest = ?", arguments: [v.digest]) {
                throw CollectorError(.conflict,
                    "bundle \(v.digest) is already registered as \(existing[0] as String) release \(existing[1] as Int64)")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM model_versions WHERE model = ? AND release = ?",
                                 arguments: [v.model, Int64(storing: v.release)]) == true {
                throw CollectorError(.conflict,
                    "\(v.model) already has a version with release counter \(v.release); versions are immutable, build the bundle with a higher releaseCounter")
            }
            try db.execute(sql: "INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)", arguments: [v.model, v.registeredAt])
            try db.execute(sql: """
                INSERT INTO model_versions (model, release, version, digest, size, manifest_sha256, built_at, registered_at, created_by, source,
                    lineage, labels, requirements, signers, manifest, tags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.model, Int64(storing: v.release), v.version, v.digest, v.size, v.manifestSHA256, v.builtAt, v.registeredAt,
                                 v.createdBy, v.source, lineage, labels, requirements, signers, new.manifestJSON, tags])
            return try Row.fetchOne(db, sql: "SELECT \(Self.versionColumns) FROM model_versions v WHERE v.digest = ?", arguments: [v.digest])
                .map(Self.version(from:))!
        }
    }

    public func setAlias(model: String, alias: String, release: UInt64, by actor: String, at time: Int64) async throws(CollectorError) -> UInt64? {
        try await writing("moving alias \(alias) of \(model)") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM model_versions WHERE model = ? AND release = ?",
                                    arguments: [model, Int64(storing: release)]) == true else {
                throw CollectorError(.notFound, "\(model) has no version with release counter \(release)")
            }
            let previous = try Int64.fetchOne(db, sql: "SELECT release FROM aliases WHERE model = ? AND alias = ?", arguments: [model, alias])
            try db.execute(sql: "INSERT OR REPLACE INTO aliases (model, alias, release, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
                           arguments: [model, alias, Int64(storing: release), time, actor])
            return previous.map { UInt64(stored: $0) }
        }
    }

    public func removeAlias(model: String, alias: String, by actor: String, at time: Int64) async throws(CollectorError) {
        try await writing("removing alias \(alias) of \(model)") { db in
            try db.execute(sql: "DELETE FROM aliases WHERE model = ? AND alias = ?", arguments: [model, alias])
            guard db.changesCount > 0 else { throw CollectorError(.notFound, "\(model) has no alias '\(alias)'") }
        }
    }

    public func setTags(model: String, release: UInt64, tags: [String]) async throws(CollectorError) -> ModelVersionRecord {
        let text = try LabelList.encode(tags)
        return try await writing("tagging \(model) release \(release)") { db in
            try db.execute(sql: "UPDATE model_versions SET tags = ? WHERE model = ? AND release = ?", arguments: [text, model, Int64(storing: release)])
            guard db.changesCount > 0 else { throw CollectorError(.notFound, "\(model) has no version with release counter \(release)") }
            return try Row.fetchOne(db, sql: "SELECT \(Self.versionColumns) FROM model_versions v WHERE v.model = ? AND v.release = ?",
                                    arguments: [model, Int64(storing: release)]).map(Self.version(from:))!
        }
    }

    public func setBlessed(model: String, release: UInt64, blessed: Bool, by actor: String, at time: Int64) async throws(CollectorError) -> ModelVersionRecord {
        try await writing("blessing \(model) release \(release)") { db in
            try db.execute(sql: "UPDATE model_versions SET blessed = ?, blessed_at = ?, blessed_by = ? WHERE model = ? AND release = ?",
                           arguments: [blessed, time, actor, model, Int64(storing: release)])
            guard db.changesCount > 0 else { throw CollectorError(.notFound, "\(model) has no version with release counter \(release)") }
            return try Row.fetchOne(db, sql: "SELECT \(Self.versionColumns) FROM model_versions v WHERE v.model = ? AND v.release = ?",
                                    arguments: [model, Int64(storing: release)]).map(Self.version(from:))!
        }
    }

    public func deployment(model: String) async throws(CollectorError) -> [String: [String]] {
        try await reading("reading where \(model) runs") { db in
            var result: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT cur_digest, id FROM devices WHERE cur_name = ? ORDER BY id", arguments: [model]) {
                if let digest = row[0] as String? { result[digest, default: []].append(row[1]) }
            }
            return result
        }
    }
}
