import BackupdCatalog
import BackupdTestSupport
import Logging
import PostgresNIO
import Testing

@testable import BackupdPostgres

/// Every list keeps a flat cost on PostgreSQL: its page is an index range scan in API order (no
/// sort, no sequential scan) and its total comes from the counters, checked with `EXPLAIN` on a
/// catalog large enough for the planner to care.
@Suite(.enabled(if: TestPostgres.url != nil, "needs scripts/with-postgres"))
struct PostgresPlanTests {
    /// Per service: many small instances (so the counters are a real table) and one large one.
    static let smallInstances = 1_500
    static let backupsPerSmallInstance = 4
    static let backupsOfLargeInstance = 20_000

    @Test func everyListIsAnIndexRangeInAPIOrder() async throws {
        let schema = TestPostgres.newSchema()
        let store = try await TestPostgres.makeStore(schema: schema)
        defer { store.close() }
        try await store.load(Self.catalog()) { _ in }
        _ = try await TestPostgres.sql("VACUUM ANALYZE", schema: schema)

        let page = PageRequest(offset: 100, limit: 100)
        let window = TimeWindow(from: 1_000, through: 200_000)
        let plans: [(String, PostgresQuery)] = [
            ("rds home", store.rdsPageQuery(RDSBackupQuery(instanceID: "rds-7", location: .home, page: page))),
            (
                "rds filtered",
                store.rdsPageQuery(RDSBackupQuery(instanceID: "rds-7", location: .home, types: [.auto], status: .completed, page: page))
            ),
            ("rds window", store.rdsPageQuery(RDSBackupQuery(instanceID: "rds-7", location: .home, window: window, page: page))),
            ("rds offsite", store.rdsPageQuery(RDSBackupQuery(instanceID: "rds-7", location: .offsite(projectID: Self.project), page: page))),
            ("rds by id", store.rdsPageQuery(RDSBackupQuery(instanceID: "rds-7", location: .home, backupID: "rds-7-b42", page: page))),
            ("taurusdb", store.taurusDBPageQuery(TaurusDBBackupQuery(instanceID: "tau-7", window: nil, page: page))),
            ("taurusdb window", store.taurusDBPageQuery(TaurusDBBackupQuery(instanceID: "tau-7", window: window, page: page))),
            ("dcs", store.dcsPageQuery(DCSBackupQuery(instanceID: "dcs-7", window: nil, page: page))),
            ("dcs window", store.dcsPageQuery(DCSBackupQuery(instanceID: "dcs-7", window: window, page: page))),
        ]
        for (name, query) in plans {
            let plan = try await Self.explain(query, schema: schema)
            #expect(!plan.contains("Seq Scan"), "\(name) scans a whole table:\n\(plan)")
            // By id, the page is at most one row found by the primary key: its sort is free.
            #expect(name == "rds by id" || !plan.contains("Sort"), "\(name) sorts instead of reading the index in order:\n\(plan)")
            #expect(plan.contains("_listing") || plan.contains("_pkey"), "\(name) uses no list index:\n\(plan)")
        }
        // The order index's own reads: a range of the listing index, and rows by their handle.
        for (name, sql) in [
            ("rds order", "SELECT begin_key, seq, 0 FROM rds_backups WHERE instance_id = 'rds-7' AND holder = '' ORDER BY begin_key DESC, id"),
            ("rds rows", "SELECT * FROM rds_backups WHERE seq = ANY('{1,2,3}'::bigint[])"),
        ] {
            let plan = try await Self.explain(PostgresQuery(unsafeSQL: sql), schema: schema, setup: PostgresCatalogStore.preferListingIndex)
            #expect(!plan.contains("Seq Scan") && !plan.contains("Sort"), "\(name):\n\(plan)")
        }
    }

    static let project = String(repeating: "b", count: 32)

    static func catalog() -> CatalogContent {
        let domain = Domain(id: String(repeating: "d", count: 32), name: "plans")
        let projects = [
            Project(id: String(repeating: "a", count: 32), domainID: domain.id, name: "cn-north-4"),
            Project(id: project, domainID: domain.id, name: "ap-southeast-1"),
        ]
        var instances: [Instance] = []
        var backups: [Backup] = []
        let datastore = Datastore(type: "MySQL", version: "8.0")
        for n in 0...smallInstances {
            // rds-7, tau-7 and dcs-7 are the large ones.
            let count = n == 7 ? backupsOfLargeInstance : backupsPerSmallInstance
            instances.append(Instance(id: "rds-\(n)", projectID: projects[0].id, service: .rds, name: "r", datastore: datastore))
            instances.append(Instance(id: "tau-\(n)", projectID: projects[0].id, service: .taurusdb, name: "t", datastore: datastore))
            instances.append(Instance(id: "dcs-\(n)", projectID: projects[0].id, service: .dcs, name: "d", engine: "Redis", engineVersion: "5.0"))
            for b in 0..<count {
                let time = RecordedTime(instant: Int64(b) * 600_000, text: "t")
                backups.append(
                    .rds(
                        RDSBackup(
                            id: "rds-\(n)-b\(b)",
                            instanceID: "rds-\(n)",
                            name: "b",
                            type: b % 3 == 0 ? .manual : .auto,
                            status: .completed,
                            size: 1,
                            beginTime: time,
                            endTime: time,
                            databases: nil,
                            associatedWithDDM: nil,
                            datastore: nil,
                            offsiteProjectID: b % 2 == 0 ? nil : project
                        )
                    )
                )
                backups.append(
                    .taurusdb(
                        TaurusDBBackup(
                            id: "tau-\(n)-b\(b)",
                            instanceID: "tau-\(n)",
                            name: "b",
                            type: .incremental,
                            beginTime: time,
                            endTime: time,
                            size: 1
                        )
                    )
                )
                backups.append(
                    .dcs(
                        DCSBackup(
                            backupID: "dcs-\(n)-b\(b)",
                            instanceID: "dcs-\(n)",
                            backupName: "b",
                            backupType: .auto,
                            status: .succeed,
                            size: 1,
                            progress: "100.00",
                            remark: "",
                            period: nil,
                            errorCode: nil,
                            isSupportRestore: "TRUE",
                            createdAt: time,
                            updatedAt: time,
                            executionAt: time
                        )
                    )
                )
            }
        }
        return CatalogContent(domains: [domain], projects: projects, instances: instances, backups: backups)
    }

    /// - Parameter setup: run first, in the same transaction, as the store does.
    static func explain(_ query: PostgresQuery, schema: String, setup: PostgresQuery? = nil) async throws -> String {
        // EXPLAIN takes the same parameters: the plan is the one the store's statement gets.
        try await TestPostgres.withConnection(schema: schema) { connection, logger in
            var lines: [String] = []
            try await connection.query("BEGIN", logger: logger)
            if let setup { try await connection.query(setup, logger: logger) }
            let explain = PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds)
            for try await row in try await connection.query(explain, logger: logger) {
                lines.append(try row.decode(String.self))
            }
            return lines.joined(separator: "\n")
        }
    }
}
