/// The fixed-width time texts backupd writes (`docs/api.md` §1.8, `docs/auth.md` §2.2 and §4.3):
/// every one is a `CivilTime` written digit by digit into a single allocation.
public enum TimeText {
    /// `yyyy-mm-ddThh:mm:ss±hhmm`: the instant as a clock `offsetSeconds` ahead of UTC shows it,
    /// followed by `offset` (`+0000` unless given).
    public static func offsetTime(epochSeconds seconds: Int64, offsetSeconds: Int64 = 0, offset: String = "+0000") -> String {
        ASCIIWriter.string(capacity: 48) { writer in
            writer.dateTime(CivilTime(epochSeconds: seconds + offsetSeconds))
            writer.text(offset)
        }
    }

    /// `yyyy-mm-ddThh:mm:ss.SSSZ`.
    public static func utcMilliseconds(_ millis: Int64) -> String {
        fraction(of: millis, perSecond: 1000, digits: 3)
    }

    /// `yyyy-mm-ddThh:mm:ss.ffffffZ`.
    public static func utcMicroseconds(_ micros: Int64) -> String {
        fraction(of: micros, perSecond: 1_000_000, digits: 6)
    }

    /// `yyyyMMddHHmmss`, UTC.
    public static func compactUTC(epochSeconds seconds: Int64) -> String {
        ASCIIWriter.string(capacity: 40) { $0.compactDateTime(CivilTime(epochSeconds: seconds)) }
    }

    /// `yyyyMMddTHHmmssZ`, the `X-Sdk-Date` form.
    public static func sdkDate(epochSeconds seconds: Int64) -> String {
        ASCIIWriter.string(capacity: 40) { writer in
            let time = CivilTime(epochSeconds: seconds)
            writer.decimal(time.year, width: 4)
            writer.decimal(time.month, width: 2)
            writer.decimal(time.day, width: 2)
            writer.byte(UInt8(ascii: "T"))
            writer.decimal(time.hour, width: 2)
            writer.decimal(time.minute, width: 2)
            writer.decimal(time.second, width: 2)
            writer.byte(UInt8(ascii: "Z"))
        }
    }

    private static func fraction(of value: Int64, perSecond: Int64, digits: Int) -> String {
        let seconds = value >= 0 ? value / perSecond : (value - perSecond + 1) / perSecond
        return ASCIIWriter.string(capacity: 48) { writer in
            writer.dateTime(CivilTime(epochSeconds: seconds))
            writer.byte(UInt8(ascii: "."))
            writer.decimal(Int(value - seconds * perSecond), width: digits)
            writer.byte(UInt8(ascii: "Z"))
        }
    }
}

extension ASCIIWriter {
    /// `yyyy-mm-ddThh:mm:ss`.
    public mutating func dateTime(_ time: CivilTime) {
        decimal(time.year, width: 4)
        byte(UInt8(ascii: "-"))
        decimal(time.month, width: 2)
        byte(UInt8(ascii: "-"))
        decimal(time.day, width: 2)
        byte(UInt8(ascii: "T"))
        decimal(time.hour, width: 2)
        byte(UInt8(ascii: ":"))
        decimal(time.minute, width: 2)
        byte(UInt8(ascii: ":"))
        decimal(time.second, width: 2)
    }

    /// `yyyyMMddHHmmss`.
    public mutating func compactDateTime(_ time: CivilTime) {
        decimal(time.year, width: 4)
        decimal(time.month, width: 2)
        decimal(time.day, width: 2)
        decimal(time.hour, width: 2)
        decimal(time.minute, width: 2)
        decimal(time.second, width: 2)
    }
}
