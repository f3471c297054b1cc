import BackupdTime

/// Makes a realistic catalog from a `GeneratorPlan`: accounts with projects in several
/// regions, instances of the four services, and their backups over the year before a
/// reference date, every record passing the rules a seed file must pass (`docs/seed-format.md`).
///
/// The catalog is a function of the plan: the same plan gives the same records, byte for
/// byte, with any toolchain (the generator draws from its own seeded generators, never the
/// system's, and reads no clock). Records are handed out in chunks (`chunks`), so that a
/// catalog of any size is made in the memory of one chunk.
///
/// What depends on what:
/// - domain `n` (`gen-<seed>-<n>`), its projects, users, passwords and keys depend on the seed
///   and `n` only, so plans with the same seed share accounts and add up in one store;
/// - the reference date depends on the seed only;
/// - instances and backups depend on the seed, the instance and backup counts and the
///   large-instance rule; `chunkSize` changes only how records are grouped.
public struct CatalogGenerator: Sendable {
    public let plan: GeneratorPlan
    /// Seconds since the epoch, a UTC midnight in 2024–2025: every generated time lies in the
    /// 364 days before it.
    public let referenceTime: Int64
    /// The accounts, in clear: the credentials a caller needs.
    public let domains: [GeneratedDomain]
    /// How many instances hold `plan.largeInstanceBackups` backups each (the first ones).
    public let largeInstances: Int

    let slots: [ProjectSlot]
    let specs: [InstanceSpec]
    /// `counterStarts[i]`: how many backups the instances before `i` have; backup ids grow with it.
    let counterStarts: [Int]
    let idBase: UInt64

    /// - Throws: `GeneratorError` when the plan is out of range.
    public init(plan: GeneratorPlan) throws(GeneratorError) {
        try plan.validate()
        self.plan = plan
        let seed = plan.randomSeed
        var clock = SplitMix64(seed: SplitMix64.derive(seed, 4))
        referenceTime = Self.firstReferenceDay + Int64(clock.below(731)) * 86_400

        let domainCount = min(50, max(2, plan.instances / 2000))
        let passwords = Self.passwords(seed: seed)
        domains = (0..<domainCount).map { Self.domain($0, seed: seed, passwords: passwords) }
        var slots: [ProjectSlot] = []
        for (index, domain) in domains.enumerated() {
            for project in domain.projects {
                slots.append(ProjectSlot(project: project, domainIndex: index))
            }
        }
        self.slots = slots

        var planSeed = SplitMix64.derive(SplitMix64.derive(seed, 3), UInt64(plan.instances))
        planSeed = SplitMix64.derive(SplitMix64.derive(planSeed, UInt64(plan.backups)), UInt64(plan.largeInstanceBackups))
        planSeed = SplitMix64.derive(planSeed, UInt64(plan.largeInstanceStep))
        var ids = SplitMix64(seed: SplitMix64.derive(planSeed, 5))
        idBase = 0x1000_0000_0000 + ids.below(UInt64(0x6000_0000_0000))

        var large = min(plan.backups / plan.largeInstanceStep, plan.instances)
        while large > 0 && plan.backups - large * plan.largeInstanceBackups < plan.instances - large {
            large -= 1
        }
        largeInstances = large
        specs = InstancePlanner(plan: plan, seed: planSeed, large: large, domains: domains, slots: slots).specs()
        var starts = [0]
        starts.reserveCapacity(specs.count + 1)
        for spec in specs { starts.append(starts[starts.count - 1] + spec.budget) }
        counterStarts = starts
    }

    // MARK: - Reading the catalog

    /// The number of instances (`plan.instances`).
    public var instanceCount: Int { specs.count }

    /// The instance generated `index`-th (0-based).
    public func instance(at index: Int) -> Instance {
        let spec = specs[index]
        let traits = InstanceTraits(spec: spec, referenceTime: referenceTime)
        var nodes: [DataNode]?
        if spec.service == .ddm {
            nodes = spec.nodes.map { index in
                let node = InstanceTraits(spec: specs[index], referenceTime: referenceTime)
                return DataNode(instanceID: node.id, instanceName: node.name)
            }
        }
        return Instance(
            id: traits.id,
            projectID: slots[spec.slot].project.id,
            service: spec.service,
            name: traits.name,
            datastore: traits.datastore,
            engine: traits.engine,
            engineVersion: traits.engineVersion,
            relatedDataNodes: nodes
        )
    }

    /// How many backups the instance `index` gets, by kind, without making them.
    public func backupCounts(ofInstanceAt index: Int) -> GeneratedBackupCounts {
        let stream = InstanceBackups(context: context(of: index))
        return stream.counts
    }

    /// Every backup of the instance `index`, in generation order (for tests and samples: a
    /// large instance holds hundreds of thousands).
    public func backups(ofInstanceAt index: Int) -> [Backup] {
        var stream = InstanceBackups(context: context(of: index))
        var result: [Backup] = []
        var counter = counterStarts[index]
        while let backup = stream.next(counter: counter) {
            result.append(backup)
            counter += 1
        }
        return result
    }

    /// The tenancy (first chunk), the instances, then the backups in chunks of `plan.chunkSize`.
    /// - Parameter passwordDigest: the digest to store for a password; called once per user.
    public func chunks(passwordDigest: (String) -> String? = { _ in nil }) -> CatalogChunks {
        var tenancy = CatalogContent()
        for generated in domains {
            tenancy.domains.append(generated.domain)
            tenancy.projects += generated.projects
            for user in generated.users {
                tenancy.users.append(
                    User(
                        domainID: generated.domain.id,
                        name: user.name,
                        passwordDigest: passwordDigest(user.password),
                        projectIDs: user.projectIDs
                    )
                )
                tenancy.accessKeys += user.accessKeys
            }
        }
        return CatalogChunks(generator: self, tenancy: tenancy)
    }

    /// An instance per API to benchmark or demonstrate, with the numbers it should answer.
    public func samples() -> GeneratedSamples {
        var best: [Service: (index: Int, count: Int)] = [:]
        var offsite: (index: Int, count: Int)?
        for (index, spec) in specs.enumerated() where spec.budget > 0 {
            var count = spec.budget
            if spec.service == .rds {
                let counts = backupCounts(ofInstanceAt: index)
                count = counts.atHome
                if counts.offsiteCopies > (offsite?.count ?? 0) { offsite = (index, counts.offsiteCopies) }
            }
            if count > (best[spec.service]?.count ?? 0) { best[spec.service] = (index, count) }
        }
        func sample(_ index: Int?) -> GeneratedSample? {
            guard let index else { return nil }
            let instance = instance(at: index)
            var backupID: String?
            if instance.service == .ddm {
                var stream = InstanceBackups(context: context(of: index))
                backupID = stream.next(counter: counterStarts[index])?.id
            }
            return GeneratedSample(
                instance: instance,
                domainID: domains[slots[specs[index].slot].domainIndex].domain.id,
                counts: backupCounts(ofInstanceAt: index),
                backupID: backupID
            )
        }
        return GeneratedSamples(
            rds: sample(best[.rds]?.index),
            rdsOffsite: sample(offsite?.index),
            taurusdb: sample(best[.taurusdb]?.index),
            dcs: sample(best[.dcs]?.index),
            ddm: sample(best[.ddm]?.index)
        )
    }

    func context(of index: Int) -> BackupContext {
        let spec = specs[index]
        return BackupContext(
            instance: instance(at: index),
            traits: InstanceTraits(spec: spec, referenceTime: referenceTime),
            spec: spec,
            now: referenceTime,
            idBase: idBase,
            offsiteProjectID: spec.offsiteSlot >= 0 ? slots[spec.offsiteSlot].project.id : nil
        )
    }

    // MARK: - Tenancy

    /// 2024-01-01T00:00:00Z; the reference date is one of the 731 days from it.
    static let firstReferenceDay: Int64 = 1_704_067_200

    static let regions = [
        "cn-north-4", "cn-east-3", "cn-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "af-south-1",
        "la-south-2", "tr-west-1", "me-east-1",
    ]
    /// How often each region is an account's first (home) region.
    static let homeRegionWeights = [40, 20, 5, 10, 3, 15, 2, 2, 2, 1]
    static let subProjects = ["billing", "analytics", "staging", "dev"]

    /// The admin's and the limited user's passwords, shared by every generated domain so that
    /// loading hashes two passwords, not two per domain.
    private static func passwords(seed: UInt64) -> (admin: String, limited: String) {
        var random = SplitMix64(seed: SplitMix64.derive(seed, 1))
        return (
            "Gen-" + GeneratedText.alphanumeric(16, using: &random) + "-a1",
            "Gen-" + GeneratedText.alphanumeric(16, using: &random) + "-r2"
        )
    }

    private static func domain(_ index: Int, seed: UInt64, passwords: (admin: String, limited: String)) -> GeneratedDomain {
        var random = Xoshiro256StarStar(seed: SplitMix64.derive(SplitMix64.derive(seed, 2), UInt64(index)))
        let id = GeneratedText.hex(32, using: &random)
        let name = "gen-\(seed)-\(index + 1)"
        var regions = [Self.regions[random.weighted(homeRegionWeights)]]
        let regionCount = 3 + random.below(2)
        while regions.count < regionCount {
            let region = random.pick(Self.regions)
            if !regions.contains(region) { regions.append(region) }
        }
        var projects = regions.map { Project(id: GeneratedText.hex(32, using: &random), domainID: id, name: $0) }
        if random.chance(1, in: 3) {
            let name = regions[0] + "_" + random.pick(subProjects)
            projects.append(Project(id: GeneratedText.hex(32, using: &random), domainID: id, name: name))
        }
        func key(_ user: String) -> AccessKey {
            AccessKey(
                access: GeneratedText.accessKey(using: &random),
                domainID: id,
                userName: user,
                secret: GeneratedText.alphanumeric(40, using: &random)
            )
        }
        let users = [
            GeneratedUser(name: "admin", password: passwords.admin, projectIDs: nil, accessKeys: [key("admin")]),
            GeneratedUser(name: "reader", password: passwords.limited, projectIDs: [projects[0].id], accessKeys: [key("reader")]),
        ]
        return GeneratedDomain(domain: Domain(id: id, name: name), projects: projects, users: users)
    }
}

/// The records of a generated catalog, in the order a store should load them: tenancy and
/// instances first, then backups, `plan.chunkSize` at a time. Each chunk is made on demand.
public struct CatalogChunks: Sequence, IteratorProtocol, Sendable {
    private let generator: CatalogGenerator
    private var tenancy: CatalogContent?
    private var nextInstance = 0
    private var nextBackupInstance = 0
    private var current: InstanceBackups?
    private var counter = 0

    init(generator: CatalogGenerator, tenancy: CatalogContent) {
        self.generator = generator
        self.tenancy = tenancy
    }

    /// Every record the chunks hold: tenancy, instances and backups.
    public var totalRecords: Int {
        let tenancyCount = generator.domains.reduce(0) { $0 + 1 + $1.projects.count + $1.users.count * 2 }
        return tenancyCount + generator.plan.instances + generator.plan.backups
    }

    public mutating func next() -> CatalogContent? {
        let size = generator.plan.chunkSize
        if nextInstance < generator.instanceCount {
            var content = tenancy ?? CatalogContent()
            tenancy = nil
            let end = Swift.min(generator.instanceCount, nextInstance + size)
            content.instances = (nextInstance..<end).map(generator.instance(at:))
            nextInstance = end
            return content
        }
        var backups: [Backup] = []
        backups.reserveCapacity(Swift.min(size, generator.plan.backups - counter))
        while backups.count < size {
            if current == nil {
                guard nextBackupInstance < generator.instanceCount else { break }
                current = InstanceBackups(context: generator.context(of: nextBackupInstance))
                nextBackupInstance += 1
            }
            if let backup = current?.next(counter: counter) {
                backups.append(backup)
                counter += 1
            } else {
                current = nil
            }
        }
        return backups.isEmpty ? nil : CatalogContent(backups: backups)
    }
}

// MARK: - Instances

/// One of the projects instances can live in, with its account.
struct ProjectSlot: Sendable {
    let project: Project
    let domainIndex: Int
}

/// What the plan decides for one instance; everything else about it follows from `seed`.
struct InstanceSpec: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// RDS: the newest backup is still being made.
        static let building = Flags(rawValue: 1)
        /// RDS: the oldest automated backup is being deleted.
        static let deletingOldest = Flags(rawValue: 2)
        /// DCS: the newest record waits behind one being made.
        static let queue = Flags(rawValue: 4)
        /// DCS: the newest record is being made.
        static let backingUp = Flags(rawValue: 8)
        /// RDS MySQL: a data node of a DDM instance.
        static let dataNode = Flags(rawValue: 16)
    }

    var service: Service
    /// The engine: an index into `InstanceTraits.rdsEngines` or `.dcsEngines`.
    var variant: Int
    var slot: Int
    var budget: Int = 0
    var seed: UInt64
    /// RDS: the slot of the project holding the cross-region copies, or -1.
    var offsiteSlot: Int = -1
    var flags: Flags = []
    /// DDM: the indices of its data nodes.
    var nodes: [Int] = []
}

/// Decides, with one generator in a fixed order, each instance's service, engine, project,
/// share of the backups and flags.
private struct InstancePlanner {
    let plan: GeneratorPlan
    let seed: UInt64
    let large: Int
    let domains: [GeneratedDomain]
    let slots: [ProjectSlot]

    static let services: [Service] = [.rds, .taurusdb, .dcs, .ddm]
    static let serviceWeights = [45, 20, 25, 10]

    func specs() -> [InstanceSpec] {
        var random = Xoshiro256StarStar(seed: seed)
        let count = plan.instances
        var specs: [InstanceSpec] = []
        specs.reserveCapacity(count)
        var weights: [UInt64] = []
        weights.reserveCapacity(count)
        let rdsWeights = InstanceTraits.rdsEngines.map(\.weight)
        let dcsWeights = InstanceTraits.dcsEngines.map(\.weight)

        // Services and engines: the large instances first, then one of each service not yet
        // present (an RDS MySQL first, for DDM data nodes), then a weighted mix.
        var required: [Service] = [.rds, .taurusdb, .dcs, .ddm]
        var haveRDS = false
        for index in 0..<count {
            let service: Service
            if index < large {
                service = [Service.rds, .taurusdb, .dcs][index % 3]
            } else if !required.isEmpty {
                service = required.removeFirst()
            } else {
                service = Self.services[random.weighted(Self.serviceWeights)]
            }
            required.removeAll { $0 == service }
            var variant = 0
            switch service {
            case .rds:
                // The first RDS instance is MySQL 8.0: the benchmark's large one, or a DDM data node.
                variant = haveRDS ? random.weighted(rdsWeights) : 0
                haveRDS = true
            case .dcs: variant = random.weighted(dcsWeights)
            case .taurusdb, .ddm: break
            }
            let seed = SplitMix64.derive(SplitMix64.derive(self.seed, 6), UInt64(index))
            specs.append(InstanceSpec(service: service, variant: variant, slot: 0, seed: seed))
            let u = random.unit()
            var weight = UInt64(1_000_000 / ((u + 0.06) * (u + 0.06)))
            if service == .ddm { weight = max(1, weight / 200) }
            weights.append(weight)
        }

        assignBudgets(&specs, weights: weights)
        assignProjects(&specs, random: &random)
        assignOffsiteCopies(&specs, random: &random)
        var firstDCS = true
        for index in specs.indices {
            switch specs[index].service {
            case .rds:
                if random.chance(1, in: 10) { specs[index].flags.insert(.building) }
                if random.chance(3, in: 20) { specs[index].flags.insert(.deletingOldest) }
            case .dcs:
                if firstDCS || random.chance(1, in: 25) {
                    specs[index].flags.insert(.queue)
                } else if random.chance(1, in: 25) {
                    specs[index].flags.insert(.backingUp)
                }
                firstDCS = false
            case .taurusdb, .ddm: break
            }
        }
        return specs
    }

    /// Exactly `plan.backups`: the large instances get their fixed size; every other instance
    /// one backup (while there are enough), and the rest in proportion to a heavy-tailed weight.
    private func assignBudgets(_ specs: inout [InstanceSpec], weights: [UInt64]) {
        for index in 0..<large { specs[index].budget = plan.largeInstanceBackups }
        let others = specs.count - large
        guard others > 0 else { return }
        let left = plan.backups - large * plan.largeInstanceBackups
        guard left >= others else {
            for index in large..<(large + left) { specs[index].budget = 1 }
            return
        }
        let extra = UInt64(left - others)
        let total = weights[large...].reduce(0, +)
        var given = 0
        for index in large..<specs.count {
            let share = Int(total.dividingFullWidth(extra.multipliedFullWidth(by: weights[index])).quotient)
            specs[index].budget = 1 + share
            given += share
        }
        // The rounding remainder (fewer than `others`), one each, to the instances that are not DDM.
        var remainder = Int(extra) - given
        let receivers = (large..<specs.count).filter { specs[$0].service != .ddm }
        let pool = receivers.isEmpty ? Array(large..<specs.count) : receivers
        var position = 0
        while remainder > 0 {
            specs[pool[position % pool.count]].budget += 1
            position += 1
            remainder -= 1
        }
    }

    /// Accounts get unevenly many instances, and an account's first region the most. A DDM
    /// instance lives beside RDS MySQL instances of its project, its data nodes.
    private func assignProjects(_ specs: inout [InstanceSpec], random: inout Xoshiro256StarStar) {
        let domainWeights = domains.map { _ in Int(1000 / (random.unit() + 0.2)) }
        var domainSlots: [[Int]] = Array(repeating: [], count: domains.count)
        for (index, slot) in slots.enumerated() { domainSlots[slot.domainIndex].append(index) }
        var mysql: [Int] = []
        var mysqlBySlot: [Int: [Int]] = [:]
        for index in specs.indices where specs[index].service != .ddm {
            let candidates = domainSlots[random.weighted(domainWeights)]
            let slot = random.chance(1, in: 2) ? candidates[0] : random.pick(candidates)
            specs[index].slot = slot
            if specs[index].service == .rds, InstanceTraits.rdsEngines[specs[index].variant].datastore.type == "MySQL" {
                mysql.append(index)
                mysqlBySlot[slot, default: []].append(index)
            }
        }
        for index in specs.indices where specs[index].service == .ddm {
            guard !mysql.isEmpty else {
                specs[index].slot = random.pick(domainSlots[random.weighted(domainWeights)])
                continue
            }
            let anchor = random.pick(mysql)
            let slot = specs[anchor].slot
            let neighbours = mysqlBySlot[slot] ?? [anchor]
            var nodes = [anchor]
            for _ in 0..<random.below(3) {
                let node = random.pick(neighbours)
                if !nodes.contains(node) { nodes.append(node) }
            }
            specs[index].slot = slot
            specs[index].nodes = nodes
            for node in nodes { specs[node].flags.insert(.dataNode) }
        }
    }

    /// About one RDS instance in five copies its automated backups to another region of its
    /// account; the first large instance keeps all its backups at home.
    private func assignOffsiteCopies(_ specs: inout [InstanceSpec], random: inout Xoshiro256StarStar) {
        var chosen: [Int] = []
        var biggest: Int?
        for index in specs.indices where specs[index].service == .rds && specs[index].budget >= 8 && !(index == 0 && large > 0) {
            if random.chance(1, in: 5) { chosen.append(index) }
            if specs[index].budget > (biggest.map { specs[$0].budget } ?? 0) { biggest = index }
        }
        if chosen.isEmpty, let biggest { chosen.append(biggest) }
        for index in chosen {
            let home = slots[specs[index].slot]
            let region = home.project.region
            let holders = slots.indices.filter {
                slots[$0].domainIndex == home.domainIndex && slots[$0].project.region != region
            }
            if !holders.isEmpty { specs[index].offsiteSlot = random.pick(holders) }
        }
    }
}

/// An instance's own choices (id, name, engine, time zone, backup window, data size), drawn
/// from its seed, so that any instance can be rebuilt alone.
struct InstanceTraits: Sendable {
    struct RDSEngine: Sendable {
        let datastore: Datastore
        /// The last two characters of instance and backup ids (`in01`, `br01`).
        let idSuffix: String
        let short: String
        let weight: Int
    }

    static let rdsEngines: [RDSEngine] = [
        RDSEngine(datastore: Datastore(type: "MySQL", version: "8.0"), idSuffix: "01", short: "mysql", weight: 30),
        RDSEngine(datastore: Datastore(type: "MySQL", version: "5.7"), idSuffix: "01", short: "mysql", weight: 20),
        RDSEngine(datastore: Datastore(type: "PostgreSQL", version: "16"), idSuffix: "03", short: "pg", weight: 10),
        RDSEngine(datastore: Datastore(type: "PostgreSQL", version: "14"), idSuffix: "03", short: "pg", weight: 10),
        RDSEngine(datastore: Datastore(type: "sqlserver", version: "2019_SE"), idSuffix: "04", short: "sqlserver", weight: 6),
        RDSEngine(datastore: Datastore(type: "sqlserver", version: "2019_EE"), idSuffix: "04", short: "sqlserver", weight: 4),
        RDSEngine(datastore: Datastore(type: "sqlserver", version: "2022_SE"), idSuffix: "04", short: "sqlserver", weight: 3),
        RDSEngine(datastore: Datastore(type: "MariaDB", version: "10.5"), idSuffix: "01", short: "mariadb", weight: 5),
    ]
    static let dcsEngines: [(engine: String, version: String, weight: Int)] = [
        ("Redis", "4.0", 10), ("Redis", "5.0", 30), ("Redis", "6.0", 30), ("Redis", "7.0", 10), ("Memcached", "1.5", 10),
    ]
    static let words = [
        "orders", "billing", "users", "catalog", "payments", "analytics", "inventory", "auth", "search", "crm", "erp",
        "logs", "session", "cart", "ledger", "reports",
    ]
    static let environments = ["prod", "prod", "staging", "dev", "test", "uat"]
    static let databaseNames = ["db_sales", "db_hr", "erp", "crm", "reporting", "inventory", "billing", "audit"]

    let id: String
    let name: String
    let idSuffix: String
    let datastore: Datastore?
    let engine: String?
    let engineVersion: String?
    let offset: UTCOffset
    /// Seconds after the reference time, modulo a day, of the daily backup window: in
    /// [-4 h, 20 h), so that a day's backup starts and ends before the reference time.
    let phase: Int64
    /// The UTC hour the window starts at (the DCS `period`).
    let windowHourUTC: Int
    /// RDS and TaurusDB: KB; DCS: bytes. DDM backups have no size.
    let baseSize: Int64
    /// SQL Server: the databases its backups hold.
    let databases: [String]?
    /// DCS: days automated backups are kept.
    let retentionDays: Int

    init(spec: InstanceSpec, referenceTime: Int64) {
        var random = SplitMix64(seed: spec.seed)
        let high = random.next()
        let low = random.next()
        let word = random.pick(Self.words)
        let environment = random.pick(Self.environments)
        let tag = ASCIIWriter.string(capacity: 4) { $0.hex(random.next(), digits: 4) }
        offset = UTCOffset.weighted[random.weighted(UTCOffset.weighted.map(\.weight))].offset
        // A night hour where the instance is, except DCS, whose window is any hour, in UTC.
        let hour = spec.service == .dcs ? random.below(24) : random.below(6)
        let minute = random.pick([0, 0, 15, 30, 45])
        let local = Int64(hour * 3600 + minute * 60) - (spec.service == .dcs ? 0 : offset.seconds)
        var phase = ((local - referenceTime) % 86_400 + 86_400) % 86_400
        if phase >= 72_000 { phase -= 86_400 }
        self.phase = phase
        windowHourUTC = Int(((referenceTime + phase) % 86_400 + 86_400) % 86_400 / 3600)
        let exponent: Int
        switch spec.service {
        case .rds: exponent = random.int(10...28)
        case .taurusdb: exponent = random.int(14...29)
        case .dcs: exponent = random.int(20...34)
        case .ddm: exponent = 0
        }
        baseSize = Int64(1 << exponent) + Int64(random.below(1 << exponent))
        retentionDays = random.pick([3, 7, 7, 7, 14, 30])

        let hexID = ASCIIWriter.string(capacity: 32) { writer in
            writer.hex(high, digits: 16)
            writer.hex(low, digits: 16)
        }
        var databases: [String]?
        switch spec.service {
        case .rds:
            let engine = Self.rdsEngines[spec.variant]
            idSuffix = engine.idSuffix
            datastore = engine.datastore
            name = "\(environment)-\(word)-\(engine.short)-\(tag)"
            if engine.datastore.type == "sqlserver" {
                var names: [String] = []
                for _ in 0..<random.int(1...4) {
                    let name = random.pick(Self.databaseNames)
                    if !names.contains(name) { names.append(name) }
                }
                databases = names
            }
        case .taurusdb:
            idSuffix = "07"
            datastore = Datastore(type: "gaussdb-mysql", version: "8.0")
            name = "gauss-\(environment)-\(word)-\(tag)"
        case .dcs:
            idSuffix = ""
            datastore = nil
            let engine = Self.dcsEngines[spec.variant]
            name = "dcs-\(word)-\(engine.engine.lowercased())-\(tag)"
        case .ddm:
            idSuffix = "09"
            datastore = nil
            name = "ddm-\(environment)-\(word)-\(tag)"
        }
        self.databases = databases
        if spec.service == .dcs {
            // A version 4 UUID, as DCS instance ids are.
            id = GeneratedText.uuid(high: (high & ~0xF000) | 0x4000, low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
        } else {
            id = hexID + "in" + idSuffix
        }
        let dcsEngine = spec.service == .dcs ? Self.dcsEngines[spec.variant] : nil
        engine = dcsEngine?.engine
        engineVersion = dcsEngine?.version
    }
}
