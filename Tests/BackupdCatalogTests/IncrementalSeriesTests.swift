import BackupdCatalog
import Testing

/// Incremental chains as arithmetic series (`lifecycle.md` §8.1 rule 3, §8.2, §8.6, §8.7, §11.2):
/// `IncrementalSeries.retained` against the scenario's figures and a brute-force enumeration,
/// `restricted(to:)` at window edges in whole seconds, ids and names both ways, and
/// `MergedPage.page` against a brute-force merge of a stored list and a series.
@Suite struct IncrementalSeriesTests {
    static let day: Int64 = 86_400_000
    static let minute: Int64 = 60_000
    static let step: Int64 = 300_000

    static func ms(_ text: String) -> Int64 {
        guard let instant = TimeGrammar.parseUTCMilliseconds(text) else { preconditionFailure("bad fixture time \(text)") }
        return instant
    }

    static let mysql = Instance(
        id: "a48e43ff268f4c0e879652d65e63d0fbin01",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "rds-mysql-a48e",
        datastore: Datastore(type: "MySQL", version: "5.7")
    )
    static let postgres = Instance(
        id: "b7c6d5e4f3a2419087f6e5d4c3b2a190in03",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "rds-pg-b7c6",
        datastore: Datastore(type: "PostgreSQL", version: "9.6")
    )
    static let taurus = Instance(
        id: "61a4ea66210545909d74a05c27a7179ein07",
        projectID: "97b026aa9cc4417888c14c84a1ad9860",
        service: .taurusdb,
        name: "gauss-taurus-61a4",
        datastore: Datastore(type: "gaussdb-mysql", version: "8.0")
    )

    /// §11.2: the chain starts with the automated backup of 01-07 08:15; the backups of 01-08
    /// and 01-09 follow at 08:15.
    static let chainStart = ms("2030-01-07T08:15:00.000Z")
    static let fullStarts = [chainStart, chainStart + day, chainStart + 2 * day]

    static func scenario(at t: Int64, keep: Int64 = day, floor: Int64? = nil) -> IncrementalSeries? {
        IncrementalSeries.retained(
            of: mysql,
            chainStart: chainStart,
            floor: floor,
            keep: keep,
            base: PolicyEffects.base(among: fullStarts.filter { $0 <= t }, keep: keep, at: t),
            at: t
        )
    }

    static func begins(_ series: IncrementalSeries?) -> [Int64] {
        guard let series else { return [] }
        return (0..<series.count).map(series.begin(at:))
    }

    // MARK: - retained: the §11.2 figures

    @Test func theScenarioHolds573IncrementalsAt080101() throws {
        let t = Self.ms("2030-01-09T08:01:01.000Z")
        let series = try #require(Self.scenario(at: t))
        #expect(series.count == 573)
        #expect(series.highest == Self.ms("2030-01-09T07:55:00.000Z"))
        #expect(series.lowest == Self.chainStart)
        let newest = series.rdsBackup(at: 0)
        #expect(newest.name == "rds-mysql-a48e-20300109080000000")
        #expect(newest.beginTime == RecordedTime(instant: Self.ms("2030-01-09T07:55:00.000Z"), text: "2030-01-09T07:55:00+0000"))
        #expect(newest.endTime == RecordedTime(instant: Self.ms("2030-01-09T08:00:00.000Z"), text: "2030-01-09T08:00:00+0000"))
        #expect(newest.type == .incremental)
        #expect(newest.status == .completed)
        #expect(newest.size == 16)
        #expect(newest.instanceID == Self.mysql.id)
        #expect(newest.associatedWithDDM == false)
        #expect(newest.databases == nil)
        #expect(newest.offsiteProjectID == nil)
        let oldest = series.rdsBackup(at: 572)
        #expect(oldest.beginTime.text == "2030-01-07T08:15:00+0000")
        #expect(oldest.name == "rds-mysql-a48e-20300107082000000")
    }

    @Test func theScenarioHolds288IncrementalsAt081501() throws {
        let t = Self.ms("2030-01-09T08:15:01.000Z")
        let series = try #require(Self.scenario(at: t))
        // 576 made so far, minus the 288 that began before the base of 01-08 08:15.
        #expect(series.count == 288)
        #expect(series.lowest == Self.ms("2030-01-08T08:15:00.000Z"))
        #expect(series.highest == Self.ms("2030-01-09T08:10:00.000Z"))
        let unretained = try #require(
            IncrementalSeries.retained(of: Self.mysql, chainStart: Self.chainStart, floor: nil, keep: Self.day * 100, base: nil, at: t)
        )
        #expect(unretained.count == 576)
    }

    @Test func eachIncrementalAppearsAtItsEndToTheMillisecond() {
        // The first one ends at 08:20.
        #expect(Self.scenario(at: Self.chainStart + Self.step - 1) == nil)
        #expect(Self.begins(Self.scenario(at: Self.chainStart + Self.step)) == [Self.chainStart])
        let eight = Self.ms("2030-01-09T08:00:00.000Z")
        #expect(Self.scenario(at: eight - 1)?.highest == eight - 2 * Self.step)
        #expect(Self.scenario(at: eight)?.highest == eight - Self.step)
    }

    @Test func withoutABaseAnIncrementalGoesWhenPastRetention() throws {
        let series = { (t: Int64) in
            IncrementalSeries.retained(of: Self.mysql, chainStart: Self.chainStart, floor: nil, keep: Self.day, base: nil, at: t)
        }
        // Begins b are kept while b + keep > t.
        #expect(try #require(series(Self.chainStart + Self.day - 1)).lowest == Self.chainStart)
        #expect(try #require(series(Self.chainStart + Self.day)).lowest == Self.chainStart + Self.step)
        let t = Self.ms("2030-01-09T08:01:01.000Z")
        let young = try #require(series(t))
        #expect(young.lowest == Self.ms("2030-01-08T08:05:00.000Z"))
        #expect(young.count == 287)
    }

    @Test func aFloorKeepsWhatAnEarlierRetentionRemovedFromComingBack() throws {
        let t = Self.ms("2030-01-09T08:01:01.000Z")
        let floor = Self.ms("2030-01-08T12:02:03.004Z")
        let series = try #require(Self.scenario(at: t, keep: 30 * Self.day, floor: floor))
        #expect(series.lowest == Self.ms("2030-01-08T12:05:00.000Z"))
        #expect(series.highest == Self.ms("2030-01-09T07:55:00.000Z"))
        // A floor past every incremental leaves none.
        #expect(Self.scenario(at: t, keep: 30 * Self.day, floor: t) == nil)
    }

    /// `retained` is exactly the enumeration of §8.1 rule 3 and §8.2 at many clock times.
    static let retentionCases: [(Int64, Int64?)] = [(day, nil), (day, ms("2030-01-08T03:03:03.003Z")), (3 * day, nil), (2 * day / 3, nil)]

    @Test(arguments: retentionCases)
    func retainedIsTheEnumerationOfTheRules(_ keep: Int64, _ floor: Int64?) {
        var t = Self.chainStart - Self.step
        for _ in 0..<600 {
            t += 7 * Self.minute + 13
            let base = PolicyEffects.base(among: Self.fullStarts.filter { $0 <= t }, keep: keep, at: t)
            var expected: [Int64] = []
            var end = Self.chainStart + Self.step
            while end <= t {
                let begin = end - Self.step
                let kept = begin + keep > t || (base.map { begin >= $0 } ?? false)
                if kept, begin >= (floor ?? .min) { expected.append(begin) }
                end += Self.step
            }
            let series = IncrementalSeries.retained(of: Self.mysql, chainStart: Self.chainStart, floor: floor, keep: keep, base: base, at: t)
            #expect(Self.begins(series) == expected.reversed(), "t = \(TimeGrammar.formatUTCMilliseconds(t))")
        }
    }

    // MARK: - restricted(to:)

    /// Seconds since the epoch.
    static func second(_ text: String) -> Int64 { ms(text) / 1000 }

    @Test func aWindowHoldsTheBeginsInItBothEndsIncluded() throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-09T08:01:01.000Z")))
        #expect(series.restricted(to: nil) == series)
        let begin = Self.second("2030-01-08T00:00:00.000Z")
        // Both ends on one begin: that one.
        let one = try #require(series.restricted(to: TimeWindow(from: begin, through: begin)))
        #expect(Self.begins(one) == [begin * 1000])
        // One second past either end: the next one in.
        #expect(Self.begins(series.restricted(to: TimeWindow(from: begin + 1, through: begin + 300))) == [begin * 1000 + Self.step])
        #expect(Self.begins(series.restricted(to: TimeWindow(from: begin - 300, through: begin - 1))) == [begin * 1000 - Self.step])
        #expect(series.restricted(to: TimeWindow(from: begin + 1, through: begin + 299)) == nil)
        // Open ends.
        #expect(series.restricted(to: TimeWindow(from: begin, through: nil))?.lowest == begin * 1000)
        #expect(series.restricted(to: TimeWindow(from: begin, through: nil))?.highest == series.highest)
        #expect(series.restricted(to: TimeWindow(from: nil, through: begin))?.highest == begin * 1000)
        #expect(series.restricted(to: TimeWindow(from: nil, through: begin))?.lowest == series.lowest)
        // §11.2's W holds all of it; windows beside it hold none.
        let w = TimeWindow(from: Self.second("2030-01-01T00:00:00.000Z"), through: Self.second("2030-12-31T00:00:00.000Z"))
        #expect(series.restricted(to: w) == series)
        #expect(series.restricted(to: TimeWindow(from: nil, through: series.lowest / 1000 - 1)) == nil)
        #expect(series.restricted(to: TimeWindow(from: series.highest / 1000 + 1, through: nil)) == nil)
        #expect(series.restricted(to: TimeWindow(from: series.lowest / 1000, through: series.lowest / 1000))?.count == 1)
        #expect(series.restricted(to: TimeWindow(from: series.highest / 1000, through: series.highest / 1000))?.count == 1)
    }

    @Test func windowsAroundEveryEdgeAgreeWithFilteringTheBegins() throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-07T12:00:00.000Z")))
        let all = Self.begins(series)
        let seconds = all.map { $0 / 1000 }
        var edges: [Int64?] = [nil]
        for second in seconds.prefix(5) + seconds.suffix(5) + [seconds[seconds.count / 2]] {
            edges += [second - 1, second, second + 1]
        }
        for lower in edges {
            for upper in edges {
                let window = TimeWindow(from: lower, through: upper)
                let expected = all.filter { window.contains($0 / 1000) }
                #expect(Self.begins(series.restricted(to: window)) == expected, "\(String(describing: lower)) … \(String(describing: upper))")
            }
        }
    }

    // MARK: - Ids

    @Test func anIdLeadsBackToItsBegin() throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-09T08:01:01.000Z")))
        let (prefix, _) = IncrementalSeries.key(of: Self.mysql)
        #expect(prefix.utf8.count == 20)
        var ids: Set<String> = []
        for index in 0..<series.count {
            let begin = series.begin(at: index)
            let id = IncrementalSeries.id(of: Self.mysql, begin: begin)
            #expect(series.rdsBackup(at: index).id == id)
            #expect(id.hasPrefix(prefix))
            #expect(id.hasSuffix("br01"))
            #expect(id.utf8.count == 36)
            #expect(id.dropLast(4).utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }, "\(id)")
            #expect(IncrementalSeries.begin(ofID: id, instance: Self.mysql) == begin)
            #expect(series.index(ofID: id) == index)
            ids.insert(id)
        }
        #expect(ids.count == series.count)
        // The key is the instance's alone.
        #expect(IncrementalSeries.key(instanceID: Self.mysql.id).prefix == prefix)
        #expect(IncrementalSeries.key(of: Self.postgres).prefix != prefix)
        // TaurusDB ids carry its suffix.
        #expect(IncrementalSeries.id(of: Self.taurus, begin: Self.chainStart).hasSuffix("br07"))
    }

    @Test func idsOfOtherChainsAndOtherRecordsAreNotElements() throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-09T08:01:01.000Z")))
        let inside = series.begin(at: 10)
        let own = IncrementalSeries.id(of: Self.mysql, begin: inside)
        // Another instance's incremental at the same instant.
        let pg = IncrementalSeries.id(of: Self.postgres, begin: inside)
        #expect(IncrementalSeries.begin(ofID: pg, instance: Self.mysql) == nil)
        #expect(series.index(ofID: pg) == nil)
        // Outside what the series holds now: before it, after it.
        #expect(series.index(ofID: IncrementalSeries.id(of: Self.mysql, begin: series.lowest - Self.step)) == nil)
        #expect(series.index(ofID: IncrementalSeries.id(of: Self.mysql, begin: series.highest + Self.step)) == nil)
        #expect(IncrementalSeries.begin(ofID: IncrementalSeries.id(of: Self.mysql, begin: series.highest + Self.step), instance: Self.mysql) != nil)
        // Stored ids, other suffixes, other lengths, other cases.
        let foreign = [
            "a2dffe88fcb745c2a35db6a7c6f821a4br01",  // a manual backup's
            "eff8f56354b5edfa9cd507308c757c61br01",  // a seeded incremental's
            String(own.dropLast(4)) + "br02",
            String(own.dropLast(4)) + "br0",
            String(own.dropLast(4)),
            own + "1",
            "0" + own,
            "",
            String(own.prefix(20)),
            own.uppercased(),
        ]
        for id in foreign {
            #expect(IncrementalSeries.begin(ofID: id, instance: Self.mysql) == nil, "\(id)")
            #expect(series.index(ofID: id) == nil, "\(id)")
        }
    }

    /// An id is found only as it is written: the digits of the slot as the chain writes them.
    @Test func onlyTheCanonicalSpellingOfAnIdIsAnElement() throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-09T08:01:01.000Z")))
        var variants: [(canonical: String, variant: String)] = []
        for index in 0..<series.count {
            let id = IncrementalSeries.id(of: Self.mysql, begin: series.begin(at: index))
            let prefix = id.prefix(20)
            let slot = id.dropFirst(20).prefix(12)
            if slot.contains(where: { $0.isLetter }) {
                variants.append((id, String(prefix) + slot.uppercased() + "br01"))
                break
            }
        }
        let first = IncrementalSeries.id(of: Self.mysql, begin: series.begin(at: 0))
        if first.dropFirst(20).hasPrefix("0") {
            variants.append((first, String(first.prefix(20)) + "+" + String(first.dropFirst(21))))
        }
        try #require(!variants.isEmpty)
        for (canonical, variant) in variants {
            #expect(variant != canonical)
            #expect(IncrementalSeries.begin(ofID: variant, instance: Self.mysql) == nil, "\(variant)")
            #expect(series.index(ofID: variant) == nil, "\(variant)")
        }
    }

    // MARK: - Names

    @Test func namesAreTheInstanceNameAndTheEndInstant() throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-09T08:01:01.000Z")))
        for index in [0, 1, 100, series.count - 1] {
            let begin = series.begin(at: index)
            let name = series.name(begin: begin)
            #expect(name == "rds-mysql-a48e-" + TimeGrammar.formatCompactUTC(epochSeconds: begin / 1000 + 300) + "000")
            #expect(series.begin(ofName: name) == begin)
        }
        #expect(series.name(begin: Self.ms("2030-01-09T07:55:00.000Z")) == "rds-mysql-a48e-20300109080000000")
        for name in [
            "rds-mysql-a48e-2030010908000000",  // one digit short
            "rds-mysql-a48e-203001090800000000",
            "rds-mysql-a48e-20300109080000001",  // not .000
            "rds-mysql-a48e-20301309080000000",  // month 13
            "rds-pg-b7c6-20300109080000000",  // another instance's
            "rds-mysql-a48e20300109080000000",
            "manual-001",
            "",
        ] {
            #expect(series.begin(ofName: name) == nil, "\(name)")
        }
    }

    @Test func elementsAsRecordsOfEachService() throws {
        let pg = try #require(
            IncrementalSeries.retained(
                of: Self.postgres,
                chainStart: Self.chainStart,
                floor: nil,
                keep: Self.day,
                base: nil,
                at: Self.chainStart + Self.day
            )
        )
        let pgRecord = pg.rdsBackup(at: 0)
        #expect(pgRecord.associatedWithDDM == nil)
        #expect(pgRecord.name.hasPrefix("rds-pg-b7c6-"))
        #expect(pgRecord.id.hasSuffix("br03"))
        let taurus = try #require(
            IncrementalSeries.retained(
                of: Self.taurus,
                chainStart: Self.chainStart,
                floor: nil,
                keep: Self.day,
                base: nil,
                at: Self.chainStart + Self.step
            )
        )
        let record = taurus.taurusDBBackup(at: 0)
        #expect(record.id == IncrementalSeries.id(of: Self.taurus, begin: Self.chainStart))
        #expect(record.id.hasSuffix("br07"))
        #expect(record.instanceID == Self.taurus.id)
        #expect(record.name == "gauss-taurus-61a4-20300107082000000")
        #expect(record.type == .incremental)
        #expect(record.size == 16)
        #expect(record.beginTime == RecordedTime(instant: Self.chainStart, text: "2030-01-07T08:15:00+0000"))
        #expect(record.endTime == RecordedTime(instant: Self.chainStart + Self.step, text: "2030-01-07T08:20:00+0000"))
    }

    // MARK: - MergedPage

    static func precedes(_ a: (Int64, String), _ b: (Int64, String)) -> Bool {
        a.0 != b.0 ? a.0 > b.0 : Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
    }

    static func key(_ backup: RDSBackup) -> (Int64, String) { (backup.beginTime.epochSeconds, backup.id) }

    static func stored(_ id: String, second: Int64) -> RDSBackup {
        RDSBackup(
            id: id,
            instanceID: mysql.id,
            name: "stored-\(id)",
            type: .manual,
            status: .completed,
            size: 1,
            beginTime: RecordedTime(instant: second * 1000, text: TimeGrammar.formatOffsetTime(epochSeconds: second)),
            endTime: RecordedTime(instant: second * 1000, text: TimeGrammar.formatOffsetTime(epochSeconds: second))
        )
    }

    /// Stored records on and around the series' begins: ties at the very second of an element
    /// on both sides of its id, records a second either side, and records beyond both ends.
    static func storedRecords(around series: IncrementalSeries) -> [RDSBackup] {
        var records: [RDSBackup] = []
        for index in 0..<series.count {
            let second = series.begin(at: index) / 1000
            let id = IncrementalSeries.id(of: series.instance, begin: series.begin(at: index))
            if index % 3 == 0 {
                records.append(stored("0-\(index)", second: second))
                records.append(stored("z-\(index)", second: second))
            }
            if index % 4 == 1 {
                // The element's own id with its last character changed: adjacent by bytes.
                records.append(stored(String(id.dropLast()) + "0", second: second))
                records.append(stored(String(id.dropLast()) + "2", second: second))
                records.append(stored(id + "-", second: second))
            }
            if index % 5 == 2 {
                records.append(stored("before-\(index)", second: second + 1))
                records.append(stored("after-\(index)", second: second - 1))
            }
        }
        for extra in 0..<4 {
            records.append(stored("newest-\(extra)", second: series.highest / 1000 + 86_400 + Int64(extra)))
            records.append(stored("oldest-\(extra)", second: series.lowest / 1000 - 86_400 - Int64(extra)))
        }
        return records
    }

    /// The two ways of `MergedPage`: the stored records counted by the store, or through their
    /// `StoredOrder` in memory.
    enum Way: CaseIterable {
        case counted
        case ordered
    }

    /// One page by `MergedPage`, the stored part answered from memory in `window`; and how many
    /// times it asked the store, ties at a second aside.
    static func merged(
        _ request: PageRequest,
        stored: [RDSBackup],
        series: IncrementalSeries,
        window: TimeWindow? = nil,
        way: Way
    ) async throws -> (Page<RDSBackup>, Int) {
        let all = stored.sorted { precedes(key($0), key($1)) }
        let ordered = all.filter { window?.contains($0.beginTime.epochSeconds) ?? true }
        let chain = SeriesSet([series].compactMap { $0.restricted(to: window) })
        var asked = 0
        let read = { (request: PageRequest) -> [RDSBackup] in
            asked += 1
            guard request.offset < ordered.count else { return [] }
            return Array(ordered[request.offset..<min(ordered.count, request.offset + request.limit)])
        }
        switch way {
        case .counted:
            let page = try await MergedPage.page(
                request,
                storedTotal: ordered.count,
                series: chain,
                storedBefore: { second, id in
                    asked += 1
                    return ordered.count(where: { precedes(key($0), (second, id)) })
                },
                stored: read,
                element: chain.rdsBackup(at:),
                key: key
            )
            return (page, asked)
        case .ordered:
            let page = try await MergedPage.page(
                request,
                order: StoredOrder(seconds: all.map { key($0).0 }),
                window: window,
                series: chain,
                ties: { second, count in
                    let ids = ordered.filter { $0.beginTime.epochSeconds == second }.map(\.id)
                    #expect(ids.count == count, "\(count) ties asked for at \(second), \(ids.count) there")
                    return ids.shuffled()
                },
                stored: read,
                element: chain.rdsBackup(at:),
                key: key
            )
            return (page, asked)
        }
    }

    static func bruteForce(
        _ request: PageRequest,
        stored: [RDSBackup],
        series: IncrementalSeries,
        window: TimeWindow? = nil
    ) -> Page<RDSBackup> {
        let all = (stored + (0..<series.count).map(series.rdsBackup(at:)))
            .filter { window?.contains($0.beginTime.epochSeconds) ?? true }
            .sorted { precedes(key($0), key($1)) }
        guard request.offset < all.count else { return Page(items: [], total: all.count) }
        return Page(items: Array(all[request.offset..<min(all.count, request.offset + request.limit)]), total: all.count)
    }

    @Test(arguments: Way.allCases)
    func aMergedPageIsThePageOfTheMergedList(way: Way) async throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-07T20:00:00.000Z")))
        let stored = Self.storedRecords(around: series)
        let total = stored.count + series.count
        #expect(series.count == 141)
        var bound = 1
        while (1 << bound) <= series.count { bound += 1 }
        for limit in [1, 2, 7, 10, 100] {
            for offset in stride(from: 0, through: total + 2, by: limit == 1 ? 1 : 3) {
                let request = PageRequest(offset: offset, limit: limit)
                let (page, asked) = try await Self.merged(request, stored: stored, series: series, way: way)
                let expected = Self.bruteForce(request, stored: stored, series: series)
                #expect(page == expected, "offset \(offset), limit \(limit)")
                switch way {
                case .ordered:
                    // The order answers every count: the page's stored records are the one read.
                    #expect(asked <= 1, "offset \(offset), limit \(limit): asked \(asked) times")
                case .counted:
                    // A few counts and one read, whatever the depth: a binary search over the series.
                    #expect(asked <= bound + 1, "offset \(offset), limit \(limit): asked \(asked) times")
                }
            }
        }
        // A limit of 0 gives the total alone.
        let (empty, _) = try await Self.merged(PageRequest(offset: 5, limit: 0), stored: stored, series: series, way: way)
        #expect(empty.items.isEmpty)
        #expect(empty.total == total)
    }

    @Test(arguments: Way.allCases)
    func pagesOfSevenConcatenateToTheWholeList(way: Way) async throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-07T20:00:00.000Z")))
        let stored = Self.storedRecords(around: series)
        var concatenated: [RDSBackup] = []
        var offset = 0
        for _ in 0..<200 {
            let (page, _) = try await Self.merged(PageRequest(offset: offset, limit: 7), stored: stored, series: series, way: way)
            #expect(page.total == stored.count + series.count)
            if page.items.isEmpty { break }
            concatenated += page.items
            offset += 7
        }
        let whole = Self.bruteForce(PageRequest(offset: 0, limit: 10_000), stored: stored, series: series)
        #expect(concatenated == whole.items)
        #expect(Set(concatenated.map(\.id)).count == concatenated.count)
    }

    @Test(arguments: ["none", "all newer", "all older", "only ties"], Way.allCases)
    func mergedPagesOfOtherShapes(_ shape: String, way: Way) async throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-07T10:00:00.000Z")))
        let stored: [RDSBackup] =
            switch shape {
            case "none": []
            case "all newer": (0..<9).map { Self.stored("n\($0)", second: series.highest / 1000 + 1 + Int64($0 % 3)) }
            case "all older": (0..<9).map { Self.stored("o\($0)", second: series.lowest / 1000 - 1 - Int64($0 % 3)) }
            default:
                (0..<series.count).flatMap { index in
                    ["0", "f", "~"].map { Self.stored($0 + "\(index)", second: series.begin(at: index) / 1000) }
                }
            }
        let total = stored.count + series.count
        for limit in [1, 4, 100] {
            for offset in 0...(total + 1) {
                let request = PageRequest(offset: offset, limit: limit)
                let (page, _) = try await Self.merged(request, stored: stored, series: series, way: way)
                #expect(page == Self.bruteForce(request, stored: stored, series: series), "\(shape): offset \(offset), limit \(limit)")
            }
        }
    }

    /// Windows that cut the stored records and the series anywhere, ties and neighbours included.
    @Test(arguments: Way.allCases)
    func mergedPagesInAWindowArePagesOfTheWindow(way: Way) async throws {
        let series = try #require(Self.scenario(at: Self.ms("2030-01-07T20:00:00.000Z")))
        let stored = Self.storedRecords(around: series)
        let middle = series.begin(at: series.count / 2) / 1000
        let windows = [
            TimeWindow(from: middle, through: nil),
            TimeWindow(from: nil, through: middle),
            TimeWindow(from: middle - 1, through: middle + 1),
            TimeWindow(from: middle, through: middle),
            TimeWindow(from: series.lowest / 1000 - 86_400 - 2, through: series.highest / 1000 + 86_400 + 1),
            TimeWindow(from: series.highest / 1000 + 3 * 86_400, through: nil),
        ]
        for window in windows {
            let total = Self.bruteForce(PageRequest(offset: 0, limit: 0), stored: stored, series: series, window: window).total
            for limit in [1, 10, 100] {
                for offset in stride(from: 0, through: total + 1, by: max(1, limit / 2)) {
                    let request = PageRequest(offset: offset, limit: limit)
                    let (page, _) = try await Self.merged(request, stored: stored, series: series, window: window, way: way)
                    let expected = Self.bruteForce(request, stored: stored, series: series, window: window)
                    #expect(page == expected, "window \(window), offset \(offset), limit \(limit)")
                }
            }
        }
    }

    @Test func aStoredOrderFindsTheRunOfAWindow() {
        let order = StoredOrder(seconds: [50, 40, 40, 40, 30, 20, 20, 10])
        #expect(order.indices(in: nil) == 0..<8)
        #expect(order.indices(in: TimeWindow(from: 40, through: 40)) == 1..<4)
        #expect(order.indices(in: TimeWindow(from: 20, through: nil)) == 0..<7)
        #expect(order.indices(in: TimeWindow(from: nil, through: 39)) == 4..<8)
        #expect(order.indices(in: TimeWindow(from: 41, through: 49)).isEmpty)
        #expect(order.indices(in: TimeWindow(from: 60, through: 5)).isEmpty)
        #expect(order.firstIndex(notNewerThan: 40, in: 0..<8) == 1)
        #expect(order.firstIndex(notNewerThan: 39, in: 0..<8) == 4)
        #expect(order.firstIndex(notNewerThan: 5, in: 2..<6) == 6)
        #expect(StoredOrder(seconds: []).indices(in: TimeWindow(from: 1, through: 2)) == 0..<0)
    }
}
