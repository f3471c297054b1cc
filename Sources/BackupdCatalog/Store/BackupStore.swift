/// Instances and their backups: what the backup APIs read (and, with the write side, change).
/// Queries take bare instance ids: tenant operations never hold this protocol, only a
/// `TenantCatalog` (BackupdAPI) bound to the caller's projects, which looks instances up here.
public protocol BackupStore: Sendable {
    /// The instance `id`, of any service and project; `nil` when there is none.
    func instance(id: String) async throws -> Instance?

    /// The RDS backups of one instance, at home or held offsite in one project.
    func rdsBackups(_ query: RDSBackupQuery) async throws -> Page<RDSBackup>

    /// The TaurusDB backups of one instance of one type.
    func taurusDBBackups(_ query: TaurusDBBackupQuery) async throws -> Page<TaurusDBBackup>

    /// The DCS backup records of one instance.
    func dcsBackups(_ query: DCSBackupQuery) async throws -> Page<DCSBackup>

    /// The TaurusDB full backups (`auto`, `manual`) of one instance.
    func taurusDBFullBackups(_ query: TaurusDBFullBackupQuery) async throws -> Page<TaurusDBBackup>

    /// The DDM backup `id` if it is a backup of `instanceID` that is not `deleted`.
    func ddmBackup(id: String, instanceID: String) async throws -> DDMBackup?

    /// The DDM backups of one instance that are not `deleted`.
    func ddmBackups(_ query: DDMBackupQuery) async throws -> Page<DDMBackup>

    /// The service and instance of the backup `id`, when it is a home record (not a cross-region
    /// copy, not a `deleted` DDM backup) of an instance of `projectID`: how a path that several
    /// services share is routed (`docs/lifecycle.md` §2).
    func homeBackup(id: String, inProject projectID: String) async throws -> (service: Service, instanceID: String)?

    /// The begins of the automated full backups of an RDS or TaurusDB instance that did not fail,
    /// oldest first: where its retention base is at any clock time (§8.1).
    func automatedFullBackupStarts(instanceID: String) async throws -> [Int64]

    /// The instance whose incremental chain has ids starting with `prefix` (`IncrementalSeries`).
    func instanceID(ofIncrementalPrefix prefix: String) async throws -> String?

    /// The lifecycle tracks of those of `backupIDs` that have one.
    func tracks(backupIDs: [String]) async throws -> [LifecycleTrack]

    /// Deletes the backups among `ids` (of any service), as retention does. - Returns: how many existed.
    func deleteBackups(ids: [String]) async throws -> Int
}

extension BackupStore {
    /// The instance `id` if it belongs to `service` and lives in one of `projectIDs`: the lookup
    /// step of `docs/api.md` §1.2, whose answer is the same whether the id exists elsewhere or not.
    public func instance(id: String, service: Service, inAnyOf projectIDs: Set<String>) async throws -> Instance? {
        guard let found = try await instance(id: id) else { return nil }
        return found.isReachable(as: service, inAnyOf: projectIDs) ? found : nil
    }
}

extension Instance {
    /// Whether a caller acting in `projectIDs` on `service`'s API may see this instance.
    public func isReachable(as service: Service, inAnyOf projectIDs: Set<String>) -> Bool {
        self.service == service && projectIDs.contains(projectID)
    }
}
