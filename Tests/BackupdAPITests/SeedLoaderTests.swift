import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdTestSupport
import Testing

/// Seed files (`docs/seed-format.md`): whole-or-nothing loads with record paths in errors,
/// idempotent reloads, exact export round trips, no secrets out, additive seeds.
@Suite struct SeedLoaderTests {
    // MARK: - A small valid seed, distinct from the example seed

    static let initechID = "0123456789abcdef0123456789abcdef"
    static let hooliID = "fedcba9876543210fedcba9876543210"
    static let euWest0 = "a0000000000000000000000000000001"
    static let euWest101 = "a0000000000000000000000000000002"
    static let stapler = "a0000000000000000000000000000003"  // eu-west-0_stapler: same region as euWest0
    static let hooliEuWest101 = "b0000000000000000000000000000001"

    static let password = "Secr3t!peter-PLAINTEXT"
    static let secretKey = "SKinitechSecretKey0001-PLAINTEXT"

    static let peter = """
        {"name": "peter", "password": "\(password)", "projects": ["\(euWest0)"],
         "access_keys": [{"access": "AKINITECH0001", "secret": "\(secretKey)"}]}
        """
    static let milton = #"{"name": "milton"}"#
    static let initechProjects = [
        #"{"id": "\#(euWest0)", "name": "eu-west-0"}"#,
        #"{"id": "\#(euWest101)", "name": "eu-west-101"}"#,
        #"{"id": "\#(stapler)", "name": "eu-west-0_stapler"}"#,
    ]

    static func domain(
        name: String = "initech",
        id: String? = initechID,
        users: [String] = [peter, milton],
        projects: [String] = initechProjects,
        extra: String = ""
    ) -> String {
        let idMember = id.map { #""id": "\#($0)", "# } ?? ""
        return
            #"{"name": "\#(name)", \#(idMember)"users": [\#(users.joined(separator: ", "))], "projects": [\#(projects.joined(separator: ", "))]\#(extra)}"#
    }

    static let hooli = domain(name: "hooli", id: hooliID, users: [], projects: [#"{"id": "\#(hooliEuWest101)", "name": "eu-west-101"}"#])

    static let instances = [
        #"{"id": "it-rds-1", "project_id": "\#(euWest0)", "service": "rds", "name": "rds", "datastore": {"type": "MySQL", "version": "8.0"}}"#,
        #"{"id": "it-tau-1", "project_id": "\#(euWest0)", "service": "taurusdb", "name": "tau", "datastore": {"type": "gaussdb-mysql", "version": "8.0"}}"#,
        #"{"id": "it-dcs-1", "project_id": "\#(euWest0)", "service": "dcs", "name": "dcs", "engine": "Redis", "engine_version": "6.0"}"#,
        #"{"id": "it-ddm-1", "project_id": "\#(euWest0)", "service": "ddm", "name": "ddm", "related_data_nodes": [{"instance_id": "it-rds-1", "instance_name": "rds"}]}"#,
        #"{"id": "it-sql-1", "project_id": "\#(euWest0)", "service": "rds", "name": "sql", "datastore": {"type": "sqlserver", "version": "2019_SE"}}"#,
    ]

    static func rdsBackup(
        id: String = "it-rds-b1",
        type: String = #""auto""#,
        status: String = #""COMPLETED""#,
        size: String = "10",
        begin: String = #""2018-08-06T12:41:14+0800""#,
        end: String = #""2018-08-06T12:43:14+0800""#,
        extra: String = ""
    ) -> String {
        #"{"instance_id": "it-rds-1", "id": "\#(id)", "name": "b1", "type": \#(type), "status": \#(status), "size": \#(size), "begin_time": \#(begin), "end_time": \#(end), "associated_with_ddm": false\#(extra)}"#
    }

    static func offsiteBackup(offsite: String = euWest101) -> String {
        #"{"instance_id": "it-rds-1", "id": "it-rds-b2", "name": "b2", "type": "auto", "status": "COMPLETED", "size": 20, "begin_time": "2018-08-07T12:41:14+0800", "end_time": "2018-08-07T12:43:14+0800", "offsite_project_id": "\#(offsite)"}"#
    }

    static func taurusBackup(type: String = #""incremental""#, size: String = "0.109375", extra: String = "") -> String {
        #"{"instance_id": "it-tau-1", "id": "it-tau-b1", "name": "t1", "type": \#(type), "begin_time": "2022-07-07T12:41:14+0800", "end_time": "2022-07-08T12:45:14+0800", "size": \#(size)\#(extra)}"#
    }

    static func ddmBackup(
        begin: String = #""2025-05-20T05:40:00+0800""#,
        end: String = #""2025-05-20T05:41:30+0800""#,
        id: String = "it-ddm-b1"
    ) -> String {
        #"{"instance_id": "it-ddm-1", "id": "\#(id)", "name": "d1", "begin_time": \#(begin), "end_time": \#(end)}"#
    }

    static func dcsBackup(
        id: String = "it-dcs-b1",
        status: String = #""succeed""#,
        type: String = #""manual""#,
        size: String = "880232",
        created: String = #""2019-05-10T08:31:16.166Z""#,
        updated: String = #""2019-05-10T08:32:30.546Z""#,
        errorCode: String = "null",
        restore: String = #""TRUE""#,
        extra: String = ""
    ) -> String {
        #"{"instance_id": "it-dcs-1", "backup_id": "\#(id)", "backup_name": "n", "backup_type": \#(type), "status": \#(status), "size": \#(size), "progress": "100.00", "remark": "", "period": null, "error_code": \#(errorCode), "is_support_restore": \#(restore), "created_at": \#(created), "updated_at": \#(updated), "execution_at": "2019-05-10T08:31:21.461Z"\#(extra)}"#
    }

    static let sqlServerBackup =
        #"{"instance_id": "it-sql-1", "id": "it-sql-b1", "name": "s1", "type": "manual", "status": "COMPLETED", "size": 30, "begin_time": "2022-12-01T06:20:00+0000", "end_time": "2022-12-01T06:24:11+0000", "databases": [{"name": "db_sales"}]}"#

    /// backups[0] rds, [1] rds offsite, [2] taurusdb, [3] ddm, [4] dcs, [5] rds SQL Server.
    static let backups = [rdsBackup(), offsiteBackup(), taurusBackup(), ddmBackup(), dcsBackup(), sqlServerBackup]

    static func seed(
        domains: [String] = [domain(), hooli],
        instances: [String] = instances,
        backups: [String] = backups,
        extra: String = ""
    ) -> String {
        """
        {"domains": [\(domains.joined(separator: ",\n"))],
         "instances": [\(instances.joined(separator: ",\n"))],
         "backups": [\(backups.joined(separator: ",\n"))]\(extra)}
        """
    }

    static func replacing<T>(_ list: [T], at index: Int, with value: T) -> [T] {
        var copy = list
        copy[index] = value
        return copy
    }

    /// A store of the example seed.
    static func exampleStore() async throws -> any CatalogStore {
        try await Fixtures.exampleStore(.sqliteMemory)
    }

    // MARK: - The valid seeds

    @Test("the small seed used below is valid and loads into the example store")
    func baseSeedLoads() async throws {
        let store = try await Self.exampleStore()
        let before = try await store.statistics()
        let summary = try await Fixtures.load(Self.seed(), into: store)
        #expect(summary.domains == 2 && summary.projects == 4 && summary.users == 2 && summary.accessKeys == 1)
        #expect(summary.instances == 5 && summary.backups == 6 && summary.records == 20)
        let after = try await store.statistics()
        #expect(after.domains == before.domains + 2)
        #expect(after.backups == before.backups + 6)
        #expect(try await store.instance(id: "it-dcs-1", service: .dcs, inAnyOf: [Self.euWest0])?.engine == "Redis")
        let offsite = try await store.rdsBackups(
            RDSBackupQuery(instanceID: "it-rds-1", location: .offsite(projectID: Self.euWest101), page: PageRequest(offset: 0, limit: 10))
        )
        #expect(offsite.items.map(\.id) == ["it-rds-b2"])
        #expect(try await store.user(domainID: Self.initechID, name: "peter")?.projectIDs == [Self.euWest0])
        #expect(try await store.user(domainID: Self.initechID, name: "milton")?.projectIDs == nil)
        #expect(try await store.accessKey(access: "AKINITECH0001")?.secret == Self.secretKey)
    }

    @Test("the example seed loads with the documented counts")
    func exampleSeedCounts() async throws {
        let store = try await StoreEngine.sqliteMemory.makeStore()
        let summary = try await SeedLoader(store: store, hasher: Fixtures.fastHasher).load(Fixtures.exampleSeed)
        #expect(summary.domains == 2)
        #expect(summary.projects == 6)
        #expect(summary.users == 3)
        #expect(summary.accessKeys == 3)
        #expect(summary.instances == 10)
        #expect(summary.backups == 67)
        #expect(
            try await store.statistics()
                == CatalogStatistics(domains: 2, projects: 6, users: 3, accessKeys: 3, instances: 10, backups: 67)
        )
    }

    // MARK: - Broken seeds

    struct BrokenSeed: Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        /// The record path the error must name; empty for the document itself.
        let path: String
        var testDescription: String { name }
    }

    static let brokenSeeds: [BrokenSeed] = [
        // Times
        BrokenSeed(
            name: "an unparsable begin_time (Feb 30)",
            json: seed(backups: replacing(backups, at: 3, with: ddmBackup(begin: #""2018-02-30T00:00:00+0800""#))),
            path: "backups[3].begin_time"
        ),
        BrokenSeed(
            name: "an end_time with a colon in the offset",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(end: #""2018-08-06T12:43:14+08:00""#))),
            path: "backups[0].end_time"
        ),
        BrokenSeed(
            name: "a begin_time without offset",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(begin: #""2018-08-06T12:41:14""#))),
            path: "backups[0].begin_time"
        ),
        BrokenSeed(
            name: "a DDM end_time with a lower-case t",
            json: seed(backups: replacing(backups, at: 3, with: ddmBackup(end: #""2025-05-20t05:41:30+0800""#))),
            path: "backups[3].end_time"
        ),
        BrokenSeed(
            name: "a DCS created_at without milliseconds",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(created: #""2019-05-10T08:31:16Z""#))),
            path: "backups[4].created_at"
        ),
        BrokenSeed(
            name: "a DCS updated_at with an offset instead of Z",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(updated: #""2019-05-10T08:32:30.546+0000""#))),
            path: "backups[4].updated_at"
        ),
        BrokenSeed(
            name: "a time given as a number",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(begin: "1533530474"))),
            path: "backups[0].begin_time"
        ),
        // References
        BrokenSeed(
            name: "an instance in an unknown project",
            json: seed(
                instances: replacing(
                    instances,
                    at: 1,
                    with:
                        #"{"id": "it-tau-1", "project_id": "c0000000000000000000000000000009", "service": "taurusdb", "name": "tau", "datastore": {"type": "gaussdb-mysql", "version": "8.0"}}"#
                )
            ),
            path: "instances[1].project_id"
        ),
        BrokenSeed(
            name: "a backup of an unknown instance",
            json: seed(
                backups: backups + [
                    #"{"instance_id": "no-such-instance", "id": "x", "name": "x", "type": "auto", "status": "COMPLETED", "size": 1, "begin_time": "2018-08-06T12:41:14+0800", "end_time": "2018-08-06T12:41:14+0800"}"#
                ]
            ),
            path: "backups[6].instance_id"
        ),
        BrokenSeed(
            name: "a user allowed a project of another domain",
            json: seed(domains: [
                domain(users: [peter.replacing(euWest0, with: hooliEuWest101), milton]), hooli,
            ]),
            path: "domains[0].users[0].projects[0]"
        ),
        BrokenSeed(
            name: "a user allowed an unknown project",
            json: seed(domains: [domain(users: [milton, #"{"name": "x", "projects": ["\#(euWest0)", "c0000000000000000000000000000009"]}"#]), hooli]),
            path: "domains[0].users[1].projects[1]"
        ),
        BrokenSeed(
            name: "a user's project given as a number",
            json: seed(domains: [domain(users: [#"{"name": "x", "projects": [5]}"#]), hooli]),
            path: "domains[0].users[0].projects[0]"
        ),
        // Unknown fields for the service
        BrokenSeed(
            name: "an RDS backup with a DCS field",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(extra: #", "backup_id": "x""#))),
            path: "backups[0].backup_id"
        ),
        BrokenSeed(
            name: "a TaurusDB backup with an RDS field",
            json: seed(backups: replacing(backups, at: 2, with: taurusBackup(extra: #", "status": "COMPLETED""#))),
            path: "backups[2].status"
        ),
        BrokenSeed(
            name: "a DCS backup with an id field",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(extra: #", "id": "x""#))),
            path: "backups[4].id"
        ),
        BrokenSeed(
            name: "a DCS instance with a datastore",
            json: seed(
                instances: replacing(
                    instances,
                    at: 2,
                    with:
                        #"{"id": "it-dcs-1", "project_id": "\#(euWest0)", "service": "dcs", "name": "dcs", "datastore": {"type": "Redis", "version": "6.0"}}"#
                )
            ),
            path: "instances[2].datastore"
        ),
        BrokenSeed(
            name: "a DDM instance with an engine",
            json: seed(
                instances: replacing(
                    instances,
                    at: 3,
                    with: #"{"id": "it-ddm-1", "project_id": "\#(euWest0)", "service": "ddm", "name": "ddm", "engine": "x"}"#
                )
            ),
            path: "instances[3].engine"
        ),
        BrokenSeed(
            name: "an RDS instance without a datastore",
            json: seed(
                instances: replacing(
                    instances,
                    at: 0,
                    with: #"{"id": "it-rds-1", "project_id": "\#(euWest0)", "service": "rds", "name": "rds"}"#
                )
            ),
            path: "instances[0].datastore"
        ),
        BrokenSeed(name: "an unknown top-level key", json: seed(extra: #", "extra": []"#), path: "extra"),
        BrokenSeed(
            name: "an unknown domain field",
            json: seed(domains: [domain(extra: #", "region": "x""#), hooli]),
            path: "domains[0].region"
        ),
        BrokenSeed(
            name: "databases on a MySQL backup",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(extra: #", "databases": [{"name": "d"}]"#))),
            path: "backups[0].databases"
        ),
        // Duplicates
        BrokenSeed(
            name: "two instances with one id",
            json: seed(instances: instances + [#"{"id": "it-rds-1", "project_id": "\#(euWest0)", "service": "dcs", "name": "again"}"#]),
            path: "instances[5].id"
        ),
        BrokenSeed(
            name: "two RDS backups with one id",
            json: seed(backups: backups + [rdsBackup(begin: #""2018-08-09T12:41:14+0800""#)]),
            path: "backups[6].id"
        ),
        BrokenSeed(
            name: "two DCS backups with one backup_id",
            json: seed(backups: backups + [dcsBackup()]),
            path: "backups[6].backup_id"
        ),
        BrokenSeed(
            name: "a DDM backup reusing an RDS backup id",
            json: seed(backups: backups + [ddmBackup(id: "it-rds-b1")]),
            path: "backups[6].id"
        ),
        BrokenSeed(
            name: "one key twice in one object",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(extra: #", "id": "again""#))),
            path: "backups[0].id"
        ),
        BrokenSeed(
            name: "one project id in two domains",
            json: seed(domains: [
                domain(), domain(name: "hooli", id: hooliID, users: [], projects: [#"{"id": "\#(euWest0)", "name": "eu-west-0"}"#]),
            ]),
            path: "domains[1].projects[0].id"
        ),
        BrokenSeed(
            name: "two domains with one name",
            json: seed(domains: [domain(), domain(id: hooliID, users: [], projects: [])]),
            path: "domains[1].name"
        ),
        BrokenSeed(
            name: "two domains with one id",
            json: seed(domains: [domain(), domain(name: "hooli", users: [], projects: [])]),
            path: "domains[1].id"
        ),
        BrokenSeed(
            name: "two users with one name",
            json: seed(domains: [domain(users: [peter, milton, milton]), hooli]),
            path: "domains[0].users[2].name"
        ),
        BrokenSeed(
            name: "one access key for two users",
            json: seed(domains: [
                domain(users: [peter, #"{"name": "milton", "access_keys": [{"access": "AKINITECH0001", "secret": "x"}]}"#]), hooli,
            ]),
            path: "domains[0].users[1].access_keys[0].access"
        ),
        // Offsite copies
        BrokenSeed(
            name: "an offsite copy in the instance's own region (a sub-project)",
            json: seed(backups: replacing(backups, at: 1, with: offsiteBackup(offsite: stapler))),
            path: "backups[1].offsite_project_id"
        ),
        BrokenSeed(
            name: "an offsite copy in the instance's own project",
            json: seed(backups: replacing(backups, at: 1, with: offsiteBackup(offsite: euWest0))),
            path: "backups[1].offsite_project_id"
        ),
        BrokenSeed(
            name: "an offsite copy in another domain",
            json: seed(backups: replacing(backups, at: 1, with: offsiteBackup(offsite: hooliEuWest101))),
            path: "backups[1].offsite_project_id"
        ),
        BrokenSeed(
            name: "an offsite copy in an unknown project",
            json: seed(backups: replacing(backups, at: 1, with: offsiteBackup(offsite: "c0000000000000000000000000000009"))),
            path: "backups[1].offsite_project_id"
        ),
        // Enumerations
        BrokenSeed(
            name: "an RDS type in the wrong case",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(type: #""Auto""#))),
            path: "backups[0].type"
        ),
        BrokenSeed(
            name: "an unknown RDS status",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(status: #""DELETED""#))),
            path: "backups[0].status"
        ),
        BrokenSeed(
            name: "a TaurusDB type RDS has but TaurusDB not",
            json: seed(backups: replacing(backups, at: 2, with: taurusBackup(type: #""fragment""#))),
            path: "backups[2].type"
        ),
        BrokenSeed(
            name: "an unknown DCS status",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(status: #""success""#))),
            path: "backups[4].status"
        ),
        BrokenSeed(
            name: "a DCS backup_type in the wrong case",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(type: #""Manual""#))),
            path: "backups[4].backup_type"
        ),
        BrokenSeed(
            name: "is_support_restore in lower case",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(restore: #""true""#))),
            path: "backups[4].is_support_restore"
        ),
        BrokenSeed(
            name: "an unknown DCS error code",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(errorCode: #""dcs.08.0009""#))),
            path: "backups[4].error_code"
        ),
        BrokenSeed(
            name: "an unknown service",
            json: seed(
                instances: replacing(
                    instances,
                    at: 2,
                    with: #"{"id": "it-dcs-1", "project_id": "\#(euWest0)", "service": "redis", "name": "dcs"}"#
                )
            ),
            path: "instances[2].service"
        ),
        BrokenSeed(
            name: "an RDS type given as a number",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(type: "1"))),
            path: "backups[0].type"
        ),
        // Sizes
        BrokenSeed(
            name: "a negative RDS size",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(size: "-1"))),
            path: "backups[0].size"
        ),
        BrokenSeed(
            name: "a negative TaurusDB size",
            json: seed(backups: replacing(backups, at: 2, with: taurusBackup(size: "-0.5"))),
            path: "backups[2].size"
        ),
        BrokenSeed(
            name: "a negative DCS size",
            json: seed(backups: replacing(backups, at: 4, with: dcsBackup(size: "-1"))),
            path: "backups[4].size"
        ),
        BrokenSeed(
            name: "a fractional RDS size",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(size: "1.5"))),
            path: "backups[0].size"
        ),
        BrokenSeed(
            name: "a size given as a string",
            json: seed(backups: replacing(backups, at: 2, with: taurusBackup(size: #""2048""#))),
            path: "backups[2].size"
        ),
        // Missing and malformed values
        BrokenSeed(
            name: "an RDS backup without a name",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup().replacing(#""name": "b1", "#, with: ""))),
            path: "backups[0].name"
        ),
        BrokenSeed(
            name: "an empty backup id",
            json: seed(backups: replacing(backups, at: 0, with: rdsBackup(id: ""))),
            path: "backups[0].id"
        ),
        BrokenSeed(
            name: "a project id in upper case",
            json: seed(domains: [
                domain(projects: initechProjects + [#"{"id": "A0000000000000000000000000000004", "name": "eu-west-2"}"#]), hooli,
            ]),
            path: "domains[0].projects[3].id"
        ),
        BrokenSeed(
            name: "a project name that is no region id",
            json: seed(domains: [domain(projects: initechProjects + [#"{"id": "a0000000000000000000000000000004", "name": "EU West"}"#]), hooli]),
            path: "domains[0].projects[3].name"
        ),
        BrokenSeed(
            name: "a domain id that is not 32 hex digits",
            json: seed(domains: [domain(id: "0123456789abcdef"), hooli]),
            path: "domains[0].id"
        ),
        BrokenSeed(
            name: "a domain without a name",
            json: seed(domains: [#"{"id": "\#(initechID)"}"#, hooli]),
            path: "domains[0].name"
        ),
        BrokenSeed(name: "backups that are not an array", json: #"{"backups": {}}"#, path: "backups"),
        BrokenSeed(name: "a backup that is not an object", json: seed(backups: backups + ["[]"]), path: "backups[6]"),
        // Not JSON
        BrokenSeed(name: "invalid JSON", json: seed() + ",", path: ""),
        BrokenSeed(name: "a truncated document", json: String(seed().dropLast(20)), path: ""),
        BrokenSeed(name: "a document that is not an object", json: "[]", path: ""),
    ]

    @Test("a broken seed is rejected whole, naming the record, and the store is unchanged", arguments: brokenSeeds)
    func brokenSeedRejected(_ broken: BrokenSeed) async throws {
        let store = try await Self.exampleStore()
        let before = try await Fixtures.export(store)
        let statistics = try await store.statistics()
        let error = await #expect(throws: SeedError.self) { try await Fixtures.load(broken.json, into: store) }
        #expect(error?.path == broken.path, "\(String(describing: error))")
        #expect(error?.rule.isEmpty == false)
        if let error, !broken.path.isEmpty {
            #expect(error.description.hasPrefix(broken.path + ": "))
        }
        #expect(try await Fixtures.export(store) == before)
        #expect(try await store.statistics() == statistics)
        // Errors never carry secrets.
        if let error {
            #expect(!error.description.contains(Self.password))
            #expect(!error.description.contains(Self.secretKey))
        }
    }

    @Test("a JSON syntax error reports its line and column")
    func syntaxErrorPosition() async throws {
        let store = try await StoreEngine.sqliteMemory.makeStore()
        let error = await #expect(throws: SeedError.self) {
            try await Fixtures.load("{\n  \"domains\": [\n    oops\n  ]\n}", into: store)
        }
        #expect(error?.path == "")
        #expect(error?.description.contains("line 3, column 5") == true, "\(String(describing: error))")
    }

    @Test("a seed that breaks a rule late is rejected before any of its valid records are written")
    func rejectedWhole() async throws {
        let store = try await StoreEngine.sqliteMemory.makeStore()
        let broken = Self.seed(backups: Self.backups + [Self.rdsBackup(id: "late", size: "-5")])
        await #expect(throws: SeedError.self) { try await Fixtures.load(broken, into: store) }
        #expect(
            try await store.statistics()
                == CatalogStatistics(domains: 0, projects: 0, users: 0, accessKeys: 0, instances: 0, backups: 0)
        )
    }

    @Test("a seed the store itself refuses is rejected whole too")
    func storeRefusalIsAtomic() async throws {
        let store = try await Self.exampleStore()
        let before = try await Fixtures.export(store)
        // Two projects of one domain with one name.
        let json = Self.seed(domains: [
            Self.domain(projects: Self.initechProjects + [#"{"id": "a0000000000000000000000000000004", "name": "eu-west-0"}"#]),
            Self.hooli,
        ])
        let statistics = try await store.statistics()
        do {
            try await Fixtures.load(json, into: store)
            // Accepted: then all of it was written.
            #expect(try await store.statistics().instances == statistics.instances + 5)
        } catch {
            #expect(try await Fixtures.export(store) == before, "\(error)")
            #expect(try await store.statistics() == statistics)
        }
    }

    // MARK: - Idempotence and round trips

    @Test("loading the example seed twice equals loading it once")
    func exampleTwice() async throws {
        let once = try await Self.exampleStore()
        let twice = try await Self.exampleStore()
        let exportOnce = try await Fixtures.export(twice)
        try await SeedLoader(store: twice, hasher: Fixtures.fastHasher).load(Fixtures.exampleSeed)
        #expect(try await Fixtures.export(twice) == exportOnce)
        #expect(try await Fixtures.export(once) == Fixtures.export(twice))
        #expect(try await once.statistics() == twice.statistics())
    }

    @Test("reloading a seed keeps password digests and secrets as they are")
    func reloadKeepsCredentials() async throws {
        let store = try await Self.exampleStore()
        let digest = try await store.user(domainID: Fixtures.Acme.domainID, name: "alice")?.passwordDigest
        try await SeedLoader(store: store, hasher: Fixtures.fastHasher).load(Fixtures.exampleSeed)
        #expect(try await store.user(domainID: Fixtures.Acme.domainID, name: "alice")?.passwordDigest == digest)
        // Reloading the export (which has neither passwords nor secrets) keeps both.
        let export = try await Fixtures.export(store)
        try await Fixtures.load(export, into: store)
        #expect(try await store.user(domainID: Fixtures.Acme.domainID, name: "alice")?.passwordDigest == digest)
        #expect(
            try await store.accessKey(access: "HPUAEXAMPLEAK0000001")?.secret == "exampleSecretKey0000000000000000000000001"
        )
    }

    @Test("passwords are stored as digests that verify, never in clear")
    func passwordDigests() async throws {
        let store = try await Self.exampleStore()
        let digest = try #require(try await store.user(domainID: Fixtures.Acme.domainID, name: "alice")?.passwordDigest)
        #expect(digest != "Passw0rd!alice")
        #expect(!digest.contains("Passw0rd"))
        #expect(Fixtures.fastHasher.verify("Passw0rd!alice", against: digest))
        #expect(!Fixtures.fastHasher.verify("Passw0rd!bob", against: digest))
        // A changed password replaces the digest.
        try await Fixtures.load(
            #"{"domains": [{"name": "acme", "users": [{"name": "alice", "password": "new-password"}]}]}"#,
            into: store
        )
        let changed = try #require(try await store.user(domainID: Fixtures.Acme.domainID, name: "alice")?.passwordDigest)
        #expect(Fixtures.fastHasher.verify("new-password", against: changed))
        #expect(!Fixtures.fastHasher.verify("Passw0rd!alice", against: changed))
    }

    @Test("an export seeded into an empty store round-trips exactly")
    func exportRoundTrip() async throws {
        let original = try await Self.exampleStore()
        try await Fixtures.load(Self.seed(), into: original)
        let export = try await Fixtures.export(original)
        let copy = try await StoreEngine.sqliteMemory.makeStore()
        try await Fixtures.load(export, into: copy)
        #expect(try await Fixtures.export(copy) == export)
        #expect(try await copy.statistics() == original.statistics())
        // The copy answers the lists the same way.
        let query = RDSBackupQuery(
            instanceID: Fixtures.Acme.mysqlInstance,
            location: .home,
            page: PageRequest(offset: 0, limit: 100)
        )
        #expect(try await copy.rdsBackups(query) == original.rdsBackups(query))
        let taurus = TaurusDBBackupQuery(
            instanceID: Fixtures.Acme.taurusInstance,
            window: nil,
            page: PageRequest(offset: 0, limit: 100)
        )
        #expect(try await copy.taurusDBBackups(taurus) == original.taurusDBBackups(taurus))
        // The export is itself valid JSON with the three top-level keys.
        let parsed = try JSONValue(parsing: export)
        #expect(parsed["domains"] != nil && parsed["instances"] != nil && parsed["backups"] != nil)
    }

    @Test("passwords and secret keys never appear in an export")
    func exportHasNoSecrets() async throws {
        let store = try await Self.exampleStore()
        try await Fixtures.load(Self.seed(), into: store)
        let export = try await Fixtures.export(store)
        for secret in [
            "Passw0rd!alice", "Passw0rd!bob", "Passw0rd!carol", "exampleSecretKey", Self.password, Self.secretKey,
            "\"password\"", "\"secret\"", "pbkdf2",
        ] {
            #expect(!export.contains(secret), "\(secret) in the export")
        }
        let digest = try await store.user(domainID: Fixtures.Acme.domainID, name: "alice")?.passwordDigest
        #expect(digest != nil)
        if let digest { #expect(!export.contains(digest)) }
        // The access keys themselves (not secret) are kept.
        #expect(export.contains("HPUAEXAMPLEAK0000001"))
        #expect(export.contains("AKINITECH0001"))
    }

    // MARK: - Additive seeds

    @Test("a seed may reference instances, projects and domains already in the store")
    func additiveSeed() async throws {
        let store = try await Self.exampleStore()
        let before = try await store.statistics()
        let json = """
            {"domains": [{"name": "acme", "users": [{"name": "dave", "projects": ["\(Fixtures.Acme.cnNorth4)"]}]}],
             "instances": [{"id": "added-dcs", "project_id": "\(Fixtures.Acme.cnNorth4)", "service": "dcs", "name": "added", "engine": "Redis", "engine_version": "6.0"}],
             "backups": [
              {"instance_id": "\(Fixtures.Acme.mysqlInstance)", "id": "added-rds", "name": "a", "type": "auto", "status": "COMPLETED", "size": 1, "begin_time": "2030-01-01T00:00:00+0800", "end_time": "2030-01-01T00:01:00+0800", "associated_with_ddm": true},
              {"instance_id": "\(Fixtures.Acme.taurusInstance)", "id": "added-tau", "name": "t", "type": "incremental", "begin_time": "2030-01-01T00:00:00+0800", "end_time": "2030-01-01T00:01:00+0800", "size": 2048},
              {"instance_id": "\(Fixtures.Acme.redisInstance)", "backup_id": "added-dcs-1", "backup_name": "n", "backup_type": "auto", "status": "succeed", "size": 1, "progress": "100.00", "remark": "", "period": null, "error_code": null, "is_support_restore": "TRUE", "created_at": "2030-01-01T00:00:00.000Z", "updated_at": "2030-01-01T00:00:00.000Z", "execution_at": "2030-01-01T00:00:00.000Z"},
              {"instance_id": "added-dcs", "backup_id": "added-dcs-2", "backup_name": "n", "backup_type": "auto", "status": "succeed", "size": 1, "progress": "100.00", "remark": "", "period": null, "error_code": null, "is_support_restore": "TRUE", "created_at": "2030-01-01T00:00:00.000Z", "updated_at": "2030-01-01T00:00:00.000Z", "execution_at": "2030-01-01T00:00:00.000Z"},
              {"instance_id": "\(Fixtures.Acme.ddmInstance)", "id": "added-ddm", "name": "d", "begin_time": "2030-01-01T00:00:00+0800", "end_time": "2030-01-01T00:01:00+0800"}
             ]}
            """
        try await Fixtures.load(json, into: store)
        let after = try await store.statistics()
        #expect(after.domains == before.domains)
        #expect(after.users == before.users + 1)
        #expect(after.instances == before.instances + 1)
        #expect(after.backups == before.backups + 5)
        #expect(try await store.domain(named: "acme")?.id == Fixtures.Acme.domainID)
        #expect(try await store.user(domainID: Fixtures.Acme.domainID, name: "dave")?.projectIDs == [Fixtures.Acme.cnNorth4])
        // The existing users are untouched.
        #expect(try await store.user(domainID: Fixtures.Acme.domainID, name: "bob")?.projectIDs == [Fixtures.Acme.cnNorth4])
        let newest = try await store.rdsBackups(
            RDSBackupQuery(instanceID: Fixtures.Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 1))
        )
        #expect(newest.items.map(\.id) == ["added-rds"])
        #expect(try await store.ddmBackup(id: "added-ddm", instanceID: Fixtures.Acme.ddmInstance)?.name == "d")
    }

    @Test("an additive seed may hold an offsite copy of an instance already in the store")
    func additiveOffsiteCopy() async throws {
        let store = try await Self.exampleStore()
        // The SQL Server instance lives in ap-southeast-1; its copies are held in cn-north-4.
        let json = """
            {"backups": [{"instance_id": "\(Fixtures.Acme.sqlServerInstance)", "id": "added-offsite", "name": "o", "type": "auto", "status": "COMPLETED", "size": 1, "begin_time": "2022-12-04T00:00:00+0000", "end_time": "2022-12-04T00:01:00+0000", "offsite_project_id": "\(Fixtures.Acme.cnNorth4)"}]}
            """
        try await Fixtures.load(json, into: store)
        let copies = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: Fixtures.Acme.sqlServerInstance,
                location: .offsite(projectID: Fixtures.Acme.cnNorth4),
                page: PageRequest(offset: 0, limit: 10)
            )
        )
        #expect(copies.items.first?.id == "added-offsite")
        #expect(copies.total == 4)
    }

    @Test("an additive offsite copy in the stored instance's own region or another domain is refused")
    func additiveOffsiteRules() async throws {
        let store = try await Self.exampleStore()
        let before = try await Fixtures.export(store)
        for (holder, _) in [(Fixtures.Acme.apSoutheast1, "own region"), (Fixtures.Globex.cnNorth4, "another domain")] {
            let json = """
                {"backups": [{"instance_id": "\(Fixtures.Acme.sqlServerInstance)", "id": "added-offsite", "name": "o", "type": "auto", "status": "COMPLETED", "size": 1, "begin_time": "2022-12-04T00:00:00+0000", "end_time": "2022-12-04T00:01:00+0000", "offsite_project_id": "\(holder)"}]}
                """
            let error = await #expect(throws: SeedError.self) { try await Fixtures.load(json, into: store) }
            #expect(error?.path == "backups[0].offsite_project_id")
        }
        #expect(try await Fixtures.export(store) == before)
    }

    /// Ids are compared by their bytes (`docs/api.md` §1.9, "exact match"); the store keeps both.
    @Test("ids that differ in bytes are different ids, even when Unicode calls them equivalent")
    func idsAreBytes() async throws {
        let store = try await Self.exampleStore()
        let before = try await store.statistics()
        let json = Self.seed(backups: [
            Self.dcsBackup(id: #"caf\u00e9"#), Self.dcsBackup(id: #"cafe\u0301"#),
        ])
        try await Fixtures.load(json, into: store)
        #expect(try await store.statistics().backups == before.backups + 2)
        let page = try await store.dcsBackups(
            DCSBackupQuery(instanceID: "it-dcs-1", window: nil, page: PageRequest(offset: 0, limit: 10))
        )
        #expect(page.items.map { Array($0.backupID.utf8) } == [Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
    }

    // MARK: - Domain ids

    @Test("a domain without id gets a generated id, and the stored id on every reload")
    func domainWithoutID() async throws {
        let store = try await Self.exampleStore()
        let json = #"{"domains": [{"name": "initech", "projects": [{"id": "\#(Self.euWest0)", "name": "eu-west-0"}], "users": [{"name": "peter"}]}]}"#
        try await Fixtures.load(json, into: store)
        let id = try #require(try await store.domain(named: "initech")?.id)
        #expect(id.utf8.count == 32)
        #expect(id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        let statistics = try await store.statistics()
        let export = try await Fixtures.export(store)
        try await Fixtures.load(json, into: store)
        #expect(try await store.domain(named: "initech")?.id == id)
        #expect(try await store.project(id: Self.euWest0)?.domainID == id)
        #expect(try await store.user(domainID: id, name: "peter") != nil)
        #expect(try await store.statistics() == statistics)
        #expect(try await Fixtures.export(store) == export)
        // The example's domains, given without ids, keep theirs.
        try await Fixtures.load(#"{"domains": [{"name": "acme"}, {"name": "globex"}]}"#, into: store)
        #expect(try await store.domain(named: "acme")?.id == Fixtures.Acme.domainID)
        #expect(try await store.domain(named: "globex")?.id == Fixtures.Globex.domainID)
        #expect(try await Fixtures.export(store) == export)
    }

    @Test("a domain given with another id than the stored one is refused")
    func domainIDConflict() async throws {
        let store = try await Self.exampleStore()
        let before = try await Fixtures.export(store)
        let error = await #expect(throws: SeedError.self) {
            try await Fixtures.load(#"{"domains": [{"name": "acme", "id": "\#(Self.initechID)"}]}"#, into: store)
        }
        #expect(error?.path == "domains[0].name")
        #expect(try await Fixtures.export(store) == before)
    }

    @Test("a project the store holds under another domain is refused")
    func projectOfAnotherDomain() async throws {
        let store = try await Self.exampleStore()
        let before = try await Fixtures.export(store)
        let json = Self.seed(domains: [
            Self.domain(projects: Self.initechProjects + [#"{"id": "\#(Fixtures.Acme.cnNorth4)", "name": "cn-north-4"}"#]), Self.hooli,
        ])
        let error = await #expect(throws: SeedError.self) { try await Fixtures.load(json, into: store) }
        #expect(error?.path == "domains[0].projects[3].id")
        #expect(try await Fixtures.export(store) == before)
    }
}
