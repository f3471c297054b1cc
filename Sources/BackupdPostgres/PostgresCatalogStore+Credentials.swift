public import BackupdCatalog
import BackupdStorage
import PostgresNIO

/// Credentials: principals, access keys with their lockout, issued tokens.
extension PostgresCatalogStore {
    public func domain(id: String) async throws -> Domain? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.domains.select) WHERE id = \(id)",
                logger: self.logger,
                StoredRecords.domain
            )
        }
    }

    public func domain(named name: String) async throws -> Domain? {
        guard CatalogText.isStorable(name) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.domains.select) WHERE name = \(name)",
                logger: self.logger,
                StoredRecords.domain
            )
        }
    }

    public func principal(domainID: String, userName: String) async throws -> Principal? {
        guard CatalogText.isStorable(domainID), CatalogText.isStorable(userName) else { return nil }
        return try await read { connection in
            try await Self.principal(connection, domainID: domainID, userName: userName, logger: self.logger)
        }
    }

    public func signingCredential(access: String) async throws -> SigningCredential? {
        guard CatalogText.isStorable(access) else { return nil }
        return try await read { connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT \(unescaped: StoredTables.accessKeys.columnList(as: "k")),
                        \(unescaped: StoredTables.signatureFailures.columnList(as: "f"))
                    FROM access_keys k LEFT JOIN signature_failures f ON f.access = k.access
                    WHERE k.access = \(access)
                    """,
                    logger: self.logger
                ).first
            else { return nil }
            let key = try StoredRecords.accessKey(PostgresRow(row: row))
            guard
                let principal = try await Self.principal(
                    connection,
                    domainID: key.domainID,
                    userName: key.userName,
                    logger: self.logger
                )
            else { return nil }
            let failures = try row[5].decode(Int32?.self)
            let lockout = SignatureLockout(consecutiveFailures: Int(failures ?? 0), lockedUntil: try row[6].decode(Int64?.self))
            return SigningCredential(accessKey: key, principal: principal, lockout: lockout)
        }
    }

    public func recordSignatureFailure(access: String, at now: Int64, policy: LockoutPolicy) async throws -> SignatureLockout {
        guard CatalogText.isStorable(access) else { return .clear }
        // The key's row is locked for the transaction: concurrent failures, from any node, are
        // counted one after another.
        return try await write { connection in
            guard
                try await !connection.rows("SELECT 1 FROM access_keys WHERE access = \(access) FOR UPDATE", logger: self.logger)
                    .isEmpty
            else { return .clear }
            let current =
                try await connection.rows(
                    "\(unescaped: StoredTables.signatureFailures.select) WHERE access = \(access)",
                    logger: self.logger
                ).first.map {
                    SignatureLockout(
                        consecutiveFailures: Int(try $0[1].decode(Int32.self)),
                        lockedUntil: try $0[2].decode(Int64?.self)
                    )
                } ?? .clear
            let next = current.recordingFailure(at: now, policy: policy)
            try await connection.execute(
                """
                INSERT INTO signature_failures (\(unescaped: StoredTables.signatureFailures.columnList))
                VALUES (\(access), \(Int32(clamping: next.consecutiveFailures)), \(next.lockedUntil))
                ON CONFLICT (access) DO UPDATE SET
                    consecutive_failures = excluded.consecutive_failures, locked_until = excluded.locked_until
                """,
                logger: self.logger
            )
            return next
        }
    }

    public func clearSignatureFailures(access: String) async throws {
        guard CatalogText.isStorable(access) else { return }
        try await write { connection in
            try await connection.execute("DELETE FROM signature_failures WHERE access = \(access)", logger: self.logger)
        }
    }

    public func saveToken(_ token: IssuedToken) async throws {
        try await write { connection in
            try await connection.execute(
                "DELETE FROM tokens WHERE expires_at < \(token.issuedAt - IssuedToken.retentionAfterExpiry)",
                logger: self.logger
            )
            try await connection.execute(
                """
                INSERT INTO tokens (\(unescaped: StoredTables.tokens.columnList))
                VALUES (\(token.digest), \(token.domainID), \(token.userName), \(token.scope.projectID),
                    \(token.issuedAt), \(token.expiresAt))
                """,
                logger: self.logger
            )
        }
    }

    public func token(digest: String) async throws -> IssuedToken? {
        guard CatalogText.isStorable(digest) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.tokens.select) WHERE digest = \(digest)",
                logger: self.logger,
                StoredRecords.token
            )
        }
    }

    public func deleteAccessKey(access: String) async throws -> Bool {
        guard CatalogText.isStorable(access) else { return false }
        return try await write { connection in
            try await !connection.rows("DELETE FROM access_keys WHERE access = \(access) RETURNING 1", logger: self.logger).isEmpty
        }
    }

    private static func principal(
        _ connection: PostgresConnection,
        domainID: String,
        userName: String,
        logger: Logger
    ) async throws -> Principal? {
        guard
            let domain = try await connection.first(
                "\(unescaped: StoredTables.domains.select) WHERE id = \(domainID)",
                logger: logger,
                StoredRecords.domain
            ),
            let user = try await connection.first(
                "\(unescaped: StoredTables.users.select) WHERE domain_id = \(domainID) AND name = \(userName)",
                logger: logger,
                StoredRecords.user
            )
        else { return nil }
        let projects = try await connection.all(
            "\(unescaped: StoredTables.projects.select) WHERE domain_id = \(domainID) ORDER BY name, id",
            logger: logger,
            StoredRecords.project
        )
        return Principal(domain: domain, user: user, domainProjects: projects)
    }
}
