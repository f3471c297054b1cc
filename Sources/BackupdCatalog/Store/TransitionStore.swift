/// Moves lifecycle records along the catalog clock (`docs/lifecycle.md` §6): each record's state
/// is a function of the clock, written down as the clock passes its changes, so that lists,
/// filters and totals read stored values and every node shows the same at the same clock time.
public protocol TransitionStore: Sendable {
    /// The earliest instant after `instant` at which what the catalog shows changes: a stored
    /// record, a policy's next backup, or (while an incremental chain runs) the next five-minute
    /// step; `nil` when nothing ever will. A read at a clock time before it needs no `settle`.
    func nextTransition(after instant: Int64) async throws -> Int64?

    /// `nextTransition(after:)` of what `instanceIDs` show alone: their records, their policies'
    /// next backups, their running chains. An answer that read only these instances stays what
    /// they show until then, whatever is due elsewhere (`docs/architecture.md`, "Caches").
    func nextTransition(after instant: Int64, ofInstances instanceIDs: [String]) async throws -> Int64?

    /// Writes down every change due at or before `instant`, in one transaction. Idempotent, and
    /// safe when several nodes settle at once.
    /// - Returns: how many backups the schedules made (`Scheduler`), for `/metrics`.
    @discardableResult
    func settle(through instant: Int64) async throws -> Int
}

/// Creates and deletes backups on behalf of the write APIs. Every method first settles the
/// catalog through its `instant` and makes its checks and its write in the same transaction, so
/// that two nodes racing give one success and one refusal (`docs/lifecycle.md` §7).
public protocol BackupWriting: Sendable {
    /// Stores `backup`, a new RDS full backup of `instance` started at `instant`, unless the
    /// instance has a full backup in progress or a home record of the same name.
    /// - Returns: the stored record (failing when a fault was armed for it).
    /// - Throws: `BackupRefusal.inProgress` or `.nameTaken`, with nothing written.
    func createRDSBackup(_ backup: RDSBackup, of instance: Instance, at instant: Int64) async throws -> RDSBackup

    /// Applies the RDS delete to each of `ids` in order, among the home records of the RDS
    /// instances of `projectID`. - Returns: one outcome per id, in order.
    func deleteRDSBackups(ids: [String], inProject projectID: String, at instant: Int64) async throws -> [RDSDeletion]

    /// Stores `backup`, a new TaurusDB full backup of `instance` started at `instant`, unless a
    /// full backup of the instance is building. - Throws: `BackupRefusal.inProgress`.
    func createTaurusDBBackup(_ backup: TaurusDBBackup, of instance: Instance, at instant: Int64) async throws -> TaurusDBBackup

    /// Deletes the TaurusDB home record `id` of an instance of `projectID` (gone at once).
    func deleteTaurusDBBackup(id: String, inProject projectID: String, at instant: Int64) async throws -> TaurusDBDeletion

    /// Stores `backup`, a new DCS backup of `instance` created at `instant`, unless a backup of
    /// the instance is waiting or running; the oldest lifecycle record goes when the instance
    /// would keep more than `DCSRetention.recordCap`. - Throws: `BackupRefusal.inProgress`.
    func createDCSBackup(_ backup: DCSBackup, of instance: Instance, at instant: Int64) async throws -> DCSBackup

    /// Marks the DCS record `id` of `instanceID` deleted.
    func deleteDCSBackup(id: String, instanceID: String, at instant: Int64) async throws -> DCSDeletion

    /// Marks the DDM backup `id` of an instance of `projectID` deleted. - Returns: whether there was one.
    func deleteDDMBackup(id: String, inProject projectID: String, at instant: Int64) async throws -> Bool
}

/// What a TaurusDB delete did (`docs/lifecycle.md` §3.8).
public enum TaurusDBDeletion: Sendable, Hashable {
    /// Gone; the answer names it.
    case deleted(name: String)
    case notFound
    case notManual
    case building
}

/// What a DCS delete did (`docs/lifecycle.md` §3.12).
public enum DCSDeletion: Sendable, Hashable {
    /// Now (or already) `deleted`.
    case deleted
    case notFound
    case inProgress
}

/// The DCS rule of at most 24 lifecycle records per instance (`docs/lifecycle.md` §8.4).
public enum DCSRetention {
    public static let recordCap = 24
}

/// What a `TenantCatalog` (BackupdAPI) reaches of the store: the backups, read and written.
public typealias TenantStore = BackupStore & BackupWriting & PolicyStore

/// Why a write was refused inside its transaction.
public enum BackupRefusal: Error, Sendable, Hashable, TransactionRefusal {
    /// A full backup of the instance is building (`docs/lifecycle.md` §7).
    case inProgress
    /// The instance already has a home record of that name.
    case nameTaken
}

/// What an RDS delete did to one id (`docs/lifecycle.md` §3.3).
public enum RDSDeletion: Sendable, Hashable {
    case deleted
    case notFound
    case notManual
    case building
    case alreadyDeleting
}
