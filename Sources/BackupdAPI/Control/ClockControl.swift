public import BackupdCatalog

/// The control operations on a store, shared by the control API and the command line
/// (`docs/lifecycle.md` §5.2, §5.3): each answers the document the API returns.
public struct ClockControl: Sendable {
    private let store: any ClockStore
    /// Real time, which the catalog clock runs from (and which authentication uses alone).
    private let realTime: WallClock

    public init(store: any ClockStore, realTime: WallClock = .system) {
        self.store = store
        self.realTime = realTime
    }

    /// C1: the clock document.
    public func clock() async throws -> [UInt8] {
        let setting = try await store.clockSetting()
        return Self.clockDocument(setting, realMilliseconds: realMilliseconds)
    }

    /// C2: applies `change` and answers the clock document after it.
    /// - Throws: 409 `BACKUPD.0409` when the clock would move backwards.
    public func changeClock(_ change: ClockChange) async throws -> [UInt8] {
        let real = realMilliseconds
        do {
            let setting = try await store.changeClock { setting in try change.applied(to: setting, realMilliseconds: real) }
            return Self.clockDocument(setting, realMilliseconds: real)
        } catch let refusal as ClockRefusal {
            switch refusal {
            case .backwards(let reading): throw ControlErrors.backwards(reading: reading)
            }
        }
    }

    /// C3: the timings document.
    public func timings() async throws -> [UInt8] {
        Self.timingsDocument(try await store.timings())
    }

    /// C4: sets the timings named in `change` and answers the timings document after it.
    public func changeTimings(_ change: [Timing: Int]) async throws -> [UInt8] {
        let timings = try await store.changeTimings { timings in
            var next = timings
            for (timing, seconds) in change { next[timing] = seconds }
            return next
        }
        return Self.timingsDocument(timings)
    }

    /// C5: arms a fault for the next full backup of `instanceID`, as of the catalog's time now.
    /// - Throws: 404 `BACKUPD.0404` when there is no such instance.
    public func armFault(instanceID: String) async throws -> [UInt8] {
        let now = try await store.clockSetting().reading(realMilliseconds: realMilliseconds)
        guard try await store.armFault(instanceID: instanceID, at: now) else { throw ControlErrors.unknownInstance }
        var json = JSONWriter(capacity: 96)
        json.object { json in
            json.field("instance_id", instanceID)
            json.field("next_backup", "fail")
        }
        return json.bytes
    }

    private var realMilliseconds: Int64 { realTime.milliseconds }

    /// `{"now", "frozen", "offset_seconds"}`; the offset is truncated toward zero.
    static func clockDocument(_ setting: ClockSetting, realMilliseconds: Int64) -> [UInt8] {
        let now = setting.reading(realMilliseconds: realMilliseconds)
        var json = JSONWriter(capacity: 96)
        json.object { json in
            json.field("now", TimeGrammar.formatUTCMilliseconds(now))
            json.key("frozen")
            json.bool(setting.isFrozen)
            json.field("offset_seconds", (now - realMilliseconds) / 1000)
        }
        return json.bytes
    }

    static func timingsDocument(_ timings: LifecycleTimings) -> [UInt8] {
        var json = JSONWriter(capacity: 128)
        json.object { json in
            for timing in Timing.allCases { json.field(timing.rawValue, timings[timing]) }
        }
        return json.bytes
    }
}
