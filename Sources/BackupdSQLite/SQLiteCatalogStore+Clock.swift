public import BackupdCatalog
import BackupdStorage
import GRDB

/// The catalog clock, the phase timings and the armed faults (`docs/lifecycle.md` §5).
extension SQLiteCatalogStore {
    public func clockSetting() async throws -> ClockSetting {
        try await read(Self.clockSetting)
    }

    public func changeClock(
        _ change: @escaping @Sendable (ClockSetting) throws -> ClockSetting
    ) async throws -> ClockSetting {
        try await write { db in
            let next = try change(try Self.clockSetting(db))
            try db.run(
                "UPDATE \(StoredTables.catalogClock.name) SET offset_ms = ?, frozen_at = ?",
                arguments: [next.offsetMilliseconds, next.frozenAt]
            )
            return next
        }
    }

    public func timings() async throws -> LifecycleTimings {
        try await read(Self.timings)
    }

    public func changeTimings(
        _ change: @escaping @Sendable (LifecycleTimings) -> LifecycleTimings
    ) async throws -> LifecycleTimings {
        try await write { db in
            let next = change(try Self.timings(db))
            let table = StoredTables.lifecycleTimings
            try db.run(
                "UPDATE \(table.name) SET \(table.columns.map { "\($0) = ?" }.joined(separator: ", "))",
                arguments: StatementArguments(Timing.allCases.map { next[$0] })
            )
            return next
        }
    }

    public func armFault(instanceID: String, at instant: Int64) async throws -> Bool {
        guard CatalogText.isStorable(instanceID) else { return false }
        return try await write { db in
            guard
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM instances WHERE id = ?"),
                    arguments: [instanceID]
                ) != nil
            else {
                return false
            }
            try db.run(
                "INSERT INTO \(StoredTables.armedFaults.name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [instanceID, instant]
            )
            return true
        }
    }

    public func armedFault(instanceID: String) async throws -> Int64? {
        guard CatalogText.isStorable(instanceID) else { return nil }
        return try await read { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT armed_at FROM armed_faults WHERE instance_id = ?"),
                arguments: [instanceID]
            )
        }
    }

    static func clockSetting(_ db: Database) throws -> ClockSetting {
        try fetchOne(db, StoredTables.catalogClock.select, [], StoredRecords.clockSetting) ?? .initial
    }

    static func timings(_ db: Database) throws -> LifecycleTimings {
        try fetchOne(db, StoredTables.lifecycleTimings.select, [], StoredRecords.timings) ?? .defaults
    }
}
