import BackupdTime

/// The strict time grammars of `docs/api.md` §1.8, checked byte by byte: ASCII digits only,
/// real calendar dates (leap years counted), no leap seconds, nothing after the value.
public enum TimeGrammar {
    /// `yyyy-mm-ddThh:mm:ss` followed by `±hhmm` (hh 00–23, mm 00–59) or `Z`.
    /// - Returns: seconds since the epoch, or `nil` when the text is malformed.
    public static func parseOffsetTime(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 24 else { return nil }
        guard let local = parseDateTime(bytes) else { return nil }
        if bytes.count == 20 {
            return bytes[19] == UInt8(ascii: "Z") ? local : nil
        }
        let sign = bytes[19]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let hours = digits(bytes, 20, 2), hours <= 23,
            let minutes = digits(bytes, 22, 2), minutes <= 59
        else { return nil }
        let offset = Int64(hours * 3600 + minutes * 60)
        return sign == UInt8(ascii: "+") ? local - offset : local + offset
    }

    /// `yyyy-mm-ddThh:mm:ss.SSSZ`, UTC.
    /// - Returns: milliseconds since the epoch, or `nil` when the text is malformed.
    public static func parseUTCMilliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z"),
            let seconds = parseDateTime(bytes), let millis = digits(bytes, 20, 3)
        else { return nil }
        return seconds * 1000 + Int64(millis)
    }

    /// `yyyyMMddHHmmss`, UTC (the DCS query times).
    /// - Returns: seconds since the epoch, or `nil` when the text is malformed.
    public static func parseCompactUTC(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 14,
            let year = digits(bytes, 0, 4), let month = digits(bytes, 4, 2), let day = digits(bytes, 6, 2),
            let hour = digits(bytes, 8, 2), let minute = digits(bytes, 10, 2), let second = digits(bytes, 12, 2)
        else { return nil }
        return epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Writes `yyyy-mm-ddThh:mm:ss+0000`.
    public static func formatOffsetTime(epochSeconds seconds: Int64, offsetSeconds: Int64 = 0, offset: String = "+0000") -> String {
        TimeText.offsetTime(epochSeconds: seconds, offsetSeconds: offsetSeconds, offset: offset)
    }

    /// Writes `yyyy-mm-ddThh:mm:ss.SSSZ`.
    public static func formatUTCMilliseconds(_ millis: Int64) -> String {
        TimeText.utcMilliseconds(millis)
    }

    /// Writes `yyyy-mm-ddThh:mm:ss.ffffffZ`, the IAM token times (`docs/auth.md` §2.2).
    public static func formatUTCMicroseconds(_ micros: Int64) -> String {
        TimeText.utcMicroseconds(micros)
    }

    /// Writes `yyyyMMddHHmmss`.
    public static func formatCompactUTC(epochSeconds seconds: Int64) -> String {
        TimeText.compactUTC(epochSeconds: seconds)
    }

    // MARK: - Pieces

    /// Parses the common `yyyy-mm-ddThh:mm:ss` prefix as if it were UTC.
    static func parseDateTime(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count >= 19,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
            let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2)
        else { return nil }
        return epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).epochSeconds
    }
}
