public import BackupdAuth
public import BackupdCatalog

/// Loads seed files (`docs/seed-format.md`) into a store: the whole file or nothing, keyed
/// upserts so that loading a file twice equals loading it once, and every broken rule
/// reported with the path of its record.
///
/// References may point at records the store already holds (seed files are additive), so
/// the loader reads the few it needs from the store before writing everything in one
/// transaction.
public struct SeedLoader: Sendable {
    /// What a load wrote.
    public struct Summary: Sendable, Equatable {
        public var domains = 0
        public var projects = 0
        public var users = 0
        public var accessKeys = 0
        public var instances = 0
        public var backups = 0

        public var records: Int { domains + projects + users + accessKeys + instances + backups }
    }

    private let store: any AccountStore & ClockStore & CredentialStore & PolicyStore
    private let hasher: PasswordHasher
    /// Real time, which the catalog clock runs from.
    private let realTime: WallClock

    public init(
        store: any AccountStore & ClockStore & CredentialStore & PolicyStore,
        hasher: PasswordHasher = PasswordHasher(),
        realTime: WallClock = .system
    ) {
        self.store = store
        self.hasher = hasher
        self.realTime = realTime
    }

    /// Validates and writes a seed document.
    /// - Parameter progress: called now and then with (records written, records to write).
    /// - Throws: `SeedError` for a broken file (nothing written), `CatalogError` when the store fails.
    @discardableResult
    public func load(
        _ document: [UInt8],
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> Summary {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: document)
        } catch {
            throw SeedError(path: "", rule: "the file is not valid JSON (\(error))")
        }
        // The clock is read once: every relative time and policy of the file is taken then.
        let now = try await store.clockSetting().reading(realMilliseconds: realTime.milliseconds)
        let decoded = try await SeedDecoding(store: store, now: now).decode(root)
        let content = CatalogContent(
            domains: decoded.domains,
            projects: decoded.projects,
            users: try await settlePasswords(decoded.users),
            accessKeys: try await keepStoredSecrets(decoded.accessKeys),
            instances: decoded.instances,
            backups: decoded.backups
        )
        let total =
            content.domains.count + content.projects.count + content.users.count + content.accessKeys.count
            + content.instances.count + content.backups.count
        progress(0, total)
        try await store.load(content) { progress($0, total) }
        // Policies take effect at the load's instant, as if their API had been called then (§8.8).
        let instances = Dictionary(content.instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (instanceID, change) in decoded.policies {
            if let instance = instances[instanceID] { _ = try await store.setPolicy(change, of: instance, at: now) }
        }
        for (instanceID, change) in decoded.offsitePolicies {
            if let instance = instances[instanceID] { _ = try await store.setOffsitePolicy(change, of: instance, at: now) }
        }
        return Summary(
            domains: content.domains.count,
            projects: content.projects.count,
            users: content.users.count,
            accessKeys: content.accessKeys.count,
            instances: content.instances.count,
            backups: content.backups.count
        )
    }

    /// Replaces plaintext passwords (carried in `passwordDigest` by the decoder) with digests.
    /// A password the stored digest already verifies keeps that digest, and a user without a
    /// password keeps the stored one, so reloading a file or its export changes nothing.
    private func settlePasswords(_ users: [SeedDecoding.UserWithPassword]) async throws -> [User] {
        var settled: [User] = []
        for entry in users {
            var user = entry.user
            let stored = try await store.user(domainID: user.domainID, name: user.name)?.passwordDigest
            if let password = entry.password {
                user.passwordDigest =
                    stored.flatMap { hasher.verify(password, against: $0) ? $0 : nil } ?? hasher.digest(password)
            } else {
                user.passwordDigest = stored
            }
            settled.append(user)
        }
        return settled
    }

    /// An access key loaded without its secret (an export) keeps the secret the store has.
    private func keepStoredSecrets(_ keys: [AccessKey]) async throws -> [AccessKey] {
        var settled: [AccessKey] = []
        for var key in keys {
            if key.secret == nil {
                key.secret = try await store.accessKey(access: key.access)?.secret
            }
            settled.append(key)
        }
        return settled
    }
}
