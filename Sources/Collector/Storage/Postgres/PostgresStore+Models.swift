import Bundles
import Foundation
import PostgresNIO

extension PostgresStore {
    static let versionColumns = """
        v.model, v.release, v.version, v.digest, v.size, v.manifest_sha256, v.built_at, v.registered_at, v.created_by, v.source,
        v.lineage, v.labels, v.requirements, v.signers, v.blessed, v.blessed_at, v.blessed_by, v.tags,
        (SELECT string_agg(a.alias, ',') FROM aliases a WHERE a.model = v.model AND a.release = v.release)
        """

    static func version(from row: PostgresRandomAccessRow) throws -> ModelVersionRecord {
        let decoder = JSONDecoder()
        func json<T: Decodable>(_ type: T.Type, _ index: Int) throws -> T { try decoder.decode(T.self, from: Data(try row.value(index, as: String.self).utf8)) }
        return ModelVersionRecord(
            model: try row.value(0), release: UInt64(stored: try row.value(1)), version: try row.value(2), digest: try row.value(3),
            size: Int(try row.value(4, as: Int64.self)), manifestSHA256: try row.value(5), builtAt: try row.value(6), registeredAt: try row.value(7),
            createdBy: try row.value(8), source: try row.value(9), lineage: try json(Lineage.self, 10), labels: try json([String].self, 11),
            requirements: try json(DeviceRequirements.self, 12), signers: try json([String].self, 13), blessed: try row.value(14),
            blessedAt: try row.value(15), blessedBy: try row.value(16), tags: LabelList.decode(try row.value(17)),
            aliases: LabelList.decode(try row.value(18)).sorted())
    }

    /// Versions selected by `condition` (SQL over `v`, with its bindings), through ``versionColumns``.
    static func versions(_ connection: PostgresConnection, where condition: PostgresQuery, logger: Logger) async throws -> [ModelVersionRecord] {
        var query = condition
        query.sql = "SELECT \(versionColumns) FROM model_versions v WHERE " + query.sql
        return try await rows(connection, query, logger: logger).map(version(from:))
    }

    public func models() async throws(CollectorError) -> [ModelRecord] {
        let logger = self.logger
        return try await reading("listing models") { connection in
            var aliases: [String: [String: UInt64]] = [:]
            for row in try await Self.rows(connection, "SELECT model, alias, release FROM aliases", logger: logger) {
                aliases[try row.value(0, as: String.self), default: [:]][try row.value(1, as: String.self)] = UInt64(stored: try row.value(2))
            }
            return try await Self.rows(connection, """
                SELECT m.name, m.created_at, count(v.id),
                    (SELECT release FROM model_versions WHERE model = m.name ORDER BY release DESC LIMIT 1),
                    (SELECT version FROM model_versions WHERE model = m.name ORDER BY release DESC LIMIT 1),
                    (SELECT count(*) FROM devices WHERE cur_name = m.name)
                FROM models m LEFT JOIN model_versions v ON v.model = m.name GROUP BY m.name, m.created_at ORDER BY m.name
                """, logger: logger).map { row in
                let name: String = try row.value(0)
                return ModelRecord(name: name, createdAt: try row.value(1), versionCount: Int(try row.value(2, as: Int64.self)),
                                   latestRelease: try row.value(3, as: Int64?.self).map { UInt64(stored: $0) }, latestVersion: try row.value(4),
                                   aliases: aliases[name] ?? [:], deviceCount: Int(try row.value(5, as: Int64.self)))
            }
        }
    }

    public func versions(model: String) async throws(CollectorError) -> [ModelVersionRecord] {
        let logger = self.logger
        return try await reading("listing versions of \(model)") { connection in
            try await Self.versions(connection, where: "v.model = \(model) ORDER BY v.release DESC", logger: logger)
        }
    }

    public func version(model: String, release: UInt64) async throws(CollectorError) -> ModelVersionRecord? {
        let logger = self.logger
        return try await reading("reading \(model) release \(release)") { connection in
            try await Self.versions(connection, where: "v.model = \(model) AND v.release = \(Int64(storing: release))", logger: logger).first
        }
    }

    public func version(digest: String) async throws(CollectorError) -> ModelVersionRecord? {
        let logger = self.logger
        return try await reading("reading the version with digest \(digest)") { connection in
            try await Self.versions(connection, where: "v.digest = \(digest)", logger: logger).first
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
        let logger = self.logger
        let manifest = new.manifestJSON
        return try await writing("registering \(v.model) release \(v.release)") { connection in
            if let existing = try await Self.rows(connection, "SELECT model, release FROM model_versions WHERE digest = \(v.digest)", logger: logger).first {
                let model = try existing.value(0, as: String.self), release = try existing.value(1, as: Int64.self)
                throw CollectorError(.conflict, "bundle \(v.digest) is already registered as \(model) release \(release)")
            }
            if try await !Self.rows(connection, "SELECT 1 FROM model_versions WHERE model = \(v.model) AND release = \(Int64(storing: v.release))",
                                    logger: logger).isEmpty {
                throw CollectorError(.conflict,
                    "\(v.model) already has a version with release counter \(v.release); versions are immutable, build the bundle with a higher releaseCounter")
            }
            try await connection.query("INSERT INTO models (name, created_at) VALUES (\(v.model), \(v.registeredAt)) ON CONFLICT DO NOTHING", logger: logger)
            try await connection.query("""
                INSERT INTO model_versions (model, release, version, digest, size, manifest_sha256, built_at, registered_at, created_by, source,
                    lineage, labels, requirements, signers, manifest, tags)
                VALUES (\(v.model), \(Int64(storing: v.release)), \(v.version), \(v.digest), \(Int64(v.size)), \(v.manifestSHA256), \(v.builtAt),
                    \(v.registeredAt), \(v.createdBy), \(v.source), \(lineage), \(labels), \(requirements), \(signers), \(manifest), \(tags))
                """, logger: logger)
            return try await Self.versions(connection, where: "v.digest = \(v.digest)", logger: logger)[0]
        }
    }

    public func setAlias(model: String, alias: String, release: UInt64, by actor: String, at time: Int64) async throws(CollectorError) -> UInt64? {
        let logger = self.logger
        return try await writing("moving alias \(alias) of \(model)") { connection in
            guard try await !Self.rows(connection, "SELECT 1 FROM model_versions WHERE model = \(model) AND release = \(Int64(storing: release))",
                                       logger: logger).isEmpty else {
                throw CollectorError(.notFound, "\(model) has no version with release counter \(release)")
            }
            let previous = try await Self.rows(connection, "SELECT release FROM aliases WHERE model = \(model) AND alias = \(alias) FOR UPDATE",
                                               logger: logger).first?.value(0, as: Int64.self)
            try await connection.query("""
                INSERT INTO aliases (model, alias, release, updated_at, updated_by) VALUES (\(model), \(alias), \(Int64(storing: release)), \(time), \(actor))
                ON CONFLICT (model, alias) DO UPDATE SET release = excluded.release, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, logger: logger)
            return previous.map { UInt64(stored: $0) }
        }
    }

    public func removeAlias(model: String, alias: String, by actor: String, at time: Int64) async throws(CollectorError) {
        let logger = self.logger
        try await writing("removing alias \(alias) of \(model)") { connection in
            let removed = try await Self.execute(connection, "DELETE FROM aliases WHERE model = \(model) AND alias = \(alias) RETURNING 1", logger: logger)
            guard removed > 0 else { throw CollectorError(.notFound, "\(model) has no alias '\(alias)'") }
        }
    }

    public func setTags(model: String, release: UInt64, tags: [String]) async throws(CollectorError) -> ModelVersionRecord {
        let text = try LabelList.encode(tags)
        let logger = self.logger
        return try await writing("tagging \(model) release \(release)") { connection in
            let changed = try await Self.execute(connection, """
                UPDATE model_versions SET tags = \(text) WHERE model = \(model) AND release = \(Int64(storing: release)) RETURNING 1
                """, logger: logger)
            guard changed > 0 else { throw CollectorError(.notFound, "\(model) has no version with release counter \(release)") }
            return try await Self.versions(connection, where: "v.model = \(model) AND v.release = \(Int64(storing: release))", logger: logger)[0]
        }
    }

    public func setBlessed(model: String, release: UInt64, blessed: Bool, by actor: String, at time: Int64) async throws(CollectorError) -> ModelVersionRecord {
        let logger = self.logger
        return try await writing("blessing \(model) release \(release)") { connection in
            let changed = try await Self.execute(connection, """
                UPDATE model_versions SET blessed = \(blessed), blessed_at = \(time), blessed_by = \(actor)
                WHERE model = \(model) AND release = \(Int64(storing: release)) RETURNING 1
                """, logger: logger)
            guard changed > 0 else { throw CollectorError(.notFound, "\(model) has no version with release counter \(release)") }
            return try await Self.versions(connection, where: "v.model = \(model) AND v.release = \(Int64(storing: release))", logger: logger)[0]
        }
    }

    public func deployment(model: String) async throws(CollectorError) -> [String: [String]] {
        let logger = self.logger
        return try await reading("reading where \(model) runs") { connection in
            var result: [String: [String]] = [:]
            for row in try await Self.rows(connection, "SELECT cur_digest, id FROM devices WHERE cur_name = \(model) ORDER BY id", logger: logger) {
                if let digest = try row.value(0, as: String?.self) { result[digest, default: []].append(try row.value(1)) }
            }
            return result
        }
    }
}
