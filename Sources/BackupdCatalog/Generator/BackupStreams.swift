import BackupdTime

/// Times spread evenly: `count` of them, `period` apart, the last one `period` before `end`;
/// squeezed closer when that would reach back more than `maximumSpan` (several per second if
/// need be: backup times need not differ).
struct Timeline: Sendable {
    static let maximumSpan: Int64 = 364 * 86_400

    let start: Int64
    let span: Int64
    let count: Int

    init(count: Int, period: Int64, endingAt end: Int64) {
        self.count = count
        let (wanted, overflow) = Int64(count).multipliedReportingOverflow(by: period)
        span = count == 0 ? 0 : (overflow ? Self.maximumSpan : min(wanted, Self.maximumSpan))
        start = end - span
    }

    /// The `index`-th time, the oldest first.
    func at(_ index: Int) -> Int64 {
        start + Int64(count).dividingFullWidth(Int64(index).multipliedFullWidth(by: span)).quotient
    }

    var end: Int64 { start + span }
}

/// The kinds of record an instance's backups are made of, in the order they are generated.
enum RecordKind: UInt64, Sendable {
    case rdsAuto = 1
    case rdsCopy
    case rdsManual
    case rdsFragment
    case rdsIncremental
    case taurusAuto
    case taurusManual
    case taurusIncremental
    case dcsAuto
    case dcsManual
    case ddm
    case rdsIncrementalCopy
}

/// What every record of one instance shares.
struct BackupContext: Sendable {
    let instance: Instance
    let traits: InstanceTraits
    let spec: InstanceSpec
    /// The reference time, seconds.
    let now: Int64
    let idBase: UInt64
    let offsiteProjectID: String?

    /// The seed of one record: a record is a function of (instance, kind, index) alone.
    func seed(_ kind: RecordKind, _ index: Int) -> UInt64 {
        SplitMix64.derive(SplitMix64.derive(spec.seed, kind.rawValue), UInt64(index))
    }

    /// 12 hex digits that grow with `counter` (ids in generation order keep a store's B-tree
    /// inserts sequential), 20 random ones, then `br` and the engine's two digits.
    func backupID(counter: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: ~seed)
        return ASCIIWriter.string(capacity: 36) { writer in
            writer.hex(idBase &+ UInt64(counter), digits: 12)
            writer.hex(random.next(), digits: 16)
            writer.hex(random.next(), digits: 4)
            writer.byte(UInt8(ascii: "b"))
            writer.byte(UInt8(ascii: "r"))
            writer.text(traits.idSuffix)
        }
    }

    /// A DCS backup id: a UUID whose first 48 bits grow with `counter`, like a version 7 UUID's time.
    func dcsBackupID(counter: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: ~seed)
        let high = ((idBase &+ UInt64(counter)) << 16) | 0x7000 | (random.next() & 0x0FFF)
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return GeneratedText.uuid(high: high, low: low)
    }

    /// `<prefix>-<yyyyMMddHHmmss at the instance's offset><digits random digits>`.
    func name(_ prefix: String, _ seconds: Int64, digits: Int, random: inout SplitMix64) -> String {
        let suffix = random.below(1000)
        return ASCIIWriter.string(capacity: prefix.utf8.count + 18) { writer in
            writer.text(prefix)
            writer.byte(UInt8(ascii: "-"))
            GeneratedText.appendCompact(seconds, traits.offset, to: &writer)
            if digits > 0 { writer.decimal(suffix, width: digits) }
        }
    }

    func time(_ seconds: Int64) -> RecordedTime {
        RecordedTime(instant: seconds * 1000, text: GeneratedText.offsetTime(seconds, traits.offset))
    }
}

/// The backups of one instance: how many of each kind (decided from the instance's seed and
/// budget), and each record made on demand from its kind and index.
struct InstanceBackups: Sendable {
    private enum Schedule: Sendable {
        case rds(RDSSchedule)
        case taurusdb(TaurusDBSchedule)
        case dcs(DCSSchedule)
        case ddm(DDMSchedule)
    }

    private let context: BackupContext
    private let schedule: Schedule
    private let segments: [(kind: RecordKind, count: Int)]
    private var segment = 0
    private var position = 0
    let counts: GeneratedBackupCounts

    init(context: BackupContext) {
        self.context = context
        let budget = context.spec.budget
        switch context.spec.service {
        case .rds:
            let plan = RDSSchedule(context)
            schedule = .rds(plan)
            segments = [
                (.rdsAuto, plan.autos), (.rdsCopy, plan.copies), (.rdsIncrementalCopy, plan.incrementalCopies),
                (.rdsManual, plan.manuals), (.rdsFragment, plan.fragments), (.rdsIncremental, plan.incrementals),
            ]
            counts = GeneratedBackupCounts(
                total: budget,
                offsiteCopies: plan.copies + plan.incrementalCopies,
                incrementals: plan.incrementals,
                offsiteIncrementals: plan.incrementalCopies,
                offsiteProjectID: plan.copies + plan.incrementalCopies > 0 ? context.offsiteProjectID : nil
            )
        case .taurusdb:
            let plan = TaurusDBSchedule(context)
            schedule = .taurusdb(plan)
            segments = [(.taurusAuto, plan.autos), (.taurusManual, plan.manuals), (.taurusIncremental, plan.incrementals)]
            counts = GeneratedBackupCounts(total: budget, offsiteCopies: 0, incrementals: plan.incrementals)
        case .dcs:
            let plan = DCSSchedule(context)
            schedule = .dcs(plan)
            segments = [(.dcsAuto, plan.autos), (.dcsManual, plan.manuals)]
            counts = GeneratedBackupCounts(total: budget, offsiteCopies: 0, incrementals: 0)
        case .ddm:
            schedule = .ddm(DDMSchedule(context))
            segments = [(.ddm, budget)]
            counts = GeneratedBackupCounts(total: budget, offsiteCopies: 0, incrementals: 0)
        }
    }

    /// The next record, its id made from `counter` (its position in the whole catalog).
    mutating func next(counter: Int) -> Backup? {
        while segment < segments.count && position >= segments[segment].count {
            segment += 1
            position = 0
        }
        guard segment < segments.count else { return nil }
        let kind = segments[segment].kind
        let index = position
        position += 1
        switch schedule {
        case .rds(let plan): return .rds(plan.record(kind, index, counter: counter, context))
        case .taurusdb(let plan): return .taurusdb(plan.record(kind, index, counter: counter, context))
        case .dcs(let plan): return .dcs(plan.record(kind, index, counter: counter, context))
        case .ddm(let plan): return .ddm(plan.record(index, counter: counter, context))
        }
    }
}

// MARK: - RDS

/// An RDS instance keeps a daily automated full backup for its retention period, incremental
/// (binlog, WAL, log) backups in between, now and then a manual backup or a fragment, and
/// may copy its recent automated and incremental backups to another region of its account
/// (a fifth of its records are such copies).
private struct RDSSchedule: Sendable {
    static let manualPrefixes = ["manual", "before-upgrade", "pre-release", "before-migration"]

    let autos: Int
    /// Copies of the automated backups before the newest.
    let copies: Int
    /// Copies of the incremental backups before the newest.
    let incrementalCopies: Int
    let manuals: Int
    let fragments: Int
    let incrementals: Int
    let autoTimeline: Timeline
    let incrementalTimeline: Timeline
    /// Manual backups and fragments start in [windowStart, windowStart + windowLength).
    let windowStart: Int64
    let windowLength: Int64
    /// The newest backup at home, which is BUILDING when the instance is flagged so.
    var newest: (kind: RecordKind, index: Int)?

    struct Details {
        var begin: Int64
        var end: Int64
        var size: Int64
        var status: RDSBackupStatus
        var name: String
    }

    init(_ context: BackupContext) {
        var random = SplitMix64(seed: SplitMix64.derive(context.spec.seed, 0xA11))
        let budget = context.spec.budget
        let wantedCopies = context.offsiteProjectID != nil ? max(1, budget / 5) : 0
        let home = budget - wantedCopies
        let manuals =
            home >= 20 ? random.int(0...min(30, home / 25)) : (home >= 4 && random.chance(1, in: 3) ? 1 : 0)
        let fragments = home >= 200 ? random.int(0...3) : 0
        let available = home - manuals - fragments
        let retention = random.pick([7, 14, 30, 90, 180, 364, 364, 364])
        var autos = available
        // Few backups over a long retention: a weekly or every-other-day policy.
        let every = max(1, min(7, retention / max(1, available)))
        var days = max(1, available * every)
        if available > retention {
            let incrementals = available - retention
            days = min(364, max(retention, (incrementals * 300 + 86_399) / 86_400))
            autos = min(days, available)
        }
        let copies = min(wantedCopies, max(0, autos - 1))
        let incrementalCopies = min(wantedCopies - copies, max(0, available - autos - 1))
        let incrementals = available - autos + wantedCopies - copies - incrementalCopies
        self.autos = autos
        self.copies = copies
        self.incrementalCopies = incrementalCopies
        self.manuals = manuals
        self.fragments = fragments
        self.incrementals = incrementals
        autoTimeline = Timeline(count: autos, period: Int64(every) * 86_400, endingAt: context.now + context.traits.phase)
        let period = incrementals > 0 ? max(300, Int64(days) * 86_400 / Int64(incrementals)) : 300
        incrementalTimeline = Timeline(count: incrementals, period: period, endingAt: context.now - 300 - Int64(random.below(300)))
        windowStart = context.now - Int64(days) * 86_400
        windowLength = Int64(days) * 86_400 - 3 * 3600

        var newest: (kind: RecordKind, index: Int, time: Int64)?
        func consider(_ kind: RecordKind, _ index: Int, _ time: Int64) {
            if time > newest?.time ?? Int64.min { newest = (kind, index, time) }
        }
        if autos > 0 { consider(.rdsAuto, autos - 1, autoTimeline.at(autos - 1)) }
        if incrementals > 0 { consider(.rdsIncremental, incrementals - 1, incrementalTimeline.at(incrementals - 1)) }
        for index in 0..<manuals {
            var random = SplitMix64(seed: context.seed(.rdsManual, index))
            consider(.rdsManual, index, begin(.rdsManual, index, random: &random))
        }
        for index in 0..<fragments {
            var random = SplitMix64(seed: context.seed(.rdsFragment, index))
            consider(.rdsFragment, index, begin(.rdsFragment, index, random: &random))
        }
        self.newest = newest.map { ($0.kind, $0.index) }
    }

    /// The start of a record: the first draw of its generator.
    func begin(_ kind: RecordKind, _ index: Int, random: inout SplitMix64) -> Int64 {
        switch kind {
        case .rdsAuto: autoTimeline.at(index) + Int64(random.below(600))
        case .rdsIncremental:
            incrementalTimeline.at(index) + Int64(random.below(UInt64(min(60, incrementalTimeline.span / Int64(incrementals) / 4 + 1))))
        default: windowStart + Int64(random.below(UInt64(windowLength)))
        }
    }

    /// A full backup's size: the data grows by a quarter over the year.
    private func fullSize(at time: Int64, _ context: BackupContext, random: inout SplitMix64) -> Int64 {
        let base = context.traits.baseSize
        let elapsed = max(0, time - (context.now - Timeline.maximumSpan))
        return base + base / 4 * elapsed / Timeline.maximumSpan + Int64(random.below(UInt64(base / 50 + 1)))
    }

    func details(_ kind: RecordKind, _ index: Int, _ context: BackupContext) -> Details {
        var random = SplitMix64(seed: context.seed(kind, index))
        let begin = begin(kind, index, random: &random)
        var size: Int64
        var duration: Int64
        switch kind {
        case .rdsIncremental:
            size = max(1, context.traits.baseSize / Int64(100 + random.below(1900))) + Int64(random.below(64))
            duration = 5 + Int64(random.below(90))
        case .rdsFragment:
            size = max(1, context.traits.baseSize / Int64(random.int(2...8)))
            duration = 30 + size / 65_536 + Int64(random.below(120))
        default:
            size = fullSize(at: begin, context, random: &random)
            duration = 60 + size / 65_536 + Int64(random.below(120))
        }
        var status = RDSBackupStatus.completed
        if let newest, newest.kind == kind, newest.index == index, context.spec.flags.contains(.building) {
            status = .building
        } else if kind == .rdsAuto, index == 0, autos >= 7, context.spec.flags.contains(.deletingOldest) {
            status = .deleting
        } else if kind != .rdsFragment, random.chance(1, in: 50) {
            status = .failed
        }
        if status == .building || status == .failed {
            size = 0
            duration = 1 + Int64(random.below(UInt64(duration)))
        }
        let prefix =
            kind == .rdsManual && random.chance(1, in: 3) ? random.pick(Self.manualPrefixes) : context.instance.name
        let name = context.name(prefix, begin, digits: prefix == context.instance.name ? 3 : 0, random: &random)
        return Details(begin: begin, end: begin + duration, size: size, status: status, name: name)
    }

    func record(_ kind: RecordKind, _ index: Int, counter: Int, _ context: BackupContext) -> RDSBackup {
        let seed = context.seed(kind, index)
        var details: Details
        var type: RDSBackupType
        var offsite: String?
        switch kind {
        case .rdsCopy, .rdsIncrementalCopy:
            // A copy of one of the recent automated or incremental backups (never the newest), made after it.
            let original =
                kind == .rdsCopy
                ? self.details(.rdsAuto, autos - 1 - copies + index, context)
                : self.details(.rdsIncremental, incrementals - 1 - incrementalCopies + index, context)
            var random = SplitMix64(seed: seed)
            let begin = original.end + 30 + Int64(random.below(kind == .rdsCopy ? 870 : 270))
            let status: RDSBackupStatus = original.status == .failed || random.chance(1, in: 40) ? .failed : .completed
            details = Details(
                begin: begin,
                end: begin + (original.end - original.begin) + 30 + Int64(random.below(570)),
                size: status == .failed ? 0 : original.size,
                status: status,
                name: original.name
            )
            type = kind == .rdsCopy ? .auto : .incremental
            offsite = context.offsiteProjectID
        default:
            details = self.details(kind, index, context)
            type =
                switch kind {
                case .rdsManual: .manual
                case .rdsFragment: .fragment
                case .rdsIncremental: .incremental
                default: .auto
                }
        }
        let datastore = context.traits.datastore
        return RDSBackup(
            id: context.backupID(counter: counter, seed: seed),
            instanceID: context.instance.id,
            name: details.name,
            type: type,
            status: details.status,
            size: details.size,
            beginTime: context.time(details.begin),
            endTime: context.time(details.end),
            databases: context.traits.databases,
            associatedWithDDM: datastore?.type == "MySQL" ? context.spec.flags.contains(.dataNode) : nil,
            offsiteProjectID: offsite
        )
    }
}

// MARK: - TaurusDB

/// A TaurusDB instance backs up its log every five minutes (each incremental covering the
/// time up to the next), takes a daily automated full backup and now and then a manual one.
private struct TaurusDBSchedule: Sendable {
    static let manualPrefixes = ["manual", "before-upgrade", "pre-release", "before-migration"]

    let autos: Int
    let manuals: Int
    let incrementals: Int
    let autoTimeline: Timeline
    let incrementalTimeline: Timeline
    let windowStart: Int64
    let windowLength: Int64

    init(_ context: BackupContext) {
        var random = SplitMix64(seed: SplitMix64.derive(context.spec.seed, 0x7A0))
        let budget = context.spec.budget
        manuals = budget >= 50 ? random.int(1...min(20, budget / 100 + 1)) : (budget >= 10 && random.chance(1, in: 4) ? 1 : 0)
        let available = budget - manuals
        // 288 incrementals and one full backup a day.
        let days = min(364, max(1, (available + 288) / 289))
        autos = min(days, available)
        incrementals = available - autos
        autoTimeline = Timeline(count: autos, period: 86_400, endingAt: context.now + context.traits.phase)
        incrementalTimeline = Timeline(count: incrementals, period: 300, endingAt: context.now - Int64(random.below(300)))
        windowStart = context.now - Int64(days) * 86_400
        windowLength = Int64(days) * 86_400 - 3 * 3600
    }

    func record(_ kind: RecordKind, _ index: Int, counter: Int, _ context: BackupContext) -> TaurusDBBackup {
        let seed = context.seed(kind, index)
        var random = SplitMix64(seed: seed)
        let base = context.traits.baseSize
        let begin: Int64
        let end: Int64
        let size: Double
        let name: String
        let type: TaurusDBBackupType
        switch kind {
        case .taurusIncremental:
            begin = incrementalTimeline.at(index)
            end = max(index + 1 < incrementals ? incrementalTimeline.at(index + 1) : incrementalTimeline.end, begin + 1)
            size = Double(1 + random.below(262_144)) / 64
            name = context.name("GaussDBforMySQL-" + context.instance.name, begin, digits: 3, random: &random)
            type = .incremental
        default:
            let manual = kind == .taurusManual
            begin =
                manual ? windowStart + Int64(random.below(UInt64(windowLength))) : autoTimeline.at(index) + Int64(random.below(300))
            let elapsed = max(0, begin - (context.now - Timeline.maximumSpan))
            let kilobytes = base + base / 4 * elapsed / Timeline.maximumSpan + Int64(random.below(1024))
            size = Double(kilobytes) + Double(random.below(4)) / 4
            end = begin + 120 + kilobytes / 131_072 + Int64(random.below(300))
            name =
                manual
                ? context.name(random.pick(Self.manualPrefixes), begin, digits: 0, random: &random)
                : context.name("GaussDBforMySQL-" + context.instance.name, begin, digits: 3, random: &random)
            type = manual ? .manual : .auto
        }
        return TaurusDBBackup(
            id: context.backupID(counter: counter, seed: seed),
            instanceID: context.instance.id,
            name: name,
            type: type,
            beginTime: context.time(begin),
            endTime: context.time(end),
            size: size
        )
    }
}

// MARK: - DCS

/// A DCS instance backs up daily in its window (`period`), with manual backups now and then.
/// Automated records past the retention expire, old manual ones get deleted, a few fail; the
/// newest may still be waiting or running.
private struct DCSSchedule: Sendable {
    static let remarks = ["", "", "before resize", "nightly export", "pre-upgrade", "migration", "001", "weekly check"]

    let autos: Int
    let manuals: Int
    let autoTimeline: Timeline
    let windowStart: Int64
    let windowLength: Int64
    let period: String
    /// The newest and second newest records (kind, index).
    var newest: (kind: RecordKind, index: Int)?
    var secondNewest: (kind: RecordKind, index: Int)?

    init(_ context: BackupContext) {
        let budget = context.spec.budget
        var random = SplitMix64(seed: SplitMix64.derive(context.spec.seed, 0xDC5))
        manuals = budget >= 10 ? budget / 10 : (budget >= 3 ? 1 : 0)
        autos = budget - manuals
        // Daily, every other day or weekly, as the instance's backup policy says.
        let every = min(random.pick([1, 1, 2, 7]), max(1, 364 / max(1, autos)))
        autoTimeline = Timeline(count: autos, period: Int64(every) * 86_400, endingAt: context.now + context.traits.phase)
        let days = Int64(min(364, max(1, autos * every)))
        windowStart = context.now - days * 86_400
        windowLength = days * 86_400 - 900
        let hour = context.traits.windowHourUTC
        period = ASCIIWriter.string(capacity: 11) { writer in
            writer.decimal(hour, width: 2)
            writer.text(":00-")
            writer.decimal((hour + 1) % 24, width: 2)
            writer.text(":00")
        }
        guard !context.spec.flags.isDisjoint(with: [.queue, .backingUp]) else { return }
        var top: [(kind: RecordKind, index: Int, time: Int64)] = []
        let candidates = (max(0, autos - 2)..<autos).map { (RecordKind.dcsAuto, $0) } + (0..<manuals).map { (RecordKind.dcsManual, $0) }
        for (kind, index) in candidates {
            var random = SplitMix64(seed: context.seed(kind, index))
            top.append((kind, index, created(kind, index, random: &random)))
            top.sort { $0.time > $1.time }
            if top.count > 2 { top.removeLast() }
        }
        newest = top.first.map { ($0.kind, $0.index) }
        secondNewest = top.count > 1 ? (top[1].kind, top[1].index) : nil
    }

    /// Milliseconds: the first draw of the record's generator.
    func created(_ kind: RecordKind, _ index: Int, random: inout SplitMix64) -> Int64 {
        kind == .dcsAuto
            ? autoTimeline.at(index) * 1000 + Int64(random.below(10_000))
            : windowStart * 1000 + Int64(random.below(UInt64(windowLength * 1000)))
    }

    func record(_ kind: RecordKind, _ index: Int, counter: Int, _ context: BackupContext) -> DCSBackup {
        let seed = context.seed(kind, index)
        var random = SplitMix64(seed: seed)
        let created = created(kind, index, random: &random)
        let execution = created + 5000 + Int64(random.below(1000))
        let fullSize = context.traits.baseSize + Int64(random.below(1 << 20))
        let duration = 20_000 + fullSize / 65_536 + Int64(random.below(5000))
        let isNewest = newest.map { $0.kind == kind && $0.index == index } ?? false
        let isSecond = secondNewest.map { $0.kind == kind && $0.index == index } ?? false
        let flags = context.spec.flags
        let status: DCSBackupStatus
        if isNewest && flags.contains(.queue) {
            status = .waiting
        } else if (isNewest && flags.contains(.backingUp)) || (isSecond && flags.contains(.queue)) {
            status = .backuping
        } else if random.chance(3, in: 100) {
            status = .failed
        } else if kind == .dcsAuto && created < (context.now - Int64(context.traits.retentionDays) * 86_400) * 1000 {
            status = random.chance(19, in: 20) ? .expired : .deleted
        } else if kind == .dcsManual && created < (context.now - 90 * 86_400) * 1000 {
            status = random.chance(1, in: 2) ? .deleted : .succeed
        } else {
            status = .succeed
        }
        var progress = "100.00"
        var size = fullSize
        var errorCode: String?
        var updated = execution + duration
        switch status {
        case .waiting:
            progress = "0.00"
            size = 0
            updated = created
        case .backuping:
            progress = "\(random.int(5...95)).00"
            size = 0
            updated = execution + Int64(random.below(UInt64(duration)))
        case .failed:
            progress = "0.00"
            size = 0
            errorCode = "dcs.08.000\(random.int(1...8))"
            updated = execution + 1 + Int64(random.below(UInt64(duration)))
        case .succeed, .expired, .deleted: break
        }
        let remark = kind == .dcsManual ? random.pick(Self.remarks) : ""
        let name = ASCIIWriter.string(capacity: 21) { writer in
            writer.text("backup_")
            GeneratedText.appendCompact(created / 1000, context.traits.offset, to: &writer)
        }
        return DCSBackup(
            backupID: context.dcsBackupID(counter: counter, seed: seed),
            instanceID: context.instance.id,
            backupName: name,
            backupType: kind == .dcsAuto ? .auto : .manual,
            status: status,
            size: size,
            progress: progress,
            remark: remark,
            period: kind == .dcsAuto ? period : nil,
            errorCode: errorCode,
            isSupportRestore: status == .succeed ? "TRUE" : "FALSE",
            createdAt: RecordedTime(utcMillisecondsSinceEpoch: created),
            updatedAt: RecordedTime(utcMillisecondsSinceEpoch: updated),
            executionAt: RecordedTime(utcMillisecondsSinceEpoch: execution)
        )
    }
}

// MARK: - DDM

/// A DDM instance has a few backups, daily to weekly; now and then a record names the data
/// nodes it was taken with (one, before the others were added).
private struct DDMSchedule: Sendable {
    let timeline: Timeline

    init(_ context: BackupContext) {
        var random = SplitMix64(seed: SplitMix64.derive(context.spec.seed, 0xDD))
        let days = Int64(random.pick([1, 1, 2, 7]))
        timeline = Timeline(count: context.spec.budget, period: days * 86_400, endingAt: context.now + context.traits.phase)
    }

    func record(_ index: Int, counter: Int, _ context: BackupContext) -> DDMBackup {
        let seed = context.seed(.ddm, index)
        var random = SplitMix64(seed: seed)
        let begin = timeline.at(index) + Int64(random.below(300))
        let end = begin + 30 + Int64(random.below(570))
        let nodes = context.instance.relatedDataNodes ?? []
        return DDMBackup(
            id: context.backupID(counter: counter, seed: seed),
            instanceID: context.instance.id,
            name: context.name("Backup-" + context.instance.name, begin, digits: 0, random: &random),
            beginTime: context.time(begin),
            endTime: context.time(end),
            relatedDataNodes: nodes.count > 1 && random.chance(1, in: 10) ? [nodes[0]] : nil
        )
    }
}
