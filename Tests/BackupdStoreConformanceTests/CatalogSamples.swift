import BackupdCatalog
import BackupdTestSupport

/// Hand-written catalog content for the conformance suite: small enough that every
/// expected answer can be written down, and a seeded generator for the larger checks.
enum Sample {
    // MARK: Tenancy

    static let acme = Domain(id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01", name: "acme")
    static let globex = Domain(id: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02", name: "globex")

    static let cnNorth4 = Project(id: "11111111111111111111111111111111", domainID: acme.id, name: "cn-north-4")
    static let apSoutheast1 = Project(
        id: "22222222222222222222222222222222",
        domainID: acme.id,
        name: "ap-southeast-1"
    )
    static let billing = Project(id: "33333333333333333333333333333333", domainID: acme.id, name: "cn-north-4_billing")
    static let globexNorth = Project(id: "44444444444444444444444444444444", domainID: globex.id, name: "cn-north-4")

    static let alice = User(
        domainID: acme.id,
        name: "alice",
        passwordDigest: "pbkdf2-sha256$1000$c2FsdA==$a2V5",
        projectIDs: nil
    )
    static let bob = User(domainID: acme.id, name: "bob", passwordDigest: nil, projectIDs: [cnNorth4.id])
    static let carol = User(domainID: globex.id, name: "carol", passwordDigest: "digest-c", projectIDs: [])

    static let aliceKey = AccessKey(access: "AKALICE00000000000001", domainID: acme.id, userName: "alice", secret: "sk1")
    static let aliceKeyWithoutSecret = AccessKey(
        access: "AKALICE00000000000002",
        domainID: acme.id,
        userName: "alice",
        secret: nil
    )
    static let carolKey = AccessKey(access: "AKCAROL00000000000001", domainID: globex.id, userName: "carol", secret: "sk3")

    // MARK: Instances

    static let mysql = Instance(
        id: "rds-mysql-in01",
        projectID: cnNorth4.id,
        service: .rds,
        name: "mysql",
        datastore: Datastore(type: "MySQL", version: "5.7")
    )
    static let sqlServer = Instance(
        id: "rds-sqlserver-in04",
        projectID: cnNorth4.id,
        service: .rds,
        name: "sqlserver",
        datastore: Datastore(type: "sqlserver", version: "2019_SE")
    )
    static let postgres = Instance(
        id: "rds-pg-in03",
        projectID: apSoutheast1.id,
        service: .rds,
        name: "pg",
        datastore: Datastore(type: "PostgreSQL", version: "9.6")
    )
    static let taurus = Instance(
        id: "taurus-in07",
        projectID: cnNorth4.id,
        service: .taurusdb,
        name: "taurus",
        datastore: Datastore(type: "gaussdb-mysql", version: "8.0")
    )
    static let redis = Instance(
        id: "5560df16-cebf-4473-95c4-d1b573c16e79",
        projectID: cnNorth4.id,
        service: .dcs,
        name: "redis",
        engine: "Redis",
        engineVersion: "5.0"
    )
    static let ddm = Instance(
        id: "ddm-in09",
        projectID: cnNorth4.id,
        service: .ddm,
        name: "ddm",
        relatedDataNodes: [DataNode(instanceID: "rds-mysql-in01", instanceName: "mysql")]
    )
    static let globexMySQL = Instance(
        id: "globex-rds-in01",
        projectID: globexNorth.id,
        service: .rds,
        name: "globex-mysql",
        datastore: Datastore(type: "MySQL", version: "8.0")
    )

    static let tenancy = CatalogContent(
        domains: [acme, globex],
        projects: [cnNorth4, apSoutheast1, billing, globexNorth],
        users: [alice, bob, carol],
        accessKeys: [aliceKey, aliceKeyWithoutSecret, carolKey],
        instances: [mysql, sqlServer, postgres, taurus, redis, ddm, globexMySQL]
    )

    // MARK: Record builders

    /// A time in either record grammar; fixtures only use valid texts.
    static func time(_ text: String) -> RecordedTime {
        guard let time = RecordedTime(offsetTime: text) ?? RecordedTime(utcMillisecondTime: text) else {
            preconditionFailure("bad fixture time \(text)")
        }
        return time
    }

    static func rds(
        _ id: String,
        of instance: Instance = mysql,
        type: RDSBackupType = .auto,
        status: RDSBackupStatus = .completed,
        begin: String,
        offsite: Project? = nil,
        name: String? = nil,
        size: Int64 = 2803,
        databases: [String]? = nil,
        associatedWithDDM: Bool? = nil,
        datastore: Datastore? = nil
    ) -> RDSBackup {
        RDSBackup(
            id: id,
            instanceID: instance.id,
            name: name ?? "name-\(id)",
            type: type,
            status: status,
            size: size,
            beginTime: time(begin),
            endTime: time(begin),
            databases: databases,
            associatedWithDDM: associatedWithDDM,
            datastore: datastore,
            offsiteProjectID: offsite?.id
        )
    }

    static func taurusDB(
        _ id: String,
        type: TaurusDBBackupType = .incremental,
        begin: String,
        size: Double = 0.109375
    ) -> TaurusDBBackup {
        TaurusDBBackup(
            id: id,
            instanceID: taurus.id,
            name: "name-\(id)",
            type: type,
            beginTime: time(begin),
            endTime: time(begin),
            size: size
        )
    }

    static func dcs(_ id: String, created: String, of instance: Instance = redis, remark: String = "") -> DCSBackup {
        DCSBackup(
            backupID: id,
            instanceID: instance.id,
            backupName: "backup-\(id)",
            backupType: .manual,
            status: .succeed,
            size: 880_232,
            progress: "100.00",
            remark: remark,
            period: nil,
            errorCode: nil,
            isSupportRestore: "TRUE",
            createdAt: time(created),
            updatedAt: time(created),
            executionAt: time(created)
        )
    }

    static func ddmBackup(_ id: String, nodes: [DataNode]? = nil) -> DDMBackup {
        DDMBackup(
            id: id,
            instanceID: ddm.id,
            name: "name-\(id)",
            beginTime: time("2025-05-20T05:40:00+0800"),
            endTime: time("2025-05-20T05:41:30+0800"),
            relatedDataNodes: nodes
        )
    }

    /// One record of each service and each optional shape, for round trips and statistics.
    static let mixedBackups: [Backup] = [
        .rds(rds("rds-home-1", begin: "2018-08-06T12:41:14+0800", associatedWithDDM: false)),
        .rds(rds("rds-home-2", begin: "2018-08-07T12:41:14+0800", associatedWithDDM: true)),
        .rds(
            rds(
                "rds-offsite-1",
                begin: "2018-08-06T12:41:14+0800",
                offsite: apSoutheast1,
                datastore: Datastore(type: "MySQL", version: "5.6")
            )
        ),
        .rds(rds("rds-sql-1", of: sqlServer, type: .manual, begin: "2022-12-01T06:20:00+0000", databases: ["a", "b"])),
        .rds(rds("rds-sql-2", of: sqlServer, begin: "2022-12-02T06:20:25Z", databases: [])),
        .rds(rds("rds-pg-1", of: postgres, type: .incremental, status: .building, begin: "2018-08-06T12:41:14-0530")),
        .taurusdb(taurusDB("tau-1", begin: "2022-07-07T12:41:14+0800", size: 0.109375)),
        .taurusdb(taurusDB("tau-2", type: .auto, begin: "2022-07-10T02:00:00+0800", size: 1_048_576.5)),
        .taurusdb(taurusDB("tau-3", type: .manual, begin: "2022-07-12T21:15:00+0800", size: 2048)),
        .dcs(dcs("4631832a-14c6-45b0-a0b3-3abd8f591ad1", created: "2019-05-10T08:31:16.166Z", remark: "001")),
        .dcs(
            DCSBackup(
                backupID: "dcs-failed",
                instanceID: redis.id,
                backupName: "backup_failed",
                backupType: .auto,
                status: .failed,
                size: 0,
                progress: "0.00",
                remark: "",
                period: "18:00-19:00",
                errorCode: "dcs.08.0002",
                isSupportRestore: "FALSE",
                createdAt: time("2019-05-03T18:00:04.015Z"),
                updatedAt: time("2019-05-03T18:01:09.015Z"),
                executionAt: time("2019-05-03T18:00:09.015Z")
            )
        ),
        .ddm(ddmBackup("ddm-1")),
        .ddm(ddmBackup("ddm-2", nodes: [])),
        .ddm(ddmBackup("ddm-3", nodes: [DataNode(instanceID: "x", instanceName: "y")])),
        .rds(rds("globex-1", of: globexMySQL, begin: "2024-01-01T00:00:00+0000")),
    ]

    static var mixed: CatalogContent {
        var content = tenancy
        content.backups = mixedBackups
        return content
    }

    // MARK: Order

    /// `docs/api.md` §1.9 step 3, written independently of every engine: newest key first,
    /// then ids ascending by their bytes.
    static func precedes(key a: Int64, id idA: String, key b: Int64, id idB: String) -> Bool {
        a != b ? a > b : Array(idA.utf8).lexicographicallyPrecedes(Array(idB.utf8))
    }

    static func sorted(_ backups: [RDSBackup]) -> [RDSBackup] {
        backups.sorted {
            precedes(key: $0.beginTime.epochSeconds, id: $0.id, key: $1.beginTime.epochSeconds, id: $1.id)
        }
    }

    static func sorted(_ backups: [TaurusDBBackup]) -> [TaurusDBBackup] {
        backups.sorted {
            precedes(key: $0.beginTime.epochSeconds, id: $0.id, key: $1.beginTime.epochSeconds, id: $1.id)
        }
    }

    static func sorted(_ backups: [DCSBackup]) -> [DCSBackup] {
        backups.sorted {
            precedes(key: $0.createdAt.epochSeconds, id: $0.backupID, key: $1.createdAt.epochSeconds, id: $1.backupID)
        }
    }
}

/// A small deterministic generator (SplitMix64), so that every run draws the same catalog.
struct SeededGenerator: RandomNumberGenerator {
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

/// A generated catalog: many records per instance, keys drawn from a narrow range so that
/// ties are frequent, ids mixing case, digits and punctuation.
struct GeneratedCatalog {
    var rds: [RDSBackup] = []
    var taurusDB: [TaurusDBBackup] = []
    var dcs: [DCSBackup] = []
    /// Every distinct key (whole seconds) used, to place window bounds on and around them.
    var rdsKeys: [Int64] = []
    var taurusKeys: [Int64] = []
    var dcsKeys: [Int64] = []

    static let rdsInstances = [Sample.mysql, Sample.sqlServer, Sample.postgres]
    static let base: Int64 = 1_533_513_600  // 2018-08-06T00:00:00Z
    static let offsets = ["+0800", "+0000", "-0530", "Z", "+2359", "-2359", "+0545"]
    private static let idAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.")

    init(seed: UInt64, rdsCount: Int = 400, taurusCount: Int = 150, dcsCount: Int = 200) {
        var random = SeededGenerator(seed: seed)
        var ids: Set<String> = []
        func uniqueID(prefix: String = "") -> String {
            while true {
                let length = Int.random(in: 1...5, using: &random)
                let id = prefix + String((0..<length).map { _ in Self.idAlphabet.randomElement(using: &random)! })
                if ids.insert(id).inserted { return id }
            }
        }
        func offsetText(_ seconds: Int64) -> String {
            let offset = Self.offsets.randomElement(using: &random)!
            if offset == "Z" {
                return String(TimeGrammar.formatOffsetTime(epochSeconds: seconds).dropLast(5)) + "Z"
            }
            let sign: Int64 = offset.hasPrefix("-") ? -1 : 1
            let hours = Int64(offset.dropFirst().prefix(2))!
            let minutes = Int64(offset.suffix(2))!
            let local = seconds + sign * (hours * 3600 + minutes * 60)
            return String(TimeGrammar.formatOffsetTime(epochSeconds: local).dropLast(5)) + offset
        }
        let keySpan: Int64 = 40
        for _ in 0..<rdsCount {
            let key = Self.base + Int64.random(in: 0..<keySpan, using: &random) * 3600
            let instance = Self.rdsInstances.randomElement(using: &random)!
            let location = Int.random(in: 0..<10, using: &random)
            let offsite: Project? = location < 6 ? nil : (location < 8 ? Sample.apSoutheast1 : Sample.billing)
            let databases: [String]? = [nil, [], ["db_sales"], ["db_sales", "db_hr"]].randomElement(using: &random)!
            let associated: Bool? = [nil, true, false].randomElement(using: &random)!
            let datastore: Datastore? = Bool.random(using: &random) ? nil : Datastore(type: "MySQL", version: "5.6")
            let begin = RecordedTime(offsetTime: offsetText(key))!
            let end = RecordedTime(offsetTime: offsetText(key + Int64.random(in: 0...600, using: &random)))!
            rds.append(
                RDSBackup(
                    id: uniqueID(),
                    instanceID: instance.id,
                    name: "gen",
                    type: RDSBackupType.allCases.randomElement(
                        using: &random
                    )!,
                    status: RDSBackupStatus.allCases.randomElement(using: &random)!,
                    size: Int64.random(in: 0...100_000, using: &random),
                    beginTime: begin,
                    endTime: end,
                    databases: databases,
                    associatedWithDDM: associated,
                    datastore: datastore,
                    offsiteProjectID: offsite?.id
                )
            )
        }
        for _ in 0..<taurusCount {
            let key = Self.base + Int64.random(in: 0..<keySpan, using: &random) * 1800
            let begin = RecordedTime(offsetTime: offsetText(key))!
            taurusDB.append(
                TaurusDBBackup(
                    id: uniqueID(prefix: "t"),
                    instanceID: Sample.taurus.id,
                    name: "gen",
                    type: TaurusDBBackupType.allCases.randomElement(using: &random)!,
                    beginTime: begin,
                    endTime: begin,
                    size: Double(Int.random(in: 0...1_000_000, using: &random)) / 64
                )
            )
        }
        for _ in 0..<dcsCount {
            let millis =
                (Self.base + Int64.random(in: 0..<keySpan, using: &random)) * 1000
                + Int64.random(in: 0..<1000, using: &random)
            let created = RecordedTime(utcMillisecondsSinceEpoch: millis)
            dcs.append(
                DCSBackup(
                    backupID: uniqueID(prefix: "d"),
                    instanceID: Sample.redis.id,
                    backupName: "gen",
                    backupType: DCSBackupType.allCases.randomElement(using: &random)!,
                    status: DCSBackupStatus.allCases.randomElement(using: &random)!,
                    size: 1,
                    progress: "100.00",
                    remark: "",
                    period: nil,
                    errorCode: nil,
                    isSupportRestore: "TRUE",
                    createdAt: created,
                    updatedAt: created,
                    executionAt: created
                )
            )
        }
        rdsKeys = Array(Set(rds.map(\.beginTime.epochSeconds))).sorted()
        taurusKeys = Array(Set(taurusDB.map(\.beginTime.epochSeconds))).sorted()
        dcsKeys = Array(Set(dcs.map(\.createdAt.epochSeconds))).sorted()
    }

    var content: CatalogContent {
        var content = Sample.tenancy
        content.backups = rds.map(Backup.rds) + taurusDB.map(Backup.taurusdb) + dcs.map(Backup.dcs)
        return content
    }
}
