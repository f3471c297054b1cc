public import BackupdCatalog

/// A store in front of another that answers the lookups every request repeats (access keys,
/// tokens, principals, projects, instances) from memory while the store's change marker stays
/// the same. Lists and writes go straight through. Correct across processes and nodes: any
/// committed write changes the marker, and with it every cached answer is dropped.
///
/// The dispatcher reads the marker once per request and sets `requestMarker` for the lookups
/// it makes; outside a request each lookup reads the marker itself.
public final class CachingCatalogStore: CatalogStore {
    @TaskLocal static var requestMarker: UInt64?

    private enum Key: Hashable, Sendable {
        case instance(id: String, service: Service, projects: Set<String>)
        case project(String)
        case projects(domainID: String)
        case domainNamed(String)
        case domainID(String)
        case user(domainID: String, name: String)
        case accessKey(String)
        case principal(domainID: String, userName: String)
        case signingCredential(String)
        case token(String)
    }

    private enum Value: Sendable {
        case instance(Instance?)
        case project(Project?)
        case projects([Project])
        case domain(Domain?)
        case user(User?)
        case accessKey(AccessKey?)
        case principal(Principal?)
        case signingCredential(SigningCredential?)
        case token(IssuedToken?)
    }

    public let base: any CatalogStore
    private let lookups = CacheGeneration<Key, Value>(budget: 100_000)

    public init(base: any CatalogStore) {
        self.base = base
    }

    /// The marker this request works with.
    func marker() async throws -> UInt64 {
        if let marker = Self.requestMarker { return marker }
        return try await base.changeMarker()
    }

    private func cached(_ key: Key, load: () async throws -> Value) async throws -> Value {
        let marker = try await marker()
        if let hit = lookups.value(for: key, marker: marker) { return hit }
        let value = try await load()
        lookups.keep(value, for: key, marker: marker)
        return value
    }

    // MARK: Cached lookups

    public func instance(id: String, service: Service, inAnyOf projectIDs: Set<String>) async throws -> Instance? {
        let value = try await cached(.instance(id: id, service: service, projects: projectIDs)) {
            .instance(try await base.instance(id: id, service: service, inAnyOf: projectIDs))
        }
        guard case .instance(let instance) = value else { return nil }
        return instance
    }

    public func project(id: String) async throws -> Project? {
        let value = try await cached(.project(id)) { .project(try await base.project(id: id)) }
        guard case .project(let project) = value else { return nil }
        return project
    }

    public func projects(domainID: String) async throws -> [Project] {
        let value = try await cached(.projects(domainID: domainID)) {
            .projects(try await base.projects(domainID: domainID))
        }
        guard case .projects(let projects) = value else { return [] }
        return projects
    }

    public func domain(named name: String) async throws -> Domain? {
        let value = try await cached(.domainNamed(name)) { .domain(try await base.domain(named: name)) }
        guard case .domain(let domain) = value else { return nil }
        return domain
    }

    public func domain(id: String) async throws -> Domain? {
        let value = try await cached(.domainID(id)) { .domain(try await base.domain(id: id)) }
        guard case .domain(let domain) = value else { return nil }
        return domain
    }

    public func user(domainID: String, name: String) async throws -> User? {
        let value = try await cached(.user(domainID: domainID, name: name)) {
            .user(try await base.user(domainID: domainID, name: name))
        }
        guard case .user(let user) = value else { return nil }
        return user
    }

    public func accessKey(access: String) async throws -> AccessKey? {
        let value = try await cached(.accessKey(access)) { .accessKey(try await base.accessKey(access: access)) }
        guard case .accessKey(let key) = value else { return nil }
        return key
    }

    public func principal(domainID: String, userName: String) async throws -> Principal? {
        let value = try await cached(.principal(domainID: domainID, userName: userName)) {
            .principal(try await base.principal(domainID: domainID, userName: userName))
        }
        guard case .principal(let principal) = value else { return nil }
        return principal
    }

    public func signingCredential(access: String) async throws -> SigningCredential? {
        let value = try await cached(.signingCredential(access)) {
            .signingCredential(try await base.signingCredential(access: access))
        }
        guard case .signingCredential(let credential) = value else { return nil }
        return credential
    }

    public func token(digest: String) async throws -> IssuedToken? {
        let value = try await cached(.token(digest)) { .token(try await base.token(digest: digest)) }
        guard case .token(let token) = value else { return nil }
        return token
    }

    // MARK: Straight through

    public func rdsBackups(_ query: RDSBackupQuery) async throws -> Page<RDSBackup> {
        try await base.rdsBackups(query)
    }

    public func taurusDBBackups(_ query: TaurusDBBackupQuery) async throws -> Page<TaurusDBBackup> {
        try await base.taurusDBBackups(query)
    }

    public func dcsBackups(_ query: DCSBackupQuery) async throws -> Page<DCSBackup> {
        try await base.dcsBackups(query)
    }

    public func ddmBackup(id: String, instanceID: String) async throws -> DDMBackup? {
        try await base.ddmBackup(id: id, instanceID: instanceID)
    }

    public func backupServices(ids: [String]) async throws -> [(id: String, service: Service)] {
        try await base.backupServices(ids: ids)
    }

    public func instances(ids: [String]) async throws -> [Instance] {
        try await base.instances(ids: ids)
    }

    public func recordSignatureFailure(
        access: String,
        at now: Int64,
        policy: LockoutPolicy
    ) async throws
        -> SignatureLockout
    {
        try await base.recordSignatureFailure(access: access, at: now, policy: policy)
    }

    public func clearSignatureFailures(access: String) async throws {
        try await base.clearSignatureFailures(access: access)
    }

    public func saveToken(_ token: IssuedToken) async throws {
        try await base.saveToken(token)
    }

    public func deleteAccessKey(access: String) async throws -> Bool {
        try await base.deleteAccessKey(access: access)
    }

    public func load(_ content: CatalogContent, progress: @escaping @Sendable (Int) -> Void) async throws {
        try await base.load(content, progress: progress)
    }

    public func deleteBackups(ids: [String]) async throws -> Int {
        try await base.deleteBackups(ids: ids)
    }

    public func exportTenancy() async throws -> CatalogContent {
        try await base.exportTenancy()
    }

    public func exportBackups(after cursor: BackupCursor?, limit: Int) async throws -> [Backup] {
        try await base.exportBackups(after: cursor, limit: limit)
    }

    public func statistics() async throws -> CatalogStatistics {
        try await base.statistics()
    }

    public func accountStatistics() async throws -> AccountStatistics {
        try await base.accountStatistics()
    }

    public func isEmpty() async throws -> Bool {
        try await base.isEmpty()
    }

    public func regions() async throws -> [String] {
        try await base.regions()
    }

    public func changeMarker() async throws -> UInt64 {
        try await base.changeMarker()
    }

    public func checkHealth() async throws {
        try await base.checkHealth()
    }
}
