import BackupdCatalog
import Testing

/// The time grammars of `docs/api.md` §1.8. Expected instants were computed independently
/// (Python's `datetime`), never with the code under test.
@Suite struct TimeGrammarTests {
    // MARK: - yyyy-mm-ddThh:mm:ssZ (RDS, TaurusDB)

    struct Valid: Sendable, CustomTestStringConvertible {
        let text: String
        let epochSeconds: Int64
        var testDescription: String { text }
    }

    static let validOffsetTimes: [Valid] = [
        Valid(text: "1970-01-01T00:00:00Z", epochSeconds: 0),
        Valid(text: "1970-01-01T00:00:00+0000", epochSeconds: 0),
        Valid(text: "1970-01-01T00:00:00-0000", epochSeconds: 0),
        Valid(text: "1970-01-01T08:00:00+0800", epochSeconds: 0),
        Valid(text: "2018-08-06T10:41:14+0800", epochSeconds: 1_533_523_274),
        Valid(text: "2018-08-06T02:41:14Z", epochSeconds: 1_533_523_274),
        Valid(text: "2018-08-05T21:41:14-0500", epochSeconds: 1_533_523_274),
        Valid(text: "2018-08-16T10:41:14+0800", epochSeconds: 1_534_387_274),
        Valid(text: "2022-07-06T10:41:14+0800", epochSeconds: 1_657_075_274),
        // Leap years: 2000 (divisible by 400) and 2024 have a Feb 29.
        Valid(text: "2000-02-29T12:00:00+0000", epochSeconds: 951_825_600),
        Valid(text: "2024-02-29T23:59:59+2359", epochSeconds: 1_709_164_859),
        Valid(text: "2024-02-29T23:59:59-2359", epochSeconds: 1_709_337_539),
        Valid(text: "1969-12-31T23:59:59+0000", epochSeconds: -1),
        Valid(text: "1969-12-31T23:59:59Z", epochSeconds: -1),
        Valid(text: "0001-01-01T00:00:00+0000", epochSeconds: -62_135_596_800),
        Valid(text: "9999-12-31T23:59:59+0000", epochSeconds: 253_402_300_799),
        Valid(text: "2018-12-31T23:59:59+0000", epochSeconds: 1_546_300_799),
        Valid(text: "2019-01-01T00:00:00+0000", epochSeconds: 1_546_300_800),
    ]

    @Test("valid yyyy-mm-ddThh:mm:ssZ times parse to their instant", arguments: validOffsetTimes)
    func validOffsetTime(_ example: Valid) {
        #expect(TimeGrammar.parseOffsetTime(example.text) == example.epochSeconds)
        let recorded = RecordedTime(offsetTime: example.text)
        #expect(recorded?.instant == example.epochSeconds * 1000)
        #expect(recorded?.text == example.text)
        #expect(recorded?.epochSeconds == example.epochSeconds)
    }

    static let malformedOffsetTimes: [String] = [
        "",
        "2018-08-06T10:41:14",  // missing offset
        "2018-08-06T10:41:14+08:00",  // colon in the offset
        "2018-08-06T10:41:14+08",  // short offset
        "2018-08-06T10:41:14+08000",  // long offset
        "2018-08-06T10:41:14 0800",  // no sign
        "2018-08-06T10:41:14+2400",  // offset hours past 23
        "2018-08-06T10:41:14-2400",
        "2018-08-06T10:41:14+0060",  // offset minutes past 59
        "2018-08-06T10:41:14-0099",
        "2018-08-06T10:41:14z",  // lower-case Z
        "2018-08-06T10:41:14ZZ",
        "2018-08-06t10:41:14+0800",  // lower-case t
        "2018-08-06 10:41:14+0800",  // space for T
        "2018-08-06T10:41:14.000+0800",  // fractional seconds
        "2018-08-06T10:41:14.5Z",
        "2018-08-06T10:41:14+0800\n",  // trailing newline
        "2018-08-06T10:41:14Z\n",
        " 2018-08-06T10:41:14+0800",  // leading blank
        "2018-08-06T10:41:14+0800 ",
        "18-08-06T10:41:14+0800",
        "2018-8-06T10:41:14+0800",
        "2018/08/06T10:41:14+0800",
        "2018-08-06T10.41.14+0800",
        "2018-02-30T00:00:00+0800",  // no Feb 30
        "2018-02-29T00:00:00+0800",  // 2018 is not a leap year
        "1900-02-29T00:00:00+0000",  // 1900 is divisible by 100, not by 400
        "2023-02-29T00:00:00+0000",
        "2018-04-31T00:00:00+0000",  // April has 30 days
        "2018-00-10T00:00:00+0000",
        "2018-13-10T00:00:00+0000",
        "2018-08-00T00:00:00+0000",
        "2018-08-32T00:00:00+0000",
        "2018-08-06T24:00:00+0000",
        "2018-08-06T23:60:00+0000",
        "2018-12-31T23:59:60+0000",  // no leap second
        "٢٠١٨-٠٨-٠٦T10:41:14+0800",  // Arabic-Indic digits
        "２０１８-08-06T10:41:14+0800",  // full-width digits
        "2018-08-06T10:41:14+０８００",
        "2018-08-06Ｔ10:41:14+0800",  // full-width T
        "2018-08-06T10:41:14−0800",  // U+2212 minus sign
        "+2018-08-06T10:41:14+0800",
        "-018-08-06T10:41:14+0800",
        "2018-08-06T-1:41:14+0800",
        "2018-08-06T10:41:14+-800",
        "2018-08-06T10:41:14++800",
    ]

    @Test("malformed yyyy-mm-ddThh:mm:ssZ times are rejected", arguments: malformedOffsetTimes)
    func malformedOffsetTime(_ text: String) {
        #expect(TimeGrammar.parseOffsetTime(text) == nil)
        #expect(RecordedTime(offsetTime: text) == nil)
    }

    @Test("a time and the same instant written in other offsets compare equal as instants")
    func offsetsDenoteInstants() {
        let texts = [
            "2018-08-06T10:41:14+0800", "2018-08-06T02:41:14Z", "2018-08-06T02:41:14+0000",
            "2018-08-05T22:41:14-0400", "2018-08-07T02:40:14+2359", "2018-08-05T02:42:14-2359",
        ]
        let instants = texts.map { TimeGrammar.parseOffsetTime($0) }
        #expect(instants.allSatisfy { $0 == 1_533_523_274 })
    }

    // MARK: - yyyyMMddHHmmss (DCS queries)

    static let validCompactTimes: [Valid] = [
        Valid(text: "19700101000000", epochSeconds: 0),
        Valid(text: "20190510083116", epochSeconds: 1_557_477_076),
        Valid(text: "20190510000000", epochSeconds: 1_557_446_400),
        Valid(text: "20190510235959", epochSeconds: 1_557_532_799),
        Valid(text: "20000229000000", epochSeconds: 951_782_400),
        Valid(text: "20240229120000", epochSeconds: 1_709_208_000),
        Valid(text: "19691231235959", epochSeconds: -1),
        Valid(text: "99991231235959", epochSeconds: 253_402_300_799),
    ]

    @Test("valid yyyyMMddHHmmss times parse as UTC", arguments: validCompactTimes)
    func validCompactTime(_ example: Valid) {
        #expect(TimeGrammar.parseCompactUTC(example.text) == example.epochSeconds)
    }

    static let malformedCompactTimes: [String] = [
        "",
        "2019051008311",  // 13 digits
        "201905100831160",  // 15 digits
        "2019051008311a",
        "20190510 83116",
        "2019-05-10T08:31:16",
        "20190510083116Z",
        "20190510083116\n",
        " 20190510083116",
        "+0190510083116",
        "-0190510083116",
        "20190230000000",  // Feb 30
        "20190229000000",  // 2019 is not a leap year
        "19000229000000",  // 1900 is not a leap year
        "20190431000000",
        "20190010000000",
        "20191310000000",
        "20190500000000",
        "20190532000000",
        "20190510240000",
        "20190510236000",
        "20190510235960",
        "２０１９０５１０083116",  // full-width digits
        "٢٠١٩٠٥١٠٠٨٣١١٦",  // Arabic-Indic digits
    ]

    @Test("malformed yyyyMMddHHmmss times are rejected", arguments: malformedCompactTimes)
    func malformedCompactTime(_ text: String) {
        #expect(TimeGrammar.parseCompactUTC(text) == nil)
    }

    // MARK: - yyyy-mm-ddThh:mm:ss.SSSZ (DCS records)

    @Test("DCS record times keep their milliseconds")
    func utcMilliseconds() {
        #expect(TimeGrammar.parseUTCMilliseconds("2019-05-10T08:31:16.166Z") == 1_557_477_076_166)
        #expect(TimeGrammar.parseUTCMilliseconds("2019-05-09T23:59:59.999Z") == 1_557_446_399_999)
        #expect(TimeGrammar.parseUTCMilliseconds("1970-01-01T00:00:00.000Z") == 0)
        #expect(TimeGrammar.parseUTCMilliseconds("1969-12-31T23:59:59.999Z") == -1)
        #expect(TimeGrammar.parseUTCMilliseconds("1969-12-31T23:59:59.000Z") == -1000)
        let recorded = RecordedTime(utcMillisecondTime: "2019-05-10T08:31:16.166Z")
        #expect(recorded?.instant == 1_557_477_076_166)
        #expect(recorded?.text == "2019-05-10T08:31:16.166Z")
        #expect(recorded?.epochSeconds == 1_557_477_076)
    }

    @Test(
        "malformed DCS record times are rejected",
        arguments: [
            "2019-05-10T08:31:16Z", "2019-05-10T08:31:16.16Z", "2019-05-10T08:31:16.1666Z",
            "2019-05-10T08:31:16.166z", "2019-05-10T08:31:16.166+0000", "2019-05-10T08:31:16,166Z",
            "2019-05-10t08:31:16.166Z", "2019-05-10T08:31:16.166Z\n", "2019-02-29T08:31:16.166Z",
            "2019-05-10T08:31:16.1a6Z", "2019-05-10T08:31:60.000Z", "2019-05-10T08:31:16.１６６Z",
        ]
    )
    func malformedUTCMilliseconds(_ text: String) {
        #expect(TimeGrammar.parseUTCMilliseconds(text) == nil)
        #expect(RecordedTime(utcMillisecondTime: text) == nil)
    }

    // MARK: - Formatting

    @Test("formatting writes the documented forms")
    func formatting() {
        #expect(TimeGrammar.formatOffsetTime(epochSeconds: 0) == "1970-01-01T00:00:00+0000")
        #expect(TimeGrammar.formatOffsetTime(epochSeconds: 1_533_523_274) == "2018-08-06T02:41:14+0000")
        #expect(TimeGrammar.formatOffsetTime(epochSeconds: -1) == "1969-12-31T23:59:59+0000")
        #expect(TimeGrammar.formatOffsetTime(epochSeconds: 951_825_600) == "2000-02-29T12:00:00+0000")
        #expect(TimeGrammar.formatOffsetTime(epochSeconds: -62_135_596_800) == "0001-01-01T00:00:00+0000")
        #expect(TimeGrammar.formatUTCMilliseconds(1_557_477_076_166) == "2019-05-10T08:31:16.166Z")
        #expect(TimeGrammar.formatUTCMilliseconds(0) == "1970-01-01T00:00:00.000Z")
        #expect(TimeGrammar.formatUTCMilliseconds(-1) == "1969-12-31T23:59:59.999Z")
        #expect(TimeGrammar.formatUTCMilliseconds(-1000) == "1969-12-31T23:59:59.000Z")
        #expect(TimeGrammar.formatUTCMilliseconds(-1001) == "1969-12-31T23:59:58.999Z")
        #expect(TimeGrammar.formatUTCMilliseconds(7) == "1970-01-01T00:00:00.007Z")
        #expect(TimeGrammar.formatCompactUTC(epochSeconds: 1_557_477_076) == "20190510083116")
        #expect(TimeGrammar.formatCompactUTC(epochSeconds: -1) == "19691231235959")
        #expect(TimeGrammar.formatCompactUTC(epochSeconds: 1_709_208_000) == "20240229120000")
    }

    /// Seconds from 0001-01-01 to 9999-12-31, drawn by a fixed linear congruential generator,
    /// plus the edges and the days around leap days.
    static let roundTripSeconds: [Int64] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var values: [Int64] = [
            0, -1, 1, -86_400, 86_399, 951_782_400, 951_868_799, 951_868_800, -2_203_891_200, -2_203_977_600,
            1_709_164_800, 1_709_251_199, -62_135_596_800, 253_402_300_799,
        ]
        let low: Int64 = -62_135_596_800
        let span: UInt64 = UInt64(253_402_300_799 - low + 1)
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(low + Int64((state >> 11) % span))
        }
        return values
    }()

    @Test("format then parse returns the same instant, in every grammar")
    func roundTrips() {
        for seconds in Self.roundTripSeconds {
            let offset = TimeGrammar.formatOffsetTime(epochSeconds: seconds)
            #expect(TimeGrammar.parseOffsetTime(offset) == seconds, "\(offset)")
            let compact = TimeGrammar.formatCompactUTC(epochSeconds: seconds)
            #expect(TimeGrammar.parseCompactUTC(compact) == seconds, "\(compact)")
            let millis = seconds * 1000 + Int64(abs(seconds % 1000))
            let withMillis = TimeGrammar.formatUTCMilliseconds(millis)
            #expect(TimeGrammar.parseUTCMilliseconds(withMillis) == millis, "\(withMillis)")
            #expect(RecordedTime(utcSecondsSinceEpoch: seconds).text == offset)
            #expect(RecordedTime(utcSecondsSinceEpoch: seconds).instant == seconds * 1000)
            #expect(RecordedTime(utcMillisecondsSinceEpoch: millis).text == withMillis)
        }
    }

    // MARK: - RecordedTime

    @Test(
        "epochSeconds rounds down, also before 1970",
        arguments: [
            (Int64(0), Int64(0)), (999, 0), (1000, 1), (1999, 1), (-1, -1), (-999, -1), (-1000, -1), (-1001, -2),
            (-1999, -2), (-2000, -2), (-2001, -3), (1_557_477_076_166, 1_557_477_076),
            (-62_135_596_800_000, -62_135_596_800), (-62_135_596_799_999, -62_135_596_800),
        ]
    )
    func epochSecondsFloor(instant: Int64, seconds: Int64) {
        #expect(RecordedTime(instant: instant, text: "").epochSeconds == seconds)
    }

    @Test("negative DCS instants are cut down to the earlier second")
    func negativeMillisecondTimes() {
        let time = RecordedTime(utcMillisecondTime: "1969-12-31T23:59:59.500Z")
        #expect(time?.instant == -500)
        #expect(time?.epochSeconds == -1)
        let older = RecordedTime(utcMillisecondTime: "1969-12-31T23:59:58.001Z")
        #expect(older?.instant == -1999)
        #expect(older?.epochSeconds == -2)
    }
}
