import BackupdCatalog
import BackupdTestSupport
import Testing

/// `load`, `exportTenancy`, `exportBackups`: atomic keyed upserts and complete exports.
extension CatalogStoreConformance {
    /// Whether `error` is the constraint violation the contract names for a broken write.
    static func isConstraintViolation(_ error: any Error) -> Bool {
        if case .constraintViolated? = error as? CatalogError { return true }
        return false
    }

    // MARK: - Atomic load

    struct BrokenBatch: Sendable, CustomTestStringConvertible {
        let name: String
        let content: CatalogContent
        var testDescription: String { name }
    }

    /// Batches that first change and add valid records, then end with one that breaks a
    /// reference the store must enforce.
    static var brokenBatches: [BrokenBatch] {
        // Valid changes and additions that must not survive the failure.
        var renamed = Sample.mysql
        renamed.name = "renamed"
        let newInstance = Instance(
            id: "new-rds",
            projectID: Sample.cnNorth4.id,
            service: .rds,
            name: "new",
            datastore: Datastore(type: "MySQL", version: "8.0")
        )
        let newDomain = Domain(id: "dddddddddddddddddddddddddddddd04", name: "initech")
        let prefix = CatalogContent(
            domains: [newDomain, Domain(id: Sample.globex.id, name: "globex-renamed")],
            projects: [Project(id: "55555555555555555555555555555555", domainID: newDomain.id, name: "eu-west-0")],
            users: [User(domainID: Sample.acme.id, name: "alice", passwordDigest: "changed", projectIDs: [])],
            accessKeys: [AccessKey(access: Sample.aliceKey.access, domainID: Sample.acme.id, userName: "alice", secret: "changed")],
            instances: [renamed, newInstance],
            backups: [
                .rds(Sample.rds("rds-home-1", begin: "2030-01-01T00:00:00Z", name: "changed")),
                .rds(Sample.rds("brand-new", of: newInstance, begin: "2030-01-01T00:00:00Z")),
                .dcs(Sample.dcs("dcs-new", created: "2030-01-01T00:00:00.000Z")),
            ]
        )
        func ending(_ change: (inout CatalogContent) -> Void) -> CatalogContent {
            var content = prefix
            change(&content)
            return content
        }
        return [
            BrokenBatch(
                name: "last backup references an unknown instance",
                content: ending {
                    $0.backups.append(
                        .rds(
                            Sample.rds(
                                "orphan",
                                of: Instance(
                                    id: "no-such-instance",
                                    projectID: Sample.cnNorth4.id,
                                    service: .rds,
                                    name: "x",
                                    datastore: Sample.mysql.datastore
                                ),
                                begin: "2030-01-02T00:00:00Z"
                            )
                        )
                    )
                }
            ),
            BrokenBatch(
                name: "last DCS backup references an unknown instance",
                content: ending {
                    $0.backups.append(
                        .dcs(
                            Sample.dcs(
                                "orphan",
                                created: "2030-01-02T00:00:00.000Z",
                                of: Instance(id: "no-such-dcs", projectID: Sample.cnNorth4.id, service: .dcs, name: "x")
                            )
                        )
                    )
                }
            ),
            BrokenBatch(
                name: "last backup is an offsite copy held in an unknown project",
                content: ending {
                    $0.backups.append(
                        .rds(
                            Sample.rds(
                                "orphan",
                                begin: "2030-01-02T00:00:00Z",
                                offsite: Project(id: "99999999999999999999999999999999", domainID: Sample.acme.id, name: "x")
                            )
                        )
                    )
                }
            ),
            BrokenBatch(
                name: "an instance in an unknown project",
                content: ending {
                    $0.instances.append(
                        Instance(
                            id: "lost",
                            projectID: "99999999999999999999999999999999",
                            service: .dcs,
                            name: "lost",
                            engine: "Redis",
                            engineVersion: "5.0"
                        )
                    )
                }
            ),
            BrokenBatch(
                name: "a project of an unknown domain",
                content: ending {
                    $0.projects.append(
                        Project(id: "66666666666666666666666666666666", domainID: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee05", name: "x")
                    )
                }
            ),
            BrokenBatch(
                name: "a user of an unknown domain",
                content: ending {
                    $0.users.append(User(domainID: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee05", name: "ghost", passwordDigest: nil, projectIDs: nil))
                }
            ),
            BrokenBatch(
                name: "an access key of an unknown user",
                content: ending {
                    $0.accessKeys.append(AccessKey(access: "AKGHOST", domainID: Sample.acme.id, userName: "ghost", secret: nil))
                }
            ),
        ]
    }

    @Test("a load that fails on its last record leaves the store exactly as before", arguments: StoreEngine.all)
    func loadIsAtomic(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        let before = try await Self.snapshot(store)
        let exportBefore = try await Fixtures.export(store)
        let statisticsBefore = try await store.statistics()
        for batch in Self.brokenBatches {
            let error = await #expect(throws: (any Error).self, "\(batch.name)") {
                try await store.load(batch.content, progress: { _ in })
            }
            if let error {
                #expect(Self.isConstraintViolation(error), "\(batch.name): \(error)")
            }
            #expect(try await Self.snapshot(store) == before, "\(batch.name)")
            #expect(try await store.statistics() == statisticsBefore, "\(batch.name)")
        }
        #expect(try await Fixtures.export(store) == exportBefore)
        // The store still takes writes afterwards.
        try await store.load(CatalogContent(backups: [.dcs(Sample.dcs("after-failure", created: "2030-01-01T00:00:00.000Z"))]), progress: { _ in })
        #expect(try await store.statistics().backups == statisticsBefore.backups + 1)
    }

    @Test("a failed first load leaves an empty store empty", arguments: StoreEngine.all)
    func failedFirstLoad(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        var content = Sample.mixed
        content.backups.append(
            .ddm(
                DDMBackup(
                    id: "orphan",
                    instanceID: "no-such-ddm",
                    name: "x",
                    beginTime: Sample.time("2025-05-20T05:40:00+0800"),
                    endTime: Sample.time("2025-05-20T05:41:30+0800")
                )
            )
        )
        await #expect(throws: (any Error).self) { try await store.load(content, progress: { _ in }) }
        #expect(try await Self.snapshot(store) == Snapshot(tenancy: CatalogContent(), backups: []))
        #expect(
            try await store.statistics()
                == CatalogStatistics(domains: 0, projects: 0, users: 0, accessKeys: 0, instances: 0, backups: 0)
        )
    }

    // MARK: - Idempotence and upserts

    @Test("loading the same content twice equals loading it once", arguments: StoreEngine.all)
    func loadTwice(_ engine: StoreEngine) async throws {
        let once = try await Self.makeStore(engine, with: Sample.mixed)
        let twice = try await Self.makeStore(engine, with: Sample.mixed)
        try await twice.load(Sample.mixed, progress: { _ in })
        #expect(try await Self.snapshot(once) == Self.snapshot(twice))
        #expect(try await once.statistics() == twice.statistics())
        #expect(try await Fixtures.export(once) == Fixtures.export(twice))
        let generated = GeneratedCatalog(seed: 42, rdsCount: 120, taurusCount: 40, dcsCount: 60).content
        let a = try await Self.makeStore(engine, with: generated)
        let b = try await Self.makeStore(engine, with: generated)
        try await b.load(generated, progress: { _ in })
        #expect(try await Self.snapshot(a) == Self.snapshot(b))
    }

    @Test("a record loaded again under its key replaces the old one in place", arguments: StoreEngine.all)
    func upsertReplaces(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        let statistics = try await store.statistics()

        var renamedInstance = Sample.mysql
        renamedInstance.name = "mysql-renamed"
        renamedInstance.datastore = Datastore(type: "MySQL", version: "8.0")
        let changedRDS = Sample.rds(
            "rds-home-1",
            type: .manual,
            status: .failed,
            begin: "2018-08-08T00:00:00+0000",
            name: "changed",
            size: 7,
            associatedWithDDM: true
        )
        let changedDCS = DCSBackup(
            backupID: "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
            instanceID: Sample.redis.id,
            backupName: "renamed",
            backupType: .auto,
            status: .expired,
            size: 1,
            progress: "50.00",
            remark: "changed",
            period: "1:00-2:00",
            errorCode: "dcs.08.0001",
            isSupportRestore: "FALSE",
            createdAt: Sample.time("2019-05-09T00:00:00.001Z"),
            updatedAt: Sample.time("2019-05-09T00:00:00.002Z"),
            executionAt: Sample.time("2019-05-09T00:00:00.003Z")
        )
        let changedTaurus = Sample.taurusDB("tau-2", type: .incremental, begin: "2022-07-11T00:00:00+0800", size: 3.25)
        let changedDDM = Sample.ddmBackup("ddm-1", nodes: [DataNode(instanceID: "n", instanceName: "m")])
        let changedUser = User(domainID: Sample.acme.id, name: "bob", passwordDigest: "new-digest", projectIDs: nil)
        let changedKey = AccessKey(access: Sample.aliceKey.access, domainID: Sample.acme.id, userName: "bob", secret: "sk-new")
        let renamedProject = Project(id: Sample.billing.id, domainID: Sample.acme.id, name: "cn-north-4_finance")
        let renamedDomain = Domain(id: Sample.globex.id, name: "globex-corp")
        try await store.load(
            CatalogContent(
                domains: [renamedDomain],
                projects: [renamedProject],
                users: [changedUser],
                accessKeys: [changedKey],
                instances: [renamedInstance],
                backups: [.rds(changedRDS), .dcs(changedDCS), .taurusdb(changedTaurus), .ddm(changedDDM)]
            ),
            progress: { _ in }
        )
        #expect(try await store.statistics() == statistics)
        // The instance changed, and its backups are still there.
        #expect(
            try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: [Sample.cnNorth4.id]) == renamedInstance
        )
        #expect(try await Self.rdsIDs(store) == (["rds-home-1", "rds-home-2"], 2))
        let home = try await store.rdsBackups(
            RDSBackupQuery(instanceID: Sample.mysql.id, location: .home, page: PageRequest(offset: 0, limit: 10))
        )
        #expect(home.items.first == changedRDS)
        #expect(try await Self.rdsIDs(store, types: [.auto]) == (["rds-home-2"], 1))
        #expect(try await Self.rdsIDs(store, status: .failed) == (["rds-home-1"], 1))
        let dcs = try await store.dcsBackups(
            DCSBackupQuery(instanceID: Sample.redis.id, window: nil, page: PageRequest(offset: 0, limit: 10))
        )
        #expect(dcs.items.map(\.backupID) == ["4631832a-14c6-45b0-a0b3-3abd8f591ad1", "dcs-failed"])
        #expect(dcs.items.first == changedDCS)
        #expect(try await Self.taurusIDs(store) == (["tau-2", "tau-1"], 2))
        #expect(try await Self.taurusIDs(store, type: .auto) == ([], 0))
        #expect(try await store.ddmBackup(id: "ddm-1", instanceID: Sample.ddm.id) == changedDDM)
        #expect(try await store.user(domainID: Sample.acme.id, name: "bob") == changedUser)
        #expect(try await store.accessKey(access: Sample.aliceKey.access) == changedKey)
        #expect(try await store.project(id: Sample.billing.id) == renamedProject)
        #expect(try await store.domain(named: "globex-corp") == renamedDomain)
        #expect(try await store.domain(named: "globex") == nil)
        // Nothing else moved.
        #expect(try await store.user(domainID: Sample.acme.id, name: "alice") == Sample.alice)
        #expect(try await store.project(id: Sample.cnNorth4.id) == Sample.cnNorth4)
    }

    @Test("reads see every completed write", arguments: StoreEngine.all)
    func readsSeeWrites(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.tenancy)
        #expect(try await Self.rdsIDs(store).total == 0)
        for index in 0..<5 {
            try await store.load(
                CatalogContent(backups: [.rds(Sample.rds("r\(index)", begin: "2018-08-0\(index + 1)T00:00:00Z"))]),
                progress: { _ in }
            )
            #expect(try await Self.rdsIDs(store).total == index + 1)
            #expect(try await Self.rdsIDs(store, limit: 1).ids == ["r\(index)"])
        }
    }

    // MARK: - Exports

    @Test("exports give back exactly what was loaded", arguments: StoreEngine.all)
    func exportRoundTrip(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        let tenancy = try await store.exportTenancy()
        #expect(Set(tenancy.domains) == Set(Sample.tenancy.domains))
        #expect(Set(tenancy.projects) == Set(Sample.tenancy.projects))
        #expect(Set(tenancy.users) == Set(Sample.tenancy.users))
        #expect(Set(tenancy.accessKeys) == Set(Sample.tenancy.accessKeys))
        #expect(Set(tenancy.instances) == Set(Sample.tenancy.instances))
        #expect(tenancy.backups.isEmpty)
        let backups = try await Self.exportAllBackups(store, batch: 1000)
        #expect(backups.count == Sample.mixedBackups.count)
        #expect(Set(backups) == Set(Sample.mixedBackups))
        // A copy loaded from the export holds the same catalog.
        var copy = tenancy
        copy.backups = backups
        let second = try await Self.makeStore(engine, with: copy)
        #expect(try await Self.snapshot(second) == Self.snapshot(store))
    }

    @Test("export cursor pages cover every backup exactly once, whatever the batch size", arguments: StoreEngine.all)
    func exportCursorPages(_ engine: StoreEngine) async throws {
        var content = GeneratedCatalog(seed: 99, rdsCount: 60, taurusCount: 25, dcsCount: 30).content
        content.backups += Sample.mixedBackups
        // The same id under two services: the cursor is (service, id), so both are exported.
        content.backups.append(.dcs(Sample.dcs("rds-home-1", created: "2019-05-10T08:31:16.166Z")))
        content.backups.append(.ddm(Sample.ddmBackup("tau-1")))
        let store = try await Self.makeStore(engine, with: content)
        let expected = Set(content.backups)
        #expect(expected.count == content.backups.count)
        var previous: [Backup]?
        for batch in [1, 2, 3, 7, 25, 26, 100, 10_000] {
            let exported = try await Self.exportAllBackups(store, batch: batch)
            #expect(exported.count == expected.count, "batch \(batch)")
            #expect(Set(exported) == expected, "batch \(batch)")
            // The order is stable: every batch size yields the same sequence.
            if let previous { #expect(exported == previous, "batch \(batch)") }
            previous = exported
        }
        // A cursor past the last record yields nothing.
        if let last = previous?.last {
            #expect(try await store.exportBackups(after: BackupCursor(service: last.service, id: last.id), limit: 10).isEmpty)
        }
    }

    @Test("export batches resume after the cursor, within and across services", arguments: StoreEngine.all)
    func exportCursorResumes(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        let all = try await store.exportBackups(after: nil, limit: 1000)
        #expect(all.count == Sample.mixedBackups.count)
        for (index, backup) in all.enumerated() {
            let rest = try await store.exportBackups(after: BackupCursor(service: backup.service, id: backup.id), limit: 1000)
            #expect(rest == Array(all[(index + 1)...]), "after \(backup.service) \(backup.id)")
            let next = try await store.exportBackups(after: BackupCursor(service: backup.service, id: backup.id), limit: 1)
            #expect(next == Array(all[(index + 1)...].prefix(1)))
        }
        // Records of one service come together: the order is service, then id.
        let services = all.map(\.service)
        var seen: [Service] = []
        for service in services where seen.last != service {
            #expect(!seen.contains(service), "services interleave: \(services)")
            seen.append(service)
        }
    }
}
