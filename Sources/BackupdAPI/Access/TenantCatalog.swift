public import BackupdCatalog

/// The backups one caller may read, and nothing else: a view of the store bound to the caller's
/// `ProjectScope`. Backup operations receive only this. Its backup reads take a `ScopedInstance`,
/// which only its own instance lookup hands out after checking service and project, so no
/// operation can name an instance outside the scope, or forget to check.
///
/// Only `Identity.catalog(inProject:backups:)` (below) makes one: no initializer is visible
/// anywhere else, and an `Identity` comes only from `CredentialAuthenticator`.
public struct TenantCatalog: Sendable {
    /// Where the caller acts (also what a cached answer depends on).
    public let scope: ProjectScope
    /// The catalog clock's reading the request is answered at (milliseconds since the epoch):
    /// every write stamps it, and every read sees the catalog as it is then (`docs/lifecycle.md` §5).
    public let now: Int64
    private let backups: Cached<any TenantStore>

    fileprivate init(scope: ProjectScope, now: Int64, backups: Cached<any TenantStore>) {
        self.scope = scope
        self.now = now
        self.backups = backups
    }

    /// Where an instance may be looked for.
    public enum Reach: Sendable {
        /// The path's project (every API but one).
        case pathProject
        /// Any project of the account the caller may use (the cross-region list, `docs/api.md` §3).
        case usableProjects
    }

    /// The instance `id` of `service`, where `reach` allows: the lookup step of `docs/api.md` §1.2.
    /// - Throws: `notFound` (the service's 404) when there is none, whether or not the id exists
    ///   in another project, another account or another service.
    public func instance(
        _ id: String,
        of service: Service,
        in reach: Reach = .pathProject,
        otherwise notFound: APIError
    ) async throws -> ScopedInstance {
        let projects = reach == .pathProject ? [scope.projectID] : scope.usableProjectIDs
        guard let found = try await backups.instance(id: id), found.isReachable(as: service, inAnyOf: projects) else {
            throw notFound
        }
        return ScopedInstance(record: found)
    }

    /// Which RDS backups of an instance a list reads.
    public enum RDSCopies: Sendable {
        /// Those in the instance's own region (`000` page).
        case home
        /// The cross-region copies held in the path's project (`002` page).
        case heldInPathProject
    }

    /// The RDS backups of `instance`, ordered and paged (`docs/api.md` §1.9).
    public func rdsBackups(
        of instance: ScopedInstance,
        _ copies: RDSCopies,
        backupID: String?,
        types: Set<RDSBackupType>?,
        status: RDSBackupStatus? = nil,
        window: TimeWindow?,
        page: PageRequest
    ) async throws -> Page<RDSBackup> {
        let location: RDSBackupLocation =
            switch copies {
            case .home: .home
            case .heldInPathProject: .offsite(projectID: scope.projectID)
            }
        let query = RDSBackupQuery(
            instanceID: instance.record.id,
            location: location,
            backupID: backupID,
            types: types,
            status: status,
            window: window,
            page: page
        )
        let store = backups.store
        // Incremental chains (and their copies) are computed, and merged into the stored records.
        guard types?.contains(.incremental) ?? true, status.map({ $0 == .completed }) ?? true else {
            return try await store.rdsBackups(query)
        }
        let computed: SeriesSet
        switch copies {
        case .home: computed = SeriesSet([try await incrementalChain(of: instance)].compactMap { $0 })
        case .heldInPathProject: computed = try await incrementalCopies(of: instance)
        }
        let chain = computed.restricted(to: window)
        guard !chain.isEmpty else { return try await store.rdsBackups(query) }
        if let backupID {
            guard let index = chain.index(ofID: backupID) else { return try await store.rdsBackups(query) }
            return Page(items: page.offset == 0 && page.limit > 0 ? [chain.rdsBackup(at: index)] : [], total: 1)
        }
        let types = types.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
        return try await mergedPage(
            page,
            window: window,
            series: chain,
            list: LookupKey(
                "rdsStoredOrder",
                instance.record.id,
                "\(location)|\(types)|\(status?.rawValue ?? "*")",
                scope: .instance(instance.record.id)
            ),
            read: { window, page in
                var part = query
                part.window = window
                return try await store.rdsBackups(part.paged(page))
            },
            element: chain.rdsBackup(at:),
            key: { ($0.beginTime.epochSeconds, $0.id) }
        )
    }

    /// The incremental chain of `instance` as retained now (`docs/lifecycle.md` §8.2): RDS MySQL
    /// and PostgreSQL and every TaurusDB instance, while their policy is on.
    func incrementalChain(of instance: ScopedInstance) async throws -> IncrementalSeries? {
        let record = instance.record
        switch record.service {
        case .rds:
            guard ["mysql", "postgresql"].contains(record.datastore?.type.lowercased() ?? "") else { return nil }
        case .taurusdb: break
        case .dcs, .ddm: return nil
        }
        guard let state = try await backups.policy(instanceID: record.id), case .full(let policy) = state.policy, policy.isOn,
            let chainStart = state.chainStart
        else { return nil }
        // A chain moves with the clock: every settle touches `chains`.
        backups.note(.chains)
        let base = PolicyEffects.base(
            among: try await backups.automatedFullBackupStarts(instanceID: record.id),
            keep: policy.keepMilliseconds,
            at: now
        )
        return IncrementalSeries.retained(
            of: record,
            chainStart: chainStart,
            floor: state.incrementalFloor,
            keep: policy.keepMilliseconds,
            base: base,
            at: now
        )
    }

    /// The cross-region copies of `instance`'s incrementals held in the path's project, as
    /// retained now (`docs/lifecycle.md` §8.3).
    func incrementalCopies(of instance: ScopedInstance) async throws -> SeriesSet {
        let record = instance.record
        guard let policy = try await backups.offsitePolicy(instanceID: record.id), policy.destinationProjectID == scope.projectID
        else { return SeriesSet([]) }
        let segments = try await backups.offsiteIncrementalSegments(instanceID: record.id)
        guard !segments.isEmpty else { return SeriesSet([]) }
        backups.note(.chains)
        let chainStart = try await backups.policy(instanceID: record.id)?.chainStart
        return SeriesSet(
            segments.compactMap { segment in
                guard let first = segment.first ?? chainStart else { return nil }
                return IncrementalSeries.copies(
                    of: record,
                    in: scope.projectID,
                    first: first,
                    last: segment.last,
                    floor: policy.incrementalFloor,
                    keep: policy.keepMilliseconds,
                    at: now
                )
            }
        )
    }

    /// The instance of the path's project whose incremental chain now holds `id`, if any.
    func instance(ofIncremental id: String, of service: Service) async throws -> ScopedInstance? {
        // Which instance's chain holds a prefix changes with a policy of any instance of the project.
        backups.note(.project(scope.projectID))
        guard id.utf8.count > 20, let instanceID = try await backups.store.instanceID(ofIncrementalPrefix: String(id.prefix(20))),
            let found = try await backups.instance(id: instanceID), found.isReachable(as: service, inAnyOf: [scope.projectID])
        else { return nil }
        let instance = ScopedInstance(record: found)
        guard try await incrementalChain(of: instance)?.index(ofID: id) != nil else { return nil }
        return instance
    }

    /// The incremental backups of a TaurusDB `instance`.
    public func taurusDBIncrementalBackups(
        of instance: ScopedInstance,
        window: TimeWindow?,
        page: PageRequest
    ) async throws -> Page<TaurusDBBackup> {
        let query = TaurusDBBackupQuery(instanceID: instance.record.id, window: window, page: page)
        let store = backups.store
        guard let chain = try await incrementalChain(of: instance)?.restricted(to: window) else {
            return try await store.taurusDBBackups(query)
        }
        let series = SeriesSet([chain])
        return try await mergedPage(
            page,
            window: window,
            series: series,
            list: LookupKey("taurusDBStoredOrder", instance.record.id, scope: .instance(instance.record.id)),
            read: { window, page in
                try await store.taurusDBBackups(TaurusDBBackupQuery(instanceID: instance.record.id, window: window, page: page))
            },
            element: { index in
                let (part, local) = series.locate(index)
                return part.taurusDBBackup(at: local)
            },
            key: { ($0.beginTime.epochSeconds, $0.id) }
        )
    }

    /// One page of an instance's stored records merged with a computed series (`MergedPage`).
    /// - Parameters:
    ///   - list: names the stored list (the instance and the filters `read` applies), whose
    ///     `StoredOrder` is kept until the instance is written.
    ///   - read: the stored list in a window and at an offset.
    private func mergedPage<Item: Sendable>(
        _ page: PageRequest,
        window: TimeWindow?,
        series: SeriesSet,
        list: LookupKey,
        read: (TimeWindow?, PageRequest) async throws -> Page<Item>,
        element: (Int) -> Item,
        key: (Item) -> (Int64, String)
    ) async throws -> Page<Item> {
        // 32 begin seconds take about the room of one cached lookup.
        let order = try await backups.lookup(
            list,
            units: { ($0?.count ?? 0) / 32 + 1 },
            { _ -> StoredOrder? in
                guard try await read(nil, PageRequest(offset: 0, limit: 0)).total <= MergedPage.orderLimit else { return nil }
                let items = try await read(nil, PageRequest(offset: 0, limit: MergedPage.orderLimit + 1)).items
                return items.count > MergedPage.orderLimit ? nil : StoredOrder(seconds: items.map { key($0).0 })
            }
        )
        func atSecond(_ second: Int64, _ limit: Int) async throws -> [String] {
            try await read(TimeWindow(from: second, through: second), PageRequest(offset: 0, limit: limit)).items.map { key($0).1 }
        }
        guard let order else {
            return try await MergedPage.page(
                page,
                storedTotal: try await read(window, PageRequest(offset: 0, limit: 0)).total,
                series: series,
                storedBefore: { second, id in
                    let upper = window?.upperBound
                    let newer =
                        upper.map { $0 > second } ?? true
                        ? try await read(
                            TimeWindow(from: max(window?.lowerBound ?? second + 1, second + 1), through: upper),
                            PageRequest(offset: 0, limit: 0)
                        ).total : 0
                    let ties = try await atSecond(second, MergedPage.orderLimit)
                    return newer + ties.count(where: { $0.utf8.lexicographicallyPrecedes(id.utf8) })
                },
                stored: { try await read(window, $0).items },
                element: element,
                key: key
            )
        }
        return try await MergedPage.page(
            page,
            order: order,
            window: window,
            series: series,
            ties: { try await atSecond($0, $1) },
            stored: { try await read(window, $0).items },
            element: element,
            key: key
        )
    }

    /// The backup records of a DCS `instance`, as they are at `now`: a running lifecycle record's
    /// `progress` is of this very instant (`docs/lifecycle.md` §6.2), so such a page says so.
    public func dcsBackups(
        of instance: ScopedInstance,
        window: TimeWindow?,
        page: PageRequest
    ) async throws -> (
        page: Page<DCSBackup>, dependsOnInstant: Bool
    ) {
        var found = try await backups.store.dcsBackups(DCSBackupQuery(instanceID: instance.record.id, window: window, page: page))
        let running = found.items.filter { $0.status == .backuping }.map(\.backupID)
        guard !running.isEmpty else { return (found, false) }
        let tracks = try await backups.store.tracks(backupIDs: running)
        guard !tracks.isEmpty else { return (found, false) }
        let byID = Dictionary(tracks.map { ($0.backupID, $0) }, uniquingKeysWith: { first, _ in first })
        for index in found.items.indices where found.items[index].status == .backuping {
            if let track = byID[found.items[index].backupID] { found.items[index].progress = track.progress(at: now) }
        }
        return (found, true)
    }

    /// The DDM backup `id` of `instance`; `nil` when it is not one of its backups.
    public func ddmBackup(id: String, of instance: ScopedInstance) async throws -> DDMBackup? {
        try await backups.store.ddmBackup(id: id, instanceID: instance.record.id)
    }
}

extension TenantCatalog {
    /// The service of the instance `id` when it is one of the path's project: how a shared path is
    /// routed (`docs/lifecycle.md` §2). `nil` for an unknown or foreign id.
    public func service(ofInstance id: String) async throws -> Service? {
        guard let found = try await backups.instance(id: id), found.projectID == scope.projectID else { return nil }
        return found.service
    }

    /// The service of the home record `id` of an instance of the path's project (§2).
    public func service(ofBackup id: String) async throws -> Service? {
        backups.note(.project(scope.projectID))
        if let found = try await backups.store.homeBackup(id: id, inProject: scope.projectID) { return found.service }
        for service in [Service.rds, .taurusdb] where try await instance(ofIncremental: id, of: service) != nil {
            return service
        }
        return nil
    }

    /// The TaurusDB full backups of `instance` (`docs/lifecycle.md` §3.9).
    public func taurusDBFullBackups(
        of instance: ScopedInstance,
        types: Set<TaurusDBBackupType>,
        backupID: String?,
        name: String?,
        window: TimeWindow?,
        page: PageRequest
    ) async throws -> Page<TaurusDBBackup> {
        try await backups.store.taurusDBFullBackups(
            TaurusDBFullBackupQuery(
                instanceID: instance.record.id,
                types: types,
                backupID: backupID,
                name: name,
                window: window,
                page: page
            )
        )
    }

    /// The DDM backups of `instance` that are not deleted (`docs/lifecycle.md` §3.14).
    public func ddmBackups(
        of instance: ScopedInstance,
        backupID: String?,
        name: String?,
        page: PageRequest
    ) async throws
        -> Page<DDMBackup>
    {
        try await backups.store.ddmBackups(DDMBackupQuery(instanceID: instance.record.id, backupID: backupID, name: name, page: page))
    }

    /// The instance of the home record `id` of the path's project, when it is of `service`.
    public func instance(ofBackup id: String, of service: Service, otherwise notFound: APIError) async throws -> ScopedInstance {
        backups.note(.project(scope.projectID))
        guard let found = try await backups.store.homeBackup(id: id, inProject: scope.projectID) else {
            // An incremental of a computed chain is a backup of its instance too (§2 rule 2).
            guard let instance = try await instance(ofIncremental: id, of: service) else { throw notFound }
            return instance
        }
        guard found.service == service else { throw notFound }
        return try await instance(found.instanceID, of: service, otherwise: notFound)
    }

    /// Starts `backup`, a new TaurusDB full backup of `instance`, now.
    /// - Throws: `BackupRefusal.inProgress` when a full backup is building.
    public func createTaurusDBBackup(_ backup: TaurusDBBackup, of instance: ScopedInstance) async throws -> TaurusDBBackup {
        try await backups.store.createTaurusDBBackup(backup, of: instance.record, at: now)
    }

    /// Deletes the TaurusDB home record `id` of the path's project.
    public func deleteTaurusDBBackup(id: String) async throws -> TaurusDBDeletion {
        if try await instance(ofIncremental: id, of: .taurusdb) != nil { return .notManual }
        return try await backups.store.deleteTaurusDBBackup(id: id, inProject: scope.projectID, at: now)
    }

    /// Starts `backup`, a new DCS backup of `instance`, now.
    /// - Throws: `BackupRefusal.inProgress` when a backup is waiting or running.
    public func createDCSBackup(_ backup: DCSBackup, of instance: ScopedInstance) async throws -> DCSBackup {
        try await backups.store.createDCSBackup(backup, of: instance.record, at: now)
    }

    /// Marks the DCS record `id` of `instance` deleted.
    public func deleteDCSBackup(id: String, of instance: ScopedInstance) async throws -> DCSDeletion {
        try await backups.store.deleteDCSBackup(id: id, instanceID: instance.record.id, at: now)
    }

    /// Marks the DDM backup `id` of the path's project deleted. - Returns: whether there was one.
    public func deleteDDMBackup(id: String) async throws -> Bool {
        try await backups.store.deleteDDMBackup(id: id, inProject: scope.projectID, at: now)
    }

    /// The backup policy of `instance`; `nil` when it never had one.
    public func policy(of instance: ScopedInstance) async throws -> PolicyState? {
        try await backups.store.policy(instanceID: instance.record.id)
    }

    /// Makes `change` the backup policy of `instance` from now on (`docs/lifecycle.md` §8).
    public func setPolicy(_ change: PolicyChange, of instance: ScopedInstance) async throws -> PolicyState {
        try await backups.store.setPolicy(change, of: instance.record, at: now)
    }

    /// The cross-region policy of an RDS `instance`; `nil` when it never had one.
    public func offsitePolicy(of instance: ScopedInstance) async throws -> OffsitePolicy? {
        try await backups.store.offsitePolicy(instanceID: instance.record.id)
    }

    /// Applies a cross-region policy change to `instance` now. The destination must be a project
    /// of the instance's own account; the caller need not be allowed in it (`docs/lifecycle.md` §10).
    /// - Throws: `OffsiteRefusal` by the instance's state.
    public func setOffsitePolicy(_ change: OffsitePolicyChange, of instance: ScopedInstance) async throws -> OffsitePolicy {
        try await backups.store.setOffsitePolicy(change, of: instance.record, at: now)
    }

    /// Starts `backup`, a new RDS full backup of `instance`, now. - Returns: the record stored.
    /// - Throws: `BackupRefusal` when a full backup is in progress or the name is taken.
    public func createRDSBackup(_ backup: RDSBackup, of instance: ScopedInstance) async throws -> RDSBackup {
        // The names of a computed chain are taken too (`docs/lifecycle.md` §7).
        if let chain = try await incrementalChain(of: instance), let begin = chain.begin(ofName: backup.name),
            chain.index(ofID: IncrementalSeries.id(of: instance.record, begin: begin)) != nil
        {
            throw BackupRefusal.nameTaken
        }
        return try await backups.store.createRDSBackup(backup, of: instance.record, at: now)
    }

    /// Applies the RDS delete to each of `ids`, among the home records of the path's project.
    public func deleteRDSBackups(ids: [String]) async throws -> [RDSDeletion] {
        var outcomes = try await backups.store.deleteRDSBackups(ids: ids, inProject: scope.projectID, at: now)
        // An incremental of a chain is computed, not stored: it is found here, and is not manual.
        for (index, id) in ids.enumerated() where outcomes[index] == .notFound {
            if try await instance(ofIncremental: id, of: .rds) != nil { outcomes[index] = .notManual }
        }
        return outcomes
    }
}

/// An instance the caller may see, as `TenantCatalog.instance` found it.
public struct ScopedInstance: Sendable {
    public let record: Instance

    fileprivate init(record: Instance) {
        self.record = record
    }
}

extension Identity {
    /// The backups this caller may read in the project `projectID` (the path's).
    /// - Throws: `APIGW.0302` when the caller may not act there: unknown and foreign projects
    ///   included, so that nothing leaks (`docs/auth.md` §5).
    public func catalog(
        inProject projectID: String,
        at now: Int64,
        backups: Cached<any TenantStore>
    ) throws(APIError) -> TenantCatalog {
        guard mayAct(inProject: projectID) else { throw GatewayErrors.notAuthorized }
        return TenantCatalog(
            scope: ProjectScope(
                domainID: principal.domain.id,
                projectID: projectID,
                usableProjectIDs: principal.usableProjectIDs
            ),
            now: now,
            backups: backups
        )
    }
}
