public import BackupdCatalog
import BackupdStorage
import PostgresNIO

/// The catalog clock, the phase timings and the armed faults (`docs/lifecycle.md` §5). Changes
/// lock their row for the transaction, so concurrent changes from any node apply one by one.
extension PostgresCatalogStore {
    public func clockSetting() async throws -> ClockSetting {
        try await read { connection in try await self.clockSetting(connection, locking: false) }
    }

    public func changeClock(
        _ change: @escaping @Sendable (ClockSetting) throws -> ClockSetting
    ) async throws -> ClockSetting {
        try await write { connection in
            let next = try change(try await self.clockSetting(connection, locking: true))
            try await connection.execute(
                "UPDATE catalog_clock SET offset_ms = \(next.offsetMilliseconds), frozen_at = \(next.frozenAt)",
                logger: self.logger
            )
            return next
        }
    }

    public func timings() async throws -> LifecycleTimings {
        try await read { connection in try await self.timings(connection, locking: false) }
    }

    public func changeTimings(
        _ change: @escaping @Sendable (LifecycleTimings) -> LifecycleTimings
    ) async throws -> LifecycleTimings {
        try await write { connection in
            let next = change(try await self.timings(connection, locking: true))
            let table = StoredTables.lifecycleTimings
            var binds = PostgresBindings(capacity: table.columns.count)
            for timing in Timing.allCases { binds.append(Int64(next[timing])) }
            let assignments = table.columns.enumerated().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
            try await connection.execute(
                PostgresQuery(unsafeSQL: "UPDATE \(table.name) SET \(assignments)", binds: binds),
                logger: self.logger
            )
            return next
        }
    }

    public func armFault(instanceID: String, at instant: Int64) async throws -> Bool {
        guard CatalogText.isStorable(instanceID) else { return false }
        return try await write { connection in
            guard try await !connection.rows("SELECT 1 FROM instances WHERE id = \(instanceID)", logger: self.logger).isEmpty
            else { return false }
            try await connection.execute(
                "INSERT INTO armed_faults VALUES (\(instanceID), \(instant)) ON CONFLICT DO NOTHING",
                logger: self.logger
            )
            return true
        }
    }

    public func armedFault(instanceID: String) async throws -> Int64? {
        guard CatalogText.isStorable(instanceID) else { return nil }
        return try await read { connection in
            try await connection.rows("SELECT armed_at FROM armed_faults WHERE instance_id = \(instanceID)", logger: self.logger)
                .first?[0].decode(Int64.self)
        }
    }

    func clockSetting(_ connection: PostgresConnection, locking: Bool) async throws -> ClockSetting {
        try await connection.first(
            "\(unescaped: StoredTables.catalogClock.select)\(unescaped: locking ? " FOR UPDATE" : "")",
            logger: logger,
            StoredRecords.clockSetting
        ) ?? .initial
    }

    func timings(_ connection: PostgresConnection, locking: Bool) async throws -> LifecycleTimings {
        try await connection.first(
            "\(unescaped: StoredTables.lifecycleTimings.select)\(unescaped: locking ? " FOR UPDATE" : "")",
            logger: logger,
            StoredRecords.timings
        ) ?? .defaults
    }
}
