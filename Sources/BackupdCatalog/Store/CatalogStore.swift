/// The durable catalog behind every API: one protocol, one engine per database
/// (SQLite embedded, PostgreSQL for several nodes), one conformance suite for all.
///
/// Contract shared by every engine:
/// - Reads see every write that completed before they started, through this node or another:
///   nothing is cached that a write could make stale.
/// - `load` is atomic: it writes all of its content or, when it throws, nothing.
/// - Lists are ordered by key descending, then id ascending by ASCII bytes, and totals count
///   every match before paging (`api.md` §1.9).
/// - A lookup by a string that `CatalogText.isStorable` rejects finds nothing.
/// - Failures are thrown as `CatalogError`.
public protocol CatalogStore: Sendable {
    // MARK: Lookups a request makes

    /// The instance `id` if it belongs to `service` and lives in one of `projectIDs`.
    func instance(id: String, service: Service, inAnyOf projectIDs: Set<String>) async throws -> Instance?

    /// The RDS backups of one instance, at home or held offsite in one project.
    func rdsBackups(_ query: RDSBackupQuery) async throws -> Page<RDSBackup>

    /// The TaurusDB backups of one instance of one type.
    func taurusDBBackups(_ query: TaurusDBBackupQuery) async throws -> Page<TaurusDBBackup>

    /// The DCS backup records of one instance.
    func dcsBackups(_ query: DCSBackupQuery) async throws -> Page<DCSBackup>

    /// The DDM backup `id` if it is a backup of `instanceID`.
    func ddmBackup(id: String, instanceID: String) async throws -> DDMBackup?

    // MARK: Tenancy

    func project(id: String) async throws -> Project?
    func projects(domainID: String) async throws -> [Project]
    func domain(named name: String) async throws -> Domain?
    func user(domainID: String, name: String) async throws -> User?
    func accessKey(access: String) async throws -> AccessKey?
    /// The backups among `ids` that exist, with their service, in no particular order.
    func backupServices(ids: [String]) async throws -> [(id: String, service: Service)]

    /// The instances among `ids` that exist, in no particular order.
    func instances(ids: [String]) async throws -> [Instance]

    // MARK: Credentials

    func domain(id: String) async throws -> Domain?
    /// The user `userName` of `domainID` with its domain and usable projects, from one read.
    func principal(domainID: String, userName: String) async throws -> Principal?
    /// The access key `access` with its owner and lockout state, from one read; `nil` when unknown.
    func signingCredential(access: String) async throws -> SigningCredential?
    /// Records one more signature failure of `access` at `now` (seconds), atomically across
    /// every node sharing the store, and returns the new state.
    func recordSignatureFailure(access: String, at now: Int64, policy: LockoutPolicy) async throws -> SignatureLockout
    /// Forgets the failures and any lock of `access` (after a correct signature).
    func clearSignatureFailures(access: String) async throws
    /// Stores a newly issued token, and drops tokens that expired more than
    /// `IssuedToken.retentionAfterExpiry` before its issue.
    func saveToken(_ token: IssuedToken) async throws
    /// The token whose SHA-256 is `digest`, expired or not; `nil` when unknown or purged.
    func token(digest: String) async throws -> IssuedToken?
    /// Removes an access key and its lockout state. - Returns: whether it existed.
    func deleteAccessKey(access: String) async throws -> Bool

    // MARK: Maintenance

    /// Writes `content` in one transaction, replacing records with the same keys and adding the rest.
    /// - Parameter progress: called now and then with the number of records written so far.
    func load(_ content: CatalogContent, progress: @escaping @Sendable (Int) -> Void) async throws

    /// Deletes the backups among `ids` (of any service), as retention does. - Returns: how many existed.
    func deleteBackups(ids: [String]) async throws -> Int

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

    // MARK: Change detection

    /// A value that differs from any earlier answer once a write has committed since, through
    /// this object, another one, another process or another node. Equal answers mean nothing
    /// was written in between, so whatever was read after the first answer is still current:
    /// this is what lets caches serve without going stale. Read it before reading what you cache.
    func changeMarker() async throws -> UInt64

    /// Throws `CatalogError.unavailable` unless the store answers a query now.
    func checkHealth() async throws
}
