public import BackupdCatalog
import BackupdStorage
import GRDB

/// Credentials: principals, access keys with their lockout, issued tokens.
extension SQLiteCatalogStore {
    public func domain(id: String) async throws -> Domain? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try fetchOne(db, "\(StoredTables.domains.select) WHERE id = ?", [id], StoredRecords.domain)
        }
    }

    public func principal(domainID: String, userName: String) async throws -> Principal? {
        guard CatalogText.isStorable(domainID), CatalogText.isStorable(userName) else { return nil }
        return try await read { db in try Self.principal(db, domainID: domainID, userName: userName) }
    }

    public func signingCredential(access: String) async throws -> SigningCredential? {
        guard CatalogText.isStorable(access) else { return nil }
        return try await read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(StoredTables.accessKeys.columnList(as: "k")), \(StoredTables.signatureFailures.columnList(as: "f"))
                        FROM access_keys k LEFT JOIN signature_failures f ON f.access = k.access
                        WHERE k.access = ?
                        """,
                    arguments: [access]
                )
            else { return nil }
            let key = try StoredRecords.accessKey(SQLiteRow(row: row))
            guard let principal = try Self.principal(db, domainID: key.domainID, userName: key.userName) else {
                return nil
            }
            let failures: Int? = row[5]
            let lockout = SignatureLockout(consecutiveFailures: failures ?? 0, lockedUntil: row[6])
            return SigningCredential(accessKey: key, principal: principal, lockout: lockout)
        }
    }

    public func recordSignatureFailure(
        access: String,
        at now: Int64,
        policy: LockoutPolicy
    ) async throws -> SignatureLockout {
        guard CatalogText.isStorable(access) else { return .clear }
        // One write transaction: SQLite has one writer, so concurrent failures are counted one by one.
        return try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM access_keys WHERE access = ?", arguments: [access]) != nil
            else { return .clear }
            let current =
                try Row.fetchOne(
                    db,
                    sql: "\(StoredTables.signatureFailures.select) WHERE access = ?",
                    arguments: [access]
                ).map { SignatureLockout(consecutiveFailures: $0[1], lockedUntil: $0[2]) } ?? .clear
            let next = current.recordingFailure(at: now, policy: policy)
            try db.execute(
                sql: StoredTables.signatureFailures.sqliteUpsert,
                arguments: [access, next.consecutiveFailures, next.lockedUntil]
            )
            return next
        }
    }

    public func clearSignatureFailures(access: String) async throws {
        guard CatalogText.isStorable(access) else { return }
        try await write { db in
            try db.execute(sql: "DELETE FROM signature_failures WHERE access = ?", arguments: [access])
        }
    }

    public func saveToken(_ token: IssuedToken) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM tokens WHERE expires_at < ?",
                arguments: [token.issuedAt - IssuedToken.retentionAfterExpiry]
            )
            let table = StoredTables.tokens
            try db.execute(
                sql: "INSERT INTO tokens (\(table.columnList)) VALUES (\(databaseQuestionMarks(count: table.columns.count)))",
                arguments: StatementArguments(StoredValues.of(token))
            )
        }
    }

    public func token(digest: String) async throws -> IssuedToken? {
        guard CatalogText.isStorable(digest) else { return nil }
        return try await read { db in
            try fetchOne(db, "\(StoredTables.tokens.select) WHERE digest = ?", [digest], StoredRecords.token)
        }
    }

    public func deleteAccessKey(access: String) async throws -> Bool {
        guard CatalogText.isStorable(access) else { return false }
        return try await write { db in
            try db.execute(sql: "DELETE FROM access_keys WHERE access = ?", arguments: [access])
            return db.changesCount > 0
        }
    }

    private static func principal(_ db: Database, domainID: String, userName: String) throws -> Principal? {
        guard
            let domain = try fetchOne(db, "\(StoredTables.domains.select) WHERE id = ?", [domainID], StoredRecords.domain),
            let user = try fetchOne(
                db,
                "\(StoredTables.users.select) WHERE domain_id = ? AND name = ?",
                [domainID, userName],
                StoredRecords.user
            )
        else { return nil }
        let projects = try fetchAll(
            db,
            "\(StoredTables.projects.select) WHERE domain_id = ? ORDER BY name, id",
            [domainID],
            StoredRecords.project
        )
        return Principal(domain: domain, user: user, domainProjects: projects)
    }
}
