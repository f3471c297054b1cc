/// A point in time kept together with the text it was written as, so that the API
/// can return it in the offset it was written with (`docs/seed-format.md` §Times) while
/// every comparison is made between instants (`docs/api.md` §1.8).
public struct RecordedTime: Sendable, Hashable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var instant: Int64
    /// The text as written, returned verbatim.
    public var text: String

    public init(instant: Int64, text: String) {
        self.instant = instant
        self.text = text
    }

    /// Whole seconds since the epoch, rounded down: the sort and window key of every list.
    public var epochSeconds: Int64 {
        instant >= 0 ? instant / 1000 : (instant - 999) / 1000
    }
}

extension RecordedTime {
    /// Parses `yyyy-mm-ddThh:mm:ss±hhmm` or `…Z` (RDS, TaurusDB and DDM times, `docs/api.md` §1.8).
    public init?(offsetTime text: String) {
        guard let seconds = TimeGrammar.parseOffsetTime(text) else { return nil }
        self.init(instant: seconds * 1000, text: text)
    }

    /// Parses `yyyy-mm-ddThh:mm:ss.SSSZ` (DCS record times, UTC with milliseconds).
    public init?(utcMillisecondTime text: String) {
        guard let millis = TimeGrammar.parseUTCMilliseconds(text) else { return nil }
        self.init(instant: millis, text: text)
    }

    /// A time the server itself writes: UTC, `+0000` (`docs/seed-format.md` §Times).
    public init(utcSecondsSinceEpoch seconds: Int64) {
        self.init(instant: seconds * 1000, text: TimeGrammar.formatOffsetTime(epochSeconds: seconds))
    }

    /// A DCS time the server itself writes: UTC with milliseconds and `Z`.
    public init(utcMillisecondsSinceEpoch millis: Int64) {
        self.init(instant: millis, text: TimeGrammar.formatUTCMilliseconds(millis))
    }
}
