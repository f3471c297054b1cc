import BackupdCatalog
import BackupdTestSupport
import Testing

/// Totals must equal the number of matching records after any sequence of writes, whether an
/// engine counts them on each read or keeps them up to date as records change (the SQLite
/// engine keeps counters in triggers). Each step rewrites records so that they move between
/// types, statuses, holders and instances, and every total is checked against a count of the
/// reference semantics (`matches`).
extension CatalogStoreConformance {
    @Test("totals stay exact while records change type, status, holder and instance", arguments: StoreEngine.all)
    func totalsFollowUpserts(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.tenancy)
        var current: [String: RDSBackup] = [:]
        var taurus: [String: TaurusDBBackup] = [:]
        var random = SplitMix(seed: 42)
        let holders: [Project?] = [nil, Sample.apSoutheast1]
        let instances = [Sample.mysql, Sample.postgres]
        for step in 0..<6 {
            var batch: [Backup] = []
            for index in 0..<40 {
                let id = "bk\(index % 30)"
                let backup = Sample.rds(
                    id,
                    of: instances[Int(random.next() % 2)],
                    type: RDSBackupType.allCases[Int(random.next() % 4)],
                    status: RDSBackupStatus.allCases[Int(random.next() % 4)],
                    begin: "2024-01-0\(1 + step)T00:00:\(10 + index)+0000",
                    offsite: holders[Int(random.next() % 2)]
                )
                current[id] = backup
                batch.append(.rds(backup))
                let taurusBackup = Sample.taurusDB(
                    "tb\(index % 25)",
                    type: TaurusDBBackupType.allCases[Int(random.next() % 3)],
                    begin: "2024-01-0\(1 + step)T00:00:\(10 + index)+0000"
                )
                taurus[taurusBackup.id] = taurusBackup
                batch.append(.taurusdb(taurusBackup))
            }
            try await store.load(CatalogContent(backups: batch), progress: { _ in })

            for instance in instances {
                for location in [RDSBackupLocation.home, .offsite(projectID: Sample.apSoutheast1.id)] {
                    for types in [nil, Set([RDSBackupType.auto, .manual]), [.incremental]] as [Set<RDSBackupType>?] {
                        for status in [nil] + RDSBackupStatus.allCases.map(Optional.some) {
                            let query = RDSBackupQuery(
                                instanceID: instance.id,
                                location: location,
                                types: types,
                                status: status,
                                page: PageRequest(offset: 0, limit: 1)
                            )
                            let expected = current.values.filter(query.matches).count
                            #expect(try await store.rdsBackups(query).total == expected, "step \(step) \(query)")
                        }
                    }
                }
            }
            for type in TaurusDBBackupType.allCases {
                let query = TaurusDBBackupQuery(
                    instanceID: Sample.taurus.id,
                    type: type,
                    window: nil,
                    page: PageRequest(offset: 0, limit: 1)
                )
                #expect(try await store.taurusDBBackups(query).total == taurus.values.filter(query.matches).count)
            }
        }
    }
}

/// A small deterministic generator, so that the sequence of writes is the same on every run.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
