import BackupdCatalog
import Testing

/// `CatalogGenerator`: deterministic, exact in its counts, and every record follows the
/// rules of a seed file (`docs/seed-format.md`) and the field rules of `docs/api.md`.
@Suite struct CatalogGeneratorTests {
    /// The whole catalog of `plan`, merged from its chunks, with the generator.
    static func generate(_ plan: GeneratorPlan) throws -> (generator: CatalogGenerator, chunks: [CatalogContent]) {
        let generator = try CatalogGenerator(plan: plan)
        return (generator, Array(generator.chunks()))
    }

    static func merged(_ chunks: [CatalogContent]) -> CatalogContent {
        var all = CatalogContent()
        for chunk in chunks {
            all.domains += chunk.domains
            all.projects += chunk.projects
            all.users += chunk.users
            all.accessKeys += chunk.accessKeys
            all.instances += chunk.instances
            all.backups += chunk.backups
        }
        return all
    }

    static let small = GeneratorPlan(instances: 40, backups: 5000, randomSeed: 7)

    // MARK: - Determinism

    @Test func sameSeedGivesTheSameCatalogAndAnotherSeedAnother() throws {
        let first = try Self.generate(Self.small).chunks
        let second = try Self.generate(Self.small).chunks
        #expect(first == second)
        #expect(try CatalogGenerator(plan: Self.small).samples() == CatalogGenerator(plan: Self.small).samples())

        var other = Self.small
        other.randomSeed = 8
        let third = Self.merged(try Self.generate(other).chunks)
        let firstAll = Self.merged(first)
        #expect(third.backups.count == firstAll.backups.count)
        #expect(Set(third.domains.map(\.name)).isDisjoint(with: firstAll.domains.map(\.name)))
        #expect(Set(third.instances.map(\.id)).isDisjoint(with: firstAll.instances.map(\.id)))
        #expect(Set(third.backups.map(\.id)).isDisjoint(with: firstAll.backups.map(\.id)))
    }

    @Test func chunkSizeChangesOnlyTheGrouping() throws {
        var plan = Self.small
        plan.chunkSize = 7
        let (_, chunks) = try Self.generate(plan)
        #expect(chunks.allSatisfy { $0.backups.count <= 7 && $0.instances.count <= 7 })
        #expect(chunks.first?.domains.isEmpty == false)
        #expect(chunks.dropFirst().allSatisfy { $0.domains.isEmpty && $0.users.isEmpty })
        #expect(Self.merged(chunks) == Self.merged(try Self.generate(Self.small).chunks))
    }

    @Test func domainsAndReferenceDateDependOnTheSeedOnly() throws {
        let small = try CatalogGenerator(plan: Self.small)
        let large = try CatalogGenerator(plan: GeneratorPlan(instances: 9000, backups: 9000, randomSeed: 7))
        #expect(large.domains.count == 4)
        #expect(Array(large.domains.prefix(2)) == small.domains)
        #expect(large.referenceTime == small.referenceTime)
        #expect(large.instance(at: 0).id != small.instance(at: 0).id, "other counts give other instances")
    }

    // MARK: - Counts

    @Test(arguments: [(1, 0), (1, 10), (3, 2), (7, 7), (10, 3), (40, 5000), (250, 1000), (5, 20_000)])
    func exactlyTheInstancesAndBackupsAsked(instances: Int, backups: Int) throws {
        let plan = GeneratorPlan(instances: instances, backups: backups, randomSeed: 99, chunkSize: 1000)
        let (generator, chunks) = try Self.generate(plan)
        let all = Self.merged(chunks)
        #expect(all.instances.count == instances)
        #expect(Set(all.instances.map(\.id)).count == instances)
        #expect(all.backups.count == backups)
        #expect(Set(all.backups.map(\.id)).count == backups)
        let counts = (0..<instances).map { generator.backupCounts(ofInstanceAt: $0).total }
        #expect(counts.reduce(0, +) == backups)
        var perInstance: [String: Int] = [:]
        for backup in all.backups { perInstance[backup.instanceID, default: 0] += 1 }
        for (index, instance) in all.instances.enumerated() {
            #expect(perInstance[instance.id, default: 0] == counts[index])
            #expect(generator.instance(at: index) == instance)
        }
        if backups >= instances {
            #expect(counts.allSatisfy { $0 >= 1 }, "an instance without backups: \(counts)")
        } else {
            #expect(counts.filter { $0 == 1 }.count == backups)
        }
    }

    @Test func everyServiceWithItsOwnFields() throws {
        let all = Self.merged(try Self.generate(Self.small).chunks)
        let byID = Dictionary(uniqueKeysWithValues: all.instances.map { ($0.id, $0) })
        #expect(Set(all.instances.map(\.service)) == Set(Service.allCases))
        #expect(Set(all.backups.map(\.service)) == Set(Service.allCases))
        for instance in all.instances {
            switch instance.service {
            case .rds:
                let datastore = try #require(instance.datastore)
                #expect(["MySQL", "PostgreSQL", "sqlserver", "MariaDB"].contains(datastore.type))
                #expect(instance.engine == nil && instance.relatedDataNodes == nil)
                #expect(instance.id.hasSuffix(datastore.type == "PostgreSQL" ? "in03" : datastore.type == "sqlserver" ? "in04" : "in01"))
            case .taurusdb:
                #expect(instance.datastore == Datastore(type: "gaussdb-mysql", version: "8.0"))
                #expect(instance.id.hasSuffix("in07"))
            case .dcs:
                #expect(["Redis", "Memcached"].contains(instance.engine ?? ""))
                #expect(instance.engineVersion != nil && instance.datastore == nil)
                #expect(instance.id.utf8.count == 36 && instance.id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
            case .ddm:
                #expect(instance.datastore == nil && instance.engine == nil)
                // Data nodes are RDS MySQL instances of the DDM instance's project.
                for node in instance.relatedDataNodes ?? [] {
                    let rds = try #require(byID[node.instanceID])
                    #expect(rds.service == .rds && rds.datastore?.type == "MySQL" && rds.projectID == instance.projectID)
                    #expect(rds.name == node.instanceName)
                }
            }
        }
        #expect(all.instances.contains { !($0.relatedDataNodes ?? []).isEmpty })
        for backup in all.backups {
            let instance = try #require(byID[backup.instanceID])
            #expect(instance.service == backup.service)
            guard case .rds(let rds) = backup else { continue }
            #expect((rds.databases != nil) == (instance.datastore?.type == "sqlserver"))
            #expect((rds.associatedWithDDM != nil) == (instance.datastore?.type == "MySQL"))
            #expect(rds.datastore == nil)
        }
        // The data nodes' backups say so.
        let nodes = Set(all.instances.flatMap { ($0.relatedDataNodes ?? []).map(\.instanceID) })
        for case .rds(let rds) in all.backups where rds.associatedWithDDM != nil {
            #expect(rds.associatedWithDDM == nodes.contains(rds.instanceID))
        }
        let engines = Set(all.instances.compactMap { $0.service == .rds ? $0.datastore?.type : nil })
        #expect(engines.count >= 2, "\(engines)")
    }

    @Test func kindsOfBackupPerService() throws {
        let all = Self.merged(try Self.generate(Self.small).chunks)
        var rdsTypes: Set<RDSBackupType> = []
        var taurusTypes: Set<TaurusDBBackupType> = []
        var dcsTypes: Set<DCSBackupType> = []
        for backup in all.backups {
            switch backup {
            case .rds(let b): rdsTypes.insert(b.type)
            case .taurusdb(let b):
                taurusTypes.insert(b.type)
                #expect(b.size >= 0)
            case .dcs(let b): dcsTypes.insert(b.backupType)
            case .ddm: break
            }
        }
        #expect(rdsTypes.isSuperset(of: [.auto, .manual, .incremental]))
        #expect(taurusTypes == Set(TaurusDBBackupType.allCases))
        #expect(dcsTypes == Set(DCSBackupType.allCases))
        let fractional = all.backups.contains {
            if case .taurusdb(let b) = $0 { b.size != b.size.rounded() } else { false }
        }
        #expect(fractional, "TaurusDB sizes should be fractional now and then")
        // TaurusDB incrementals every five minutes, each covering the time up to the next.
        var incrementals: [String: [TaurusDBBackup]] = [:]
        for case .taurusdb(let b) in all.backups where b.type == .incremental { incrementals[b.instanceID, default: []].append(b) }
        for list in incrementals.values where list.count > 1 {
            let sorted = list.sorted { $0.beginTime.instant < $1.beginTime.instant }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                #expect(later.beginTime.instant - earlier.beginTime.instant == 300_000)
                #expect(earlier.endTime.instant == later.beginTime.instant)
            }
        }
    }

    // MARK: - The large instances

    @Test func largeInstancesWithASmallerThreshold() throws {
        let plan = GeneratorPlan(
            instances: 60,
            backups: 30_000,
            randomSeed: 3,
            largeInstanceBackups: 2_000,
            largeInstanceStep: 8_000
        )
        let (generator, chunks) = try Self.generate(plan)
        #expect(generator.largeInstances == 3)
        let all = Self.merged(chunks)
        #expect(all.instances.prefix(3).map(\.service) == [.rds, .taurusdb, .dcs])
        for index in 0..<3 {
            let id = all.instances[index].id
            #expect(all.backups.filter { $0.instanceID == id }.count == 2_000)
        }
        // The first large instance keeps every backup at home: the benchmark pages deep into one list.
        let first = all.instances[0].id
        #expect(generator.backupCounts(ofInstanceAt: 0).offsiteCopies == 0)
        #expect(
            !all.backups.contains {
                if case .rds(let b) = $0 { b.instanceID == first && b.offsiteProjectID != nil } else { false }
            }
        )
        #expect(all.instances[0].datastore?.type == "MySQL")
        #expect(try #require(generator.samples().rds).counts.atHome >= 2_000)
    }

    @Test func largeInstancesAtAMillionBackupsCountedWithoutMakingThem() throws {
        let generator = try CatalogGenerator(plan: GeneratorPlan(instances: 1000, backups: 1_000_000, randomSeed: 11))
        #expect(generator.largeInstances == 1)
        #expect(generator.instance(at: 0).service == .rds)
        #expect(generator.backupCounts(ofInstanceAt: 0).total == 250_000)
        #expect(generator.backupCounts(ofInstanceAt: 0).offsiteCopies == 0)
        let counts = (0..<1000).map { generator.backupCounts(ofInstanceAt: $0).total }
        #expect(counts.reduce(0, +) == 1_000_000)
        #expect(counts.dropFirst().allSatisfy { $0 >= 1 && $0 < 250_000 })
        #expect(generator.samples().rds?.instance.id == generator.instance(at: 0).id)
        #expect(generator.samples().rds?.counts.atHome == 250_000)

        let four = try CatalogGenerator(plan: GeneratorPlan(instances: 2000, backups: 4_300_000, randomSeed: 11))
        #expect(four.largeInstances == 4)
        #expect((0..<4).map { four.instance(at: $0).service } == [.rds, .taurusdb, .dcs, .rds])
        #expect((0..<4).allSatisfy { four.backupCounts(ofInstanceAt: $0).total == 250_000 })
        #expect((0..<2000).map { four.backupCounts(ofInstanceAt: $0).total }.reduce(0, +) == 4_300_000)
        let taurus = try #require(four.samples().taurusdb)
        #expect(taurus.instance.id == four.instance(at: 1).id)
        #expect(taurus.counts.incrementals > 240_000)
    }

    @Test func largeInstancesNeverTakeWhatTheOthersNeed() throws {
        // 8,000 backups, 2,000 per large instance: one large instance leaves 6,000 for the others.
        func large(_ instances: Int, _ backups: Int) throws -> Int {
            let plan = GeneratorPlan(
                instances: instances,
                backups: backups,
                randomSeed: 5,
                largeInstanceBackups: 2_000,
                largeInstanceStep: 8_000
            )
            return try CatalogGenerator(plan: plan).largeInstances
        }
        #expect(try large(6_001, 8_000) == 1)
        #expect(try large(6_002, 8_000) == 0)
        #expect(try large(10, 7_999) == 0)
        #expect(try large(2, 80_000) == 2)
        #expect(try large(1, 80_000) == 1)
    }

    // MARK: - Times

    @Test func timesLieInTheYearBeforeTheReferenceDateInMixedOffsets() throws {
        let (generator, chunks) = try Self.generate(Self.small)
        let all = Self.merged(chunks)
        let latest = generator.referenceTime * 1000
        let earliest = latest - 365 * 86_400_000
        var offsets: Set<Substring> = []
        func check(_ begin: RecordedTime, _ end: RecordedTime, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(begin.instant < end.instant, "\(begin.text) … \(end.text)", sourceLocation: sourceLocation)
            for time in [begin, end] {
                #expect(time.instant >= earliest && time.instant <= latest, "\(time.text)", sourceLocation: sourceLocation)
                #expect(TimeGrammar.parseOffsetTime(time.text).map { $0 * 1000 } == time.instant, sourceLocation: sourceLocation)
                offsets.insert(time.text.suffix(5))
            }
        }
        for backup in all.backups {
            switch backup {
            case .rds(let b): check(b.beginTime, b.endTime)
            case .taurusdb(let b): check(b.beginTime, b.endTime)
            case .ddm(let b): check(b.beginTime, b.endTime)
            case .dcs(let b):
                for time in [b.createdAt, b.updatedAt, b.executionAt] {
                    #expect(TimeGrammar.parseUTCMilliseconds(time.text) == time.instant, "\(time.text)")
                    #expect(time.instant >= earliest && time.instant <= latest, "\(time.text)")
                }
                #expect(b.createdAt.instant < b.executionAt.instant)
                #expect(b.createdAt.instant <= b.updatedAt.instant)
            }
        }
        #expect(offsets.count >= 3, "\(offsets)")
        // Spread over the year, not bunched at its end.
        let begins = all.backups.compactMap { if case .rds(let b) = $0 { b.beginTime.instant } else { nil } }
        #expect(try #require(begins.min()) < latest - 180 * 86_400_000)
    }

    // MARK: - Cross-region copies

    @Test func offsiteCopiesAreHeldInAnotherRegionOfTheSameAccount() throws {
        let (generator, chunks) = try Self.generate(Self.small)
        let all = Self.merged(chunks)
        let projects = Dictionary(uniqueKeysWithValues: all.projects.map { ($0.id, $0) })
        let instances = Dictionary(uniqueKeysWithValues: all.instances.map { ($0.id, $0) })
        var copies = 0
        for case .rds(let b) in all.backups {
            guard let holderID = b.offsiteProjectID else { continue }
            copies += 1
            let holder = try #require(projects[holderID])
            let instance = try #require(instances[b.instanceID])
            let home = try #require(projects[instance.projectID])
            #expect(holder.domainID == home.domainID)
            #expect(holder.region != home.region)
            #expect(b.type == .auto || b.type == .incremental)
        }
        #expect(copies > 0)
        let sample = try #require(generator.samples().rdsOffsite)
        #expect(sample.counts.offsiteCopies > 0)
        let held = all.backups.filter {
            if case .rds(let b) = $0 { b.instanceID == sample.instance.id && b.offsiteProjectID == sample.counts.offsiteProjectID } else { false }
        }
        #expect(held.count == sample.counts.offsiteCopies)
    }

    // MARK: - Statuses

    @Test func statusesAreConsistentWithTheirFields() throws {
        let all = Self.merged(try Self.generate(Self.small).chunks)
        var rdsStatuses: [RDSBackupStatus: Int] = [:]
        var dcsStatuses: Set<DCSBackupStatus> = []
        var rdsByInstance: [String: [RDSBackup]] = [:]
        var dcsByInstance: [String: [DCSBackup]] = [:]
        for backup in all.backups {
            switch backup {
            case .rds(let b):
                rdsStatuses[b.status, default: 0] += 1
                if b.offsiteProjectID == nil { rdsByInstance[b.instanceID, default: []].append(b) }
                if b.status == .failed || b.status == .building { #expect(b.size == 0) }
            case .dcs(let b):
                dcsStatuses.insert(b.status)
                dcsByInstance[b.instanceID, default: []].append(b)
                #expect((b.errorCode != nil) == (b.status == .failed))
                if let code = b.errorCode { #expect(code.hasPrefix("dcs.08.000") && (1...8).contains(Int(code.suffix(1)) ?? 0)) }
                #expect(b.isSupportRestore == (b.status == .succeed ? "TRUE" : "FALSE"))
                switch b.status {
                case .succeed, .expired, .deleted: #expect(b.progress == "100.00" && b.size > 0)
                case .waiting, .failed: #expect(b.progress == "0.00" && b.size == 0)
                case .backuping: #expect(b.progress != "100.00" && b.progress.hasSuffix(".00") && b.size == 0)
                }
                #expect((b.period != nil) == (b.backupType == .auto))
                #expect(b.backupName.hasPrefix("backup_") && b.backupName.utf8.count == 21)
            default: break
            }
        }
        let completed = rdsStatuses[.completed, default: 0]
        #expect(completed * 10 > rdsStatuses.values.reduce(0, +) * 9, "\(rdsStatuses)")
        #expect(rdsStatuses[.failed, default: 0] > 0)
        #expect(dcsStatuses == Set(DCSBackupStatus.allCases), "\(dcsStatuses)")
        // BUILDING only for an instance's newest backup; waiting and running only among the newest two.
        for list in rdsByInstance.values {
            let newest = list.max { ($0.beginTime.instant, $0.id) < ($1.beginTime.instant, $1.id) }
            for b in list where b.status == .building { #expect(b.id == newest?.id) }
        }
        for list in dcsByInstance.values {
            let recent = Set(list.sorted { $0.createdAt.instant > $1.createdAt.instant }.prefix(2).map(\.backupID))
            for b in list where b.status == .waiting || b.status == .backuping { #expect(recent.contains(b.backupID)) }
        }
    }

    // MARK: - Ids and credentials

    @Test func idsAndCredentialsHaveTheCloudsShapes() throws {
        let (generator, chunks) = try Self.generate(Self.small)
        let all = Self.merged(chunks)
        func isHex(_ text: Substring) -> Bool { text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } }
        #expect(all.domains.map(\.name) == ["gen-7-1", "gen-7-2"])
        for id in all.domains.map(\.id) + all.projects.map(\.id) { #expect(id.utf8.count == 32 && isHex(Substring(id))) }
        let upperDigits = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        for key in all.accessKeys {
            #expect(key.access.count == 20 && key.access.allSatisfy(upperDigits.contains))
            let secret = try #require(key.secret)
            #expect(secret.count == 40 && secret.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
        #expect(Set(all.accessKeys.map(\.access)).count == all.accessKeys.count)
        for generated in generator.domains {
            let regions = Set(generated.projects.map(\.region))
            #expect((3...4).contains(regions.count))
            #expect(generated.projects.allSatisfy { $0.domainID == generated.domain.id })
            #expect(generated.users.map(\.name) == ["admin", "reader"])
            #expect(generated.users[0].projectIDs == nil)
            #expect(generated.users[1].projectIDs == [generated.projects[0].id])
            #expect(generated.users.allSatisfy { $0.accessKeys.count == 1 && $0.password.count >= 16 })
        }
        // Users are stored with the digest the caller makes; without one they have no password.
        #expect(all.users.allSatisfy { $0.passwordDigest == nil })
        let hashed = Self.merged(Array(generator.chunks { "digest of " + $0 }))
        #expect(hashed.users.map(\.passwordDigest) == generator.domains.flatMap(\.users).map { "digest of " + $0.password })

        // Backup ids: 32 hex digits then br and the engine (DCS: UUIDs), growing in generation order.
        func counter(_ id: String) -> [UInt8] { Array(id.utf8.filter { $0 != UInt8(ascii: "-") }.prefix(12)) }
        for (earlier, later) in zip(all.backups, all.backups.dropFirst()) {
            #expect(counter(earlier.id).lexicographicallyPrecedes(counter(later.id)), "\(earlier.id) \(later.id)")
        }
        for backup in all.backups where backup.service != .dcs {
            let id = backup.id
            #expect(id.utf8.count == 36 && isHex(id.prefix(32)) && id.dropFirst(32).hasPrefix("br"), "\(id)")
        }
    }

    @Test func instancesAndTheirBackupsCanBeRebuiltAlone() throws {
        let (generator, chunks) = try Self.generate(Self.small)
        let all = Self.merged(chunks)
        var offset = 0
        for index in 0..<generator.instanceCount {
            let backups = generator.backups(ofInstanceAt: index)
            #expect(Array(all.backups[offset..<(offset + backups.count)]) == backups)
            offset += backups.count
        }
        let ddm = try #require(generator.samples().ddm)
        #expect(all.backups.contains { $0.id == ddm.backupID && $0.instanceID == ddm.instance.id })
    }

    @Test func plansOutOfRangeAreRejected() {
        #expect(throws: GeneratorError.self) { try CatalogGenerator(plan: GeneratorPlan(instances: 0, backups: 0, randomSeed: 1)) }
        #expect(throws: GeneratorError.self) { try CatalogGenerator(plan: GeneratorPlan(instances: 1, backups: -1, randomSeed: 1)) }
        #expect(throws: GeneratorError.self) {
            try CatalogGenerator(plan: GeneratorPlan(instances: 1, backups: 1, randomSeed: 1, chunkSize: 0))
        }
    }
}
