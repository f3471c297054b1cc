/// The catalog clock as the store keeps it (`docs/lifecycle.md` §5): one for the whole catalog,
/// shared by every node, so that every node reads the same time. Its reading is a function of
/// real time and this setting only; real time is the caller's (a `WallClock`), so that the
/// setting itself never changes on its own.
public struct ClockSetting: Sendable, Hashable {
    /// The reading minus real time, in milliseconds, while the clock runs.
    public var offsetMilliseconds: Int64
    /// The reading while the clock is frozen (milliseconds since the epoch); `nil` while it runs.
    public var frozenAt: Int64?

    public init(offsetMilliseconds: Int64, frozenAt: Int64?) {
        self.offsetMilliseconds = offsetMilliseconds
        self.frozenAt = frozenAt
    }

    /// A new store's clock: real time, running.
    public static let initial = ClockSetting(offsetMilliseconds: 0, frozenAt: nil)

    public var isFrozen: Bool { frozenAt != nil }

    /// The catalog time when real time is `realMilliseconds`.
    public func reading(realMilliseconds: Int64) -> Int64 {
        frozenAt ?? realMilliseconds &+ offsetMilliseconds
    }

    /// The same clock reading `instant` now, frozen or running as before.
    func moved(to instant: Int64, realMilliseconds: Int64) -> ClockSetting {
        isFrozen
            ? ClockSetting(offsetMilliseconds: offsetMilliseconds, frozenAt: instant)
            : ClockSetting(offsetMilliseconds: instant &- realMilliseconds, frozenAt: nil)
    }

    /// The clock frozen at its reading, or running on from it (the offset continues the reading).
    func frozen(_ frozen: Bool, realMilliseconds: Int64) -> ClockSetting {
        let now = reading(realMilliseconds: realMilliseconds)
        return frozen
            ? ClockSetting(offsetMilliseconds: offsetMilliseconds, frozenAt: now)
            : ClockSetting(offsetMilliseconds: now &- realMilliseconds, frozenAt: nil)
    }
}

/// One change of the clock as the control API and the CLI ask for it: first a move (to an
/// instant, or by a duration), then freezing or unfreezing (`docs/lifecycle.md` §5.2, C2).
public struct ClockChange: Sendable, Hashable {
    public enum Move: Sendable, Hashable {
        /// Set the reading to this instant (milliseconds since the epoch).
        case to(Int64)
        /// Add this many milliseconds to the reading.
        case by(Int64)
    }

    public var move: Move?
    public var frozen: Bool?

    public init(move: Move? = nil, frozen: Bool? = nil) {
        self.move = move
        self.frozen = frozen
    }

    /// The setting after this change, at real time `realMilliseconds`.
    /// - Throws: `ClockRefusal.backwards` when the move would set the clock earlier than it reads.
    public func applied(to setting: ClockSetting, realMilliseconds: Int64) throws(ClockRefusal) -> ClockSetting {
        var result = setting
        let now = setting.reading(realMilliseconds: realMilliseconds)
        switch move {
        case .to(let instant):
            guard instant >= now else { throw .backwards(reading: now) }
            result = result.moved(to: instant, realMilliseconds: realMilliseconds)
        case .by(let milliseconds):
            result = result.moved(to: now &+ milliseconds, realMilliseconds: realMilliseconds)
        case nil:
            break
        }
        if let frozen, frozen != result.isFrozen {
            result = result.frozen(frozen, realMilliseconds: realMilliseconds)
        }
        return result
    }
}

/// Why a clock change was refused.
public enum ClockRefusal: Error, Sendable, Hashable {
    /// The clock never moves backwards; `reading` is what it reads now (milliseconds).
    case backwards(reading: Int64)
}

extension ClockRefusal: TransactionRefusal {}
