import BackupdCatalog
import BackupdTestSupport
import Testing

/// The `ClockStore` part of the `CatalogStore` contract (`lifecycle.md` §5), on every engine: the
/// clock's setting, the phase timings and the armed faults live in the store, start at their
/// defaults, change in one transaction (a refusal leaves them as they were and reaches the
/// caller as thrown), are seen by every store object on the database, and move the change marker.
@Suite struct CatalogStoreClockTests {
    typealias Acme = Fixtures.Acme

    /// 2030-01-07T08:00:00.000Z.
    static let example: Int64 = 1_894_003_200_000

    /// A refusal of a test's own, thrown from inside the transaction like `ClockRefusal`.
    struct TestRefusal: TransactionRefusal, Equatable {
        let reason: String
    }

    // MARK: - A new store

    @Test(arguments: StoreEngine.all)
    func aNewStoreRunsOnRealTimeWithTheDefaultTimingsAndNoFaults(_ engine: StoreEngine) async throws {
        let store = try await engine.makeStore()
        #expect(try await store.clockSetting() == .initial)
        #expect(try await store.timings() == .defaults)
        #expect(
            LifecycleTimings.defaults
                == LifecycleTimings(rdsBuilding: 60, rdsDeleting: 10, taurusDBBuilding: 60, dcsWaiting: 5, dcsBackuping: 60)
        )
        #expect(try await store.armedFault(instanceID: Acme.mysqlInstance) == nil)

        // A seed load touches none of them.
        let seeded = try await Fixtures.exampleStore(engine)
        #expect(try await seeded.clockSetting() == .initial)
        #expect(try await seeded.timings() == .defaults)
        #expect(try await seeded.armedFault(instanceID: Acme.mysqlInstance) == nil)
    }

    // MARK: - The clock

    @Test(arguments: StoreEngine.all)
    func aClockChangeIsKeptAndSeenThroughAnotherStoreObject(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        let frozen = ClockSetting(offsetMilliseconds: 123_456_789, frozenAt: Self.example)
        let returned = try await first.changeClock { current in
            #expect(current == .initial)
            return frozen
        }
        #expect(returned == frozen)
        #expect(try await first.clockSetting() == frozen)
        #expect(try await second.clockSetting() == frozen)

        // The other object changes it from what the first wrote; both read the result.
        let running = ClockSetting(offsetMilliseconds: -42, frozenAt: nil)
        let next = try await second.changeClock { current in
            #expect(current == frozen)
            return running
        }
        #expect(next == running)
        #expect(try await first.clockSetting() == running)
        #expect(try await second.clockSetting() == running)
    }

    @Test(arguments: StoreEngine.all)
    func extremeSettingsRoundTrip(_ engine: StoreEngine) async throws {
        let store = try await engine.makeStore()
        for setting in [
            ClockSetting(offsetMilliseconds: 36_500 * 86_400_000 * 20, frozenAt: nil),
            ClockSetting(offsetMilliseconds: -1, frozenAt: nil),
            ClockSetting(offsetMilliseconds: 0, frozenAt: 253_402_300_799_999),
            ClockSetting(offsetMilliseconds: Int64.min, frozenAt: Int64.max),
            ClockSetting(offsetMilliseconds: 0, frozenAt: -62_135_596_800_000),
            .initial,
        ] {
            #expect(try await store.changeClock { _ in setting } == setting)
            #expect(try await store.clockSetting() == setting)
        }
    }

    @Test(arguments: StoreEngine.all)
    func aRefusedClockChangeLeavesTheSettingAndReachesTheCallerAsThrown(_ engine: StoreEngine) async throws {
        let (store, other) = try await engine.makeStorePair()
        let frozen = ClockSetting(offsetMilliseconds: 0, frozenAt: Self.example)
        _ = try await store.changeClock { _ in frozen }
        let real = Self.example - 86_400_000

        // C2's own refusal, through ClockChange.applied: it arrives as a ClockRefusal, not a CatalogError.
        let backwards = ClockChange(move: .to(Self.example - 1), frozen: false)
        await #expect(throws: ClockRefusal.backwards(reading: Self.example)) {
            try await store.changeClock { current in try backwards.applied(to: current, realMilliseconds: real) }
        }
        #expect(try await store.clockSetting() == frozen)
        #expect(try await other.clockSetting() == frozen)

        // A closure that has already computed a new setting, then refuses: nothing of it is kept.
        await #expect(throws: ClockRefusal.backwards(reading: 7)) {
            try await store.changeClock { _ in
                _ = ClockSetting(offsetMilliseconds: 1, frozenAt: nil)
                throw ClockRefusal.backwards(reading: 7)
            }
        }
        await #expect(throws: TestRefusal(reason: "no")) {
            try await other.changeClock { _ in throw TestRefusal(reason: "no") }
        }
        #expect(try await store.clockSetting() == frozen)
        #expect(try await other.clockSetting() == frozen)

        // The caller can tell the refusal apart from a store failure.
        do {
            _ = try await store.changeClock { current in try backwards.applied(to: current, realMilliseconds: real) }
            Issue.record("a backwards change was accepted")
        } catch let error as CatalogError {
            Issue.record("the refusal arrived as a CatalogError: \(error)")
        } catch let refusal as ClockRefusal {
            #expect(refusal == .backwards(reading: Self.example))
        }

        // The store still works after the rollbacks.
        let later = try await store.changeClock { current in
            try ClockChange(move: .by(36 * 3_600_000)).applied(to: current, realMilliseconds: real)
        }
        #expect(later == ClockSetting(offsetMilliseconds: 0, frozenAt: 1_894_132_800_000))
        #expect(try await other.clockSetting() == later)
    }

    @Test(arguments: StoreEngine.all)
    func concurrentClockChangesApplyOneAfterTheOther(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        _ = try await first.changeClock { _ in ClockSetting(offsetMilliseconds: 0, frozenAt: Self.example) }
        let changes = 12
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<changes {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    _ = try await store.changeClock { current in
                        try ClockChange(move: .by(1000)).applied(to: current, realMilliseconds: 0)
                    }
                }
            }
            try await group.waitForAll()
        }
        // No change was lost: each read the one before it.
        #expect(try await first.clockSetting().frozenAt == Self.example + Int64(changes) * 1000)
    }

    // MARK: - Timings

    @Test(arguments: StoreEngine.all)
    func timingsChangesAreKeptAndSeenThroughAnotherStoreObject(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        let next = try await first.changeTimings { current in
            #expect(current == .defaults)
            var next = current
            next.rdsBuilding = 0
            next.dcsBackuping = 86_400
            return next
        }
        let expected = LifecycleTimings(rdsBuilding: 0, rdsDeleting: 10, taurusDBBuilding: 60, dcsWaiting: 5, dcsBackuping: 86_400)
        #expect(next == expected)
        #expect(try await first.timings() == expected)
        #expect(try await second.timings() == expected)

        // Every timing is its own column.
        let distinct = LifecycleTimings(rdsBuilding: 1, rdsDeleting: 2, taurusDBBuilding: 3, dcsWaiting: 4, dcsBackuping: 5)
        #expect(try await second.changeTimings { _ in distinct } == distinct)
        #expect(try await first.timings() == distinct)
        for (index, timing) in Timing.allCases.enumerated() {
            #expect(try await first.timings()[timing] == index + 1)
        }

        // Back to the defaults.
        #expect(try await first.changeTimings { _ in .defaults } == .defaults)
        #expect(try await second.timings() == .defaults)
    }

    @Test(arguments: StoreEngine.all)
    func concurrentTimingsChangesApplyOneAfterTheOther(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        _ = try await first.changeTimings { _ in
            LifecycleTimings(rdsBuilding: 0, rdsDeleting: 0, taurusDBBuilding: 0, dcsWaiting: 0, dcsBackuping: 0)
        }
        let changes = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<changes {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    _ = try await store.changeTimings { current in
                        var next = current
                        next.rdsBuilding += 1
                        return next
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await second.timings().rdsBuilding == changes)
    }

    // MARK: - Faults

    @Test(arguments: StoreEngine.all)
    func aFaultIsArmedOnlyForAKnownInstanceOfAnyService(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        for unknown in ["ffffffffffffffffffffffffffffffffin01", "", "nul\u{0}", Acme.mysqlInstance.uppercased(), Acme.cnNorth4] {
            #expect(try await store.armFault(instanceID: unknown, at: Self.example) == false, "\(unknown)")
            #expect(try await store.armedFault(instanceID: unknown) == nil, "\(unknown)")
        }
        let instances = [
            Acme.mysqlInstance, Acme.postgresInstance, Acme.taurusInstance, Acme.redisInstance, Acme.memcachedInstance,
            Acme.ddmInstance,
        ]
        for (index, instance) in instances.enumerated() {
            #expect(try await store.armFault(instanceID: instance, at: Self.example + Int64(index)), "\(instance)")
        }
        for (index, instance) in instances.enumerated() {
            #expect(try await store.armedFault(instanceID: instance) == Self.example + Int64(index), "\(instance)")
        }
        // Others stay unarmed.
        #expect(try await store.armedFault(instanceID: Acme.mysqlProd) == nil)
        #expect(try await store.armedFault(instanceID: Acme.sqlServerInstance) == nil)
    }

    @Test(arguments: StoreEngine.all)
    func armingTwiceKeepsTheFirstInstant(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: first)
        #expect(try await first.armFault(instanceID: Acme.mysqlInstance, at: Self.example))
        #expect(try await second.armFault(instanceID: Acme.mysqlInstance, at: Self.example + 5000))
        #expect(try await first.armFault(instanceID: Acme.mysqlInstance, at: Self.example - 5000))
        #expect(try await first.armedFault(instanceID: Acme.mysqlInstance) == Self.example)
        #expect(try await second.armedFault(instanceID: Acme.mysqlInstance) == Self.example)

        // Loading the seed again (upserts of the same instances) keeps the fault.
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: second)
        #expect(try await first.armedFault(instanceID: Acme.mysqlInstance) == Self.example)
    }

    // MARK: - The change marker

    @Test(arguments: StoreEngine.all)
    func everyChangeMovesTheChangeMarkerAndReadsDoNot(_ engine: StoreEngine) async throws {
        let (store, other) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: store)
        var marker = try await store.changeMarker()
        var otherMarker = try await other.changeMarker()

        _ = try await store.clockSetting()
        _ = try await store.timings()
        _ = try await store.armedFault(instanceID: Acme.mysqlInstance)
        #expect(try await store.changeMarker() == marker, "a read changed the marker")
        #expect(try await other.changeMarker() == otherMarker, "a read changed the other object's marker")

        let changes: [(String, @Sendable () async throws -> Void)] = [
            ("a clock change", { _ = try await store.changeClock { _ in ClockSetting(offsetMilliseconds: 1000, frozenAt: nil) } }),
            ("a freeze", { _ = try await store.changeClock { _ in ClockSetting(offsetMilliseconds: 1000, frozenAt: Self.example) } }),
            ("a clock change through another object", { _ = try await other.changeClock { _ in .initial } }),
            (
                "a timings change",
                {
                    _ = try await store.changeTimings { current in
                        var next = current
                        next.dcsWaiting = 0
                        return next
                    }
                }
            ),
            ("a timings change through another object", { _ = try await other.changeTimings { _ in .defaults } }),
            ("an armed fault", { _ = try await store.armFault(instanceID: Acme.mysqlInstance, at: Self.example) }),
            ("an armed fault through another object", { _ = try await other.armFault(instanceID: Acme.redisInstance, at: Self.example) }),
        ]
        for (name, change) in changes {
            try await change()
            let next = try await store.changeMarker()
            #expect(next != marker, "\(name) left the marker as it was")
            marker = next
            // Another object on the database sees the change too (its marker is its own number).
            if engine != .sqliteMemory {
                let otherNext = try await other.changeMarker()
                #expect(otherNext != otherMarker, "\(name) left the other object's marker as it was")
                otherMarker = otherNext
            }
        }
    }
}
