/// The strict time grammars of `api.md` §1.8, checked byte by byte: ASCII digits only,
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
    public static func formatOffsetTime(epochSeconds seconds: Int64) -> String {
        formatDateTime(epochSeconds: seconds) + "+0000"
    }

    /// Writes `yyyy-mm-ddThh:mm:ss.SSSZ`.
    public static func formatUTCMilliseconds(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        return formatDateTime(epochSeconds: seconds) + "." + pad(fraction, 3) + "Z"
    }

    /// Writes `yyyy-mm-ddThh:mm:ss.ffffffZ`, the IAM token times (`auth.md` §2.2).
    public static func formatUTCMicroseconds(_ micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = Int(micros - seconds * 1_000_000)
        return formatDateTime(epochSeconds: seconds) + "." + pad(fraction, 6) + "Z"
    }

    /// Writes `yyyyMMddHHmmss`.
    public static func formatCompactUTC(epochSeconds seconds: Int64) -> String {
        let (year, month, day, hour, minute, second) = civil(epochSeconds: seconds)
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
    }

    // MARK: - Pieces

    /// Parses the common `yyyy-mm-ddThh:mm:ss` prefix as if it were UTC.
    private static func parseDateTime(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count >= 19,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
            let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2)
        else { return nil }
        return epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(epochSeconds seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    private static func formatDateTime(epochSeconds seconds: Int64) -> String {
        let (year, month, day, hour, minute, second) = civil(epochSeconds: seconds)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2)
            + ":" + pad(second, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
