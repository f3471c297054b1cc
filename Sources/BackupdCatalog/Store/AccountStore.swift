/// Accounts, seeds and exports: what the command line, the seed loader and the exporter need,
/// and nothing a request makes.
public protocol AccountStore: Sendable {
    /// Writes every part of `parts` in one transaction, all of them or none, replacing records
    /// with the same keys and adding the rest (a later part replaces an earlier one's record). Into
    /// empty backup tables a store may write in bulk (lists indexed and totals counted once, at the end).
    /// - Parameter progress: called now and then with the number of records written so far.
    func load(parts: CatalogParts, progress: @escaping @Sendable (Int) -> Void) async throws

    /// The user `name` of `domainID` (a seed keeps a stored password digest it does not repeat).
    func user(domainID: String, name: String) async throws -> User?

    /// The access key `access`, with its secret (a seed keeps a stored secret it does not repeat).
    func accessKey(access: String) async throws -> AccessKey?

    /// Removes an access key and its lockout state. - Returns: whether it existed.
    func deleteAccessKey(access: String) async throws -> Bool

    /// The instances among `ids` that exist, in no particular order (a seed's references).
    func instances(ids: [String]) async throws -> [Instance]

    /// The backups among `ids` that exist, with their service, in no particular order.
    func backupServices(ids: [String]) async throws -> [(id: String, service: Service)]

    /// Every domain, project, user, access key and instance (with secrets, which only the caller may drop).
    func exportTenancy() async throws -> CatalogContent

    /// Up to `limit` backups after `cursor`, in a stable order (service, then id): pages of an export.
    func exportBackups(after cursor: BackupCursor?, limit: Int) async throws -> [Backup]

    /// How many records of each kind the store holds (backups from maintained counters).
    func statistics() async throws -> CatalogStatistics

    /// The account counts alone, from small tables (a server reports them at start).
    func accountStatistics() async throws -> AccountStatistics

    /// Whether the store holds no domain at all (a fresh store); cheap whatever its size.
    func isEmpty() async throws -> Bool

    /// The distinct regions of every project of every domain, sorted.
    func regions() async throws -> [String]
}

extension AccountStore {
    /// Writes `content` in one transaction (`load(parts:progress:)` with one part).
    public func load(_ content: CatalogContent, progress: @escaping @Sendable (Int) -> Void) async throws {
        try await load(parts: .one(content), progress: progress)
    }
}
