import BackupdCatalog
import Testing

/// The two grammars of the control API (`lifecycle.md` §5.2) and the clock's arithmetic:
/// `ClockGrammar.parseInstant` (`T`), `ClockGrammar.parseDuration` (`D`), `ClockChange.applied`
/// (C2's semantics) and `ClockSetting.reading`. Expected instants were computed independently
/// (Python's `datetime`), never with the code under test.
@Suite struct ClockGrammarTests {
    // MARK: - T: RFC 3339 instants

    struct Instant: Sendable, CustomTestStringConvertible {
        let text: String
        let milliseconds: Int64
        var testDescription: String { text }
    }

    /// 2030-01-07T08:00:00.000Z, the contract's example reading.
    static let example: Int64 = 1_894_003_200_000

    static let validInstants: [Instant] = [
        Instant(text: "2030-01-07T08:00:00.000Z", milliseconds: example),
        Instant(text: "2030-01-07T08:00:00Z", milliseconds: example),
        // One to three fraction digits, read as tenths, hundredths, thousandths.
        Instant(text: "2030-01-07T08:00:00.5Z", milliseconds: 1_894_003_200_500),
        Instant(text: "2030-01-07T08:00:00.12Z", milliseconds: 1_894_003_200_120),
        Instant(text: "2030-01-07T08:00:00.123Z", milliseconds: 1_894_003_200_123),
        Instant(text: "2030-01-07T08:00:00.001Z", milliseconds: 1_894_003_200_001),
        Instant(text: "2030-01-07T08:00:00.050Z", milliseconds: 1_894_003_200_050),
        // Offsets ±hh:mm, both signs, and -00:00.
        Instant(text: "2030-01-07T16:00:00+08:00", milliseconds: example),
        Instant(text: "2030-01-07T03:00:00-05:00", milliseconds: example),
        Instant(text: "2030-01-07T08:00:00.000+00:00", milliseconds: example),
        Instant(text: "2030-01-07T08:00:00.000-00:00", milliseconds: example),
        Instant(text: "2030-01-01T00:00:00+14:00", milliseconds: 1_893_405_600_000),
        Instant(text: "2030-12-31T23:59:59.999-00:30", milliseconds: 1_924_993_799_999),
        Instant(text: "2024-02-29T23:59:59.999+23:59", milliseconds: 1_709_164_859_999),
        Instant(text: "2024-02-29T23:59:59.999-23:59", milliseconds: 1_709_337_539_999),
        // Leap days of 2000 (divisible by 400) and the edges of the epoch and of four-digit years.
        Instant(text: "2000-02-29T12:00:00Z", milliseconds: 951_825_600_000),
        Instant(text: "1970-01-01T00:00:00Z", milliseconds: 0),
        Instant(text: "1969-12-31T23:59:59.999Z", milliseconds: -1),
        Instant(text: "0001-01-01T00:00:00Z", milliseconds: -62_135_596_800_000),
        Instant(text: "9999-12-31T23:59:59.999Z", milliseconds: 253_402_300_799_999),
        Instant(text: "2030-01-08T20:00:00.000Z", milliseconds: 1_894_132_800_000),
    ]

    @Test("valid instants parse to their millisecond", arguments: validInstants)
    func validInstant(_ example: Instant) {
        #expect(ClockGrammar.parseInstant(example.text) == example.milliseconds)
    }

    static let invalidInstants: [String] = [
        "",
        "2030-01-07",
        "2030-01-07T08:00",
        "2030-01-07T08:00:00",  // no zone
        "2030-01-07T08:00:00.000",  // fraction, no zone
        "2030-01-07T08:00:00.Z",  // a point without digits
        "2030-01-07T08:00:00.1234Z",  // four fraction digits
        "2030-01-07T08:00:00.000000Z",  // six
        "2030-01-07T08:00:00,123Z",  // comma for the point
        "2030-01-07T08:00:00.-1Z",
        "2030-01-07T08:00:00.+1Z",
        "2030-01-07T08:00:00.1a3Z",
        "2030-01-07T08:00:00+0800",  // offset without its colon
        "2030-01-07T08:00:00+08",  // short offset
        "2030-01-07T08:00:00+08:0",
        "2030-01-07T08:00:00+08:000",
        "2030-01-07T08:00:00+08:00:00",
        "2030-01-07T08:00:00+8:00",
        "2030-01-07T08:00:00 08:00",  // no sign
        "2030-01-07T08:00:00+24:00",  // offset hours past 23
        "2030-01-07T08:00:00-24:00",
        "2030-01-07T08:00:00+08:60",  // offset minutes past 59
        "2030-01-07T08:00:00+0a:00",
        "2030-01-07T08:00:00+08-00",
        "2030-01-07T08:00:00.000+08:00Z",  // offset and Z
        "2030-01-07T08:00:00Z+08:00",
        "2030-01-07T08:00:00z",  // lower-case z
        "2030-01-07t08:00:00Z",  // lower-case t
        "2030-01-07 08:00:00Z",  // space for T
        "2030-01-07T08:00:00ZZ",
        "2030-01-07T08:00:00Z ",
        "2030-01-07T08:00:00Z\n",
        " 2030-01-07T08:00:00Z",
        "2030-01-07T08:00:00UTC",
        "2030-01-07T08:00:00GMT+08:00",
        // Impossible dates and times.
        "2030-02-29T08:00:00Z",  // 2030 is a common year
        "1900-02-29T08:00:00Z",  // divisible by 100, not by 400
        "2024-02-30T08:00:00Z",
        "2030-04-31T08:00:00Z",
        "2030-13-01T08:00:00Z",
        "2030-00-01T08:00:00Z",
        "2030-01-00T08:00:00Z",
        "2030-01-32T08:00:00Z",
        "2030-01-07T24:00:00Z",
        "2030-01-07T08:60:00Z",
        "2016-12-31T23:59:60Z",  // no leap seconds
        "2030-01-07T08:00:61.000Z",
        // Shapes that are not the grammar's.
        "2030-1-07T08:00:00Z",
        "2030-01-7T08:00:00Z",
        "20300107T080000Z",
        "2030/01/07T08:00:00Z",
        "+2030-01-07T08:00:00Z",
        "12030-01-07T08:00:00Z",
        "1894003200000",
        "\u{0662}\u{0660}\u{0663}\u{0660}-01-07T08:00:00Z",  // Arabic-Indic year
        "\u{FF12}030-01-07T08:00:00Z",  // fullwidth digit
        "2030-01-07T08:00:00.\u{0661}Z",  // Arabic-Indic fraction digit
        "2030-01-07T08:00:00\u{0}Z",
    ]

    @Test("text outside T, or not a real date and time, is refused", arguments: invalidInstants)
    func invalidInstant(_ text: String) {
        #expect(ClockGrammar.parseInstant(text) == nil)
    }

    // MARK: - D: ISO 8601 durations

    struct DurationCase: Sendable, CustomTestStringConvertible {
        let text: String
        let milliseconds: Int64
        var testDescription: String { text }
    }

    static let second: Int64 = 1000
    static let minute: Int64 = 60 * second
    static let hour: Int64 = 60 * minute
    static let day: Int64 = 24 * hour

    static let validDurations: [DurationCase] = [
        DurationCase(text: "PT61S", milliseconds: 61 * second),
        DurationCase(text: "PT36H", milliseconds: 36 * hour),
        DurationCase(text: "P7D", milliseconds: 7 * day),
        DurationCase(text: "P2DT12H", milliseconds: 2 * day + 12 * hour),
        DurationCase(text: "PT0S", milliseconds: 0),
        DurationCase(text: "P0D", milliseconds: 0),
        DurationCase(text: "PT0H0M0S", milliseconds: 0),
        DurationCase(text: "PT1.5S", milliseconds: 1500),
        DurationCase(text: "PT1.05S", milliseconds: 1050),
        DurationCase(text: "PT0.001S", milliseconds: 1),
        DurationCase(text: "PT0.999S", milliseconds: 999),
        DurationCase(text: "PT1M", milliseconds: minute),
        DurationCase(text: "PT90M", milliseconds: 90 * minute),
        DurationCase(text: "PT1H30M", milliseconds: hour + 30 * minute),
        DurationCase(text: "PT1H1S", milliseconds: hour + second),
        DurationCase(text: "P1DT1M", milliseconds: day + minute),
        DurationCase(text: "P1DT1H1M1.001S", milliseconds: day + hour + minute + second + 1),
        DurationCase(text: "PT007S", milliseconds: 7 * second),  // `\d+`: leading zeros are digits
        DurationCase(text: "PT3600S", milliseconds: hour),
        // The longest: 36500 days, however it is written.
        DurationCase(text: "P36500D", milliseconds: 36_500 * day),
        DurationCase(text: "PT876000H", milliseconds: 36_500 * day),
        DurationCase(text: "PT3153600000S", milliseconds: 36_500 * day),
        DurationCase(text: "P36499DT24H", milliseconds: 36_500 * day),
        DurationCase(text: "P36499DT23H59M59.999S", milliseconds: 36_500 * day - 1),
    ]

    @Test("valid durations parse to their milliseconds", arguments: validDurations)
    func validDuration(_ example: DurationCase) {
        #expect(ClockGrammar.parseDuration(example.text) == example.milliseconds)
    }

    @Test func theLongestDurationIs36500Days() {
        #expect(ClockGrammar.longestDuration == 36_500 * Self.day)
    }

    static let invalidDurations: [String] = [
        "",
        "P",  // no number
        "PT",  // a T without a number
        "P1DT",
        "T1H",
        "1D",
        "PP1D",
        // Units of varying length, and units in the wrong part.
        "P1H",
        "P1W",
        "P1Y",
        "P1M",
        "P1Y2M",
        "P1WT1H",
        "PT1D",
        "P1S",
        // Order, repetition, shape.
        "PT1S1M",
        "PT1M1H",
        "PT1S1H",
        "PT1H1H",
        "P1D1D",
        "PT1HT1M",
        "P1D2H",
        "P1DT1HX",
        "P1DT1H1M1S1",
        "PTS",
        "PTH",
        "PD",
        // Fractions: only of seconds, one to three digits, digits on both sides.
        "PT1.S",
        "PT.5S",
        "PT1.5000S",
        "PT1,5S",
        "P1.5D",
        "PT1.5H",
        "PT1.5M",
        "PT1.5",
        // Case, signs, blanks.
        "pt1s",
        "Pt1S",
        "P1d",
        "PT1s",
        "-PT1S",
        "+PT1S",
        "PT-1S",
        "PT+1S",
        " PT1S",
        "PT1S ",
        "PT1S\n",
        "PT1H 1M",
        "PT\u{0661}S",  // Arabic-Indic digit
        "PT\u{FF11}S",  // fullwidth digit
        // More than 36500 days in all.
        "P36501D",
        "P36500DT1S",
        "P36500DT0.001S",
        "PT876001H",
        "PT52560001M",
        "PT3153600000.001S",
        "PT3153600001S",
        "P36499DT48H",
        // Huge digit strings: no wrapping into something small.
        "P999999999999999999D",  // 18 digits
        "P9223372036854775807D",  // Int64.max
        "P9223372036854775808D",  // Int64.max + 1
        "P18446744073709551617D",  // 2^64 + 1, wraps to 1 in 64 bits
        "PT18446744073709551616S",  // 2^64, wraps to 0
        "P99999999999999999999D",
        "PT99999999999999999999H",
        "PT99999999999999999999M",
        "PT99999999999999999999S",
        "PT1.99999999999999999999S",
        "P" + String(repeating: "9", count: 1000) + "D",
        "PT" + String(repeating: "1", count: 10_000) + "S",
    ]

    @Test("text outside D, or past 36500 days, is refused", arguments: invalidDurations)
    func invalidDuration(_ text: String) {
        #expect(ClockGrammar.parseDuration(text) == nil)
    }

    /// `\d+` allows leading zeros however many there are: `PT` + 19 zeros and `1S` is one second.
    @Test func leadingZerosBeyondEighteenDigitsStillCount() {
        #expect(ClockGrammar.parseDuration("PT" + String(repeating: "0", count: 19) + "1S") == Self.second)
        #expect(ClockGrammar.parseDuration("P" + String(repeating: "0", count: 30) + "7D") == 7 * Self.day)
        #expect(ClockGrammar.parseDuration("PT" + String(repeating: "0", count: 17) + "1S") == Self.second)
    }

    // MARK: - ClockSetting.reading

    static let real: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

    @Test func aNewStoreReadsRealTimeAndRuns() {
        let initial = ClockSetting.initial
        #expect(initial == ClockSetting(offsetMilliseconds: 0, frozenAt: nil))
        #expect(!initial.isFrozen)
        #expect(initial.reading(realMilliseconds: Self.real) == Self.real)
        #expect(initial.reading(realMilliseconds: 0) == 0)
        #expect(initial.reading(realMilliseconds: -5) == -5)
    }

    @Test func aRunningClockReadsRealTimePlusItsOffset() {
        let ahead = ClockSetting(offsetMilliseconds: 123_456_789_000, frozenAt: nil)
        #expect(!ahead.isFrozen)
        #expect(ahead.reading(realMilliseconds: Self.real) == Self.real + 123_456_789_000)
        #expect(ahead.reading(realMilliseconds: Self.real + 1) == Self.real + 123_456_789_001)
        let behind = ClockSetting(offsetMilliseconds: -1500, frozenAt: nil)
        #expect(behind.reading(realMilliseconds: Self.real) == Self.real - 1500)
    }

    @Test func aFrozenClockReadsItsInstantWhateverRealTimeSays() {
        let frozen = ClockSetting(offsetMilliseconds: 42, frozenAt: Self.example)
        #expect(frozen.isFrozen)
        for real in [Int64(0), Self.real, Self.real + 86_400_000, -1] {
            #expect(frozen.reading(realMilliseconds: real) == Self.example)
        }
    }

    // MARK: - ClockChange.applied (C2)

    @Test func settingNowOnARunningClockMovesItsOffset() throws {
        let change = ClockChange(move: .to(Self.example))
        let next = try change.applied(to: .initial, realMilliseconds: Self.real)
        #expect(next == ClockSetting(offsetMilliseconds: Self.example - Self.real, frozenAt: nil))
        #expect(next.reading(realMilliseconds: Self.real) == Self.example)
        #expect(next.reading(realMilliseconds: Self.real + 2500) == Self.example + 2500)
    }

    @Test func theMoveComesFirstThenTheFreeze() throws {
        let change = ClockChange(move: .to(Self.example), frozen: true)
        let next = try change.applied(to: .initial, realMilliseconds: Self.real)
        #expect(next.frozenAt == Self.example)
        #expect(next.isFrozen)
        #expect(next.reading(realMilliseconds: Self.real + 86_400_000) == Self.example)

        // Advancing a running clock and freezing it freezes at the advanced reading.
        let running = ClockSetting(offsetMilliseconds: 1000, frozenAt: nil)
        let advanced = try ClockChange(move: .by(36 * Self.hour), frozen: true).applied(to: running, realMilliseconds: Self.real)
        #expect(advanced.frozenAt == Self.real + 1000 + 36 * Self.hour)
    }

    @Test func advancingAFrozenClockKeepsItFrozenAtTheNewInstant() throws {
        let frozen = ClockSetting(offsetMilliseconds: 7, frozenAt: Self.example)
        let next = try ClockChange(move: .by(36 * Self.hour)).applied(to: frozen, realMilliseconds: Self.real)
        #expect(next.isFrozen)
        // 2030-01-07T08:00:00.000Z + PT36H = 2030-01-08T20:00:00.000Z.
        #expect(next.frozenAt == 1_894_132_800_000)
        #expect(next.reading(realMilliseconds: Self.real + 99_999) == 1_894_132_800_000)

        let set = try ClockChange(move: .to(Self.example + 5)).applied(to: frozen, realMilliseconds: Self.real)
        #expect(set.frozenAt == Self.example + 5)
    }

    @Test func advancingARunningClockAddsToItsReading() throws {
        let running = ClockSetting(offsetMilliseconds: -250, frozenAt: nil)
        let next = try ClockChange(move: .by(30 * Self.day)).applied(to: running, realMilliseconds: Self.real)
        #expect(!next.isFrozen)
        #expect(next.offsetMilliseconds == -250 + 30 * Self.day)
        #expect(next.reading(realMilliseconds: Self.real) == Self.real - 250 + 30 * Self.day)
        // PT0S moves nothing.
        #expect(try ClockChange(move: .by(0)).applied(to: running, realMilliseconds: Self.real) == running)
    }

    @Test func unfreezingContinuesFromTheFrozenInstant() throws {
        let frozen = ClockSetting(offsetMilliseconds: 999_999, frozenAt: Self.example)
        let later = Self.real + 3_600_000
        let next = try ClockChange(frozen: false).applied(to: frozen, realMilliseconds: later)
        #expect(next == ClockSetting(offsetMilliseconds: Self.example - later, frozenAt: nil))
        #expect(next.reading(realMilliseconds: later) == Self.example)
        #expect(next.reading(realMilliseconds: later + 10) == Self.example + 10)

        // Advance, then run from the advanced instant.
        let moved = try ClockChange(move: .by(Self.day), frozen: false).applied(to: frozen, realMilliseconds: later)
        #expect(moved == ClockSetting(offsetMilliseconds: Self.example + Self.day - later, frozenAt: nil))
    }

    @Test func freezingARunningClockStopsItAtItsReading() throws {
        let running = ClockSetting(offsetMilliseconds: 5000, frozenAt: nil)
        let next = try ClockChange(frozen: true).applied(to: running, realMilliseconds: Self.real)
        #expect(next.frozenAt == Self.real + 5000)
        #expect(next.reading(realMilliseconds: Self.real + 60_000) == Self.real + 5000)
    }

    @Test func freezingAFrozenClockOrRunningARunningOneChangesNothing() throws {
        let frozen = ClockSetting(offsetMilliseconds: 12, frozenAt: Self.example)
        #expect(try ClockChange(frozen: true).applied(to: frozen, realMilliseconds: Self.real) == frozen)
        #expect(try ClockChange(frozen: true).applied(to: frozen, realMilliseconds: Self.real + 86_400_000) == frozen)
        let running = ClockSetting(offsetMilliseconds: 12, frozenAt: nil)
        #expect(try ClockChange(frozen: false).applied(to: running, realMilliseconds: Self.real) == running)
        #expect(try ClockChange().applied(to: running, realMilliseconds: Self.real) == running)
        #expect(try ClockChange().applied(to: frozen, realMilliseconds: Self.real) == frozen)
    }

    @Test func settingNowToTheCurrentReadingIsAllowed() throws {
        let running = ClockSetting(offsetMilliseconds: 5000, frozenAt: nil)
        let same = try ClockChange(move: .to(Self.real + 5000)).applied(to: running, realMilliseconds: Self.real)
        #expect(same.reading(realMilliseconds: Self.real) == Self.real + 5000)
        #expect(!same.isFrozen)
        let frozen = ClockSetting(offsetMilliseconds: 0, frozenAt: Self.example)
        #expect(try ClockChange(move: .to(Self.example)).applied(to: frozen, realMilliseconds: Self.real).frozenAt == Self.example)
        let frozenAgain = try ClockChange(move: .to(Self.example), frozen: true).applied(to: frozen, realMilliseconds: Self.real)
        #expect(frozenAgain.frozenAt == Self.example)
    }

    @Test func movingBackwardsIsRefusedWithTheCurrentReading() {
        let running = ClockSetting(offsetMilliseconds: 5000, frozenAt: nil)
        #expect(throws: ClockRefusal.backwards(reading: Self.real + 5000)) {
            try ClockChange(move: .to(Self.real + 4999)).applied(to: running, realMilliseconds: Self.real)
        }
        #expect(throws: ClockRefusal.backwards(reading: Self.real + 5000)) {
            try ClockChange(move: .to(Self.real), frozen: true).applied(to: running, realMilliseconds: Self.real)
        }
        let frozen = ClockSetting(offsetMilliseconds: 0, frozenAt: Self.example)
        #expect(throws: ClockRefusal.backwards(reading: Self.example)) {
            try ClockChange(move: .to(Self.example - 1)).applied(to: frozen, realMilliseconds: Self.real)
        }
        // A frozen clock in the past of real time still reads its instant: earlier than it is refused.
        let past = ClockSetting(offsetMilliseconds: 0, frozenAt: 1000)
        #expect(throws: ClockRefusal.backwards(reading: 1000)) {
            try ClockChange(move: .to(999), frozen: false).applied(to: past, realMilliseconds: Self.real)
        }
        #expect(throws: ClockRefusal.backwards(reading: Self.real)) {
            try ClockChange(move: .to(0)).applied(to: .initial, realMilliseconds: Self.real)
        }
    }

    @Test func aFrozenClockBehindRealTimeMayBeSetBetweenItsReadingAndRealTime() throws {
        // Its reading, not real time, is what "backwards" means.
        let past = ClockSetting(offsetMilliseconds: 0, frozenAt: 1000)
        let next = try ClockChange(move: .to(2000), frozen: false).applied(to: past, realMilliseconds: Self.real)
        #expect(next == ClockSetting(offsetMilliseconds: 2000 - Self.real, frozenAt: nil))
    }
}
