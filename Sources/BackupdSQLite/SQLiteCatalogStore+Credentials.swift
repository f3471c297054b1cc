public import BackupdCatalog
import GRDB

/// Credentials: principals, access keys with their lockout, issued tokens.
extension SQLiteCatalogStore {
    public func domain(id: String) async throws -> Domain? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM domains WHERE id = ?", arguments: [id])
                .map { Domain(id: $0[0], name: $0[1]) }
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
                        SELECT k.access, k.domain_id, k.user_name, k.secret, f.consecutive_failures, f.locked_until
                        FROM access_keys k LEFT JOIN signature_failures f ON f.access = k.access
                        WHERE k.access = ?
                        """,
                    arguments: [access]
                )
            else { return nil }
            let key = Decode.accessKey(row)
            guard let principal = try Self.principal(db, domainID: key.domainID, userName: key.userName) else {
                return nil
            }
            let failures: Int? = row[4]
            let lockout = SignatureLockout(consecutiveFailures: failures ?? 0, lockedUntil: row[5])
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
                    sql: "SELECT consecutive_failures, locked_until FROM signature_failures WHERE access = ?",
                    arguments: [access]
                ).map { SignatureLockout(consecutiveFailures: $0[0], lockedUntil: $0[1]) } ?? .clear
            let next = current.recordingFailure(at: now, policy: policy)
            try db.execute(
                sql: """
                    INSERT INTO signature_failures (access, consecutive_failures, locked_until) VALUES (?, ?, ?)
                    ON CONFLICT (access) DO UPDATE SET
                        consecutive_failures = excluded.consecutive_failures, locked_until = excluded.locked_until
                    """,
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
            try db.execute(
                sql: """
                    INSERT INTO tokens (digest, domain_id, user_name, project_id, issued_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.digest, token.domainID, token.userName, token.scope.projectID, token.issuedAt,
                    token.expiresAt,
                ]
            )
        }
    }

    public func token(digest: String) async throws -> IssuedToken? {
        guard CatalogText.isStorable(digest) else { return nil }
        return try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT digest, domain_id, user_name, project_id, issued_at, expires_at FROM tokens WHERE digest = ?",
                arguments: [digest]
            ).map { row in
                let projectID: String? = row[3]
                return IssuedToken(
                    digest: row[0],
                    domainID: row[1],
                    userName: row[2],
                    scope: projectID.map { .project(id: $0) } ?? .domain,
                    issuedAt: row[4],
                    expiresAt: row[5]
                )
            }
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
            let domain = try Row.fetchOne(db, sql: "SELECT id, name FROM domains WHERE id = ?", arguments: [domainID])
                .map({ Domain(id: $0[0], name: $0[1]) }),
            let user = try Row.fetchOne(
                db,
                sql: "SELECT domain_id, name, password_digest, project_ids FROM users WHERE domain_id = ? AND name = ?",
                arguments: [domainID, userName]
            ).map(Decode.user)
        else { return nil }
        var projects = try Row.fetchAll(
            db,
            sql: "SELECT id, domain_id, name FROM projects WHERE domain_id = ? ORDER BY name, id",
            arguments: [domainID]
        ).map(Decode.project)
        if let allowed = user.projectIDs.map(Set.init) {
            projects.removeAll { !allowed.contains($0.id) }
        }
        return Principal(domain: domain, user: user, usableProjects: projects)
    }
}

extension IssuedToken.Scope {
    fileprivate var projectID: String? {
        if case .project(let id) = self { id } else { nil }
    }
}
