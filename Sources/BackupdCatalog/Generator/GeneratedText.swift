/// A UTC offset as the RDS, TaurusDB and DDM times are written with it (`+0800`).
struct UTCOffset: Sendable, Hashable {
    let seconds: Int64
    /// `±hhmm`.
    let text: String

    /// The offsets generated times are written in, with how often an instance uses each:
    /// most of Huawei Cloud's customers write China Standard Time.
    static let weighted: [(offset: UTCOffset, weight: Int)] = [
        (UTCOffset(seconds: 28_800, text: "+0800"), 40),
        (UTCOffset(seconds: 0, text: "+0000"), 20),
        (UTCOffset(seconds: -18_000, text: "-0500"), 10),
        (UTCOffset(seconds: 19_800, text: "+0530"), 10),
        (UTCOffset(seconds: 3_600, text: "+0100"), 5),
        (UTCOffset(seconds: -28_800, text: "-0800"), 5),
        (UTCOffset(seconds: 32_400, text: "+0900"), 5),
        (UTCOffset(seconds: 10_800, text: "+0300"), 5),
    ]
}

/// Writes the generated ids, names and times straight into string storage: the generator
/// makes several strings per backup, and a million backups should take about a second.
enum GeneratedText {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let upperDigits: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    private static let alphanumerics: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Bytes appended to a string's uninitialized storage.
    struct Writer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func byte(_ value: UInt8) {
            buffer[count] = value
            count += 1
        }

        mutating func text(_ value: String) {
            for byte in value.utf8 { self.byte(byte) }
        }

        /// `value` in decimal, zero-padded to `width` digits (`value` ≥ 0).
        mutating func decimal(_ value: Int, width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                byte(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }

        /// The low `digits` hex digits of `value`, most significant first.
        mutating func hex(_ value: UInt64, digits: Int) {
            for position in stride(from: digits - 1, through: 0, by: -1) {
                byte(GeneratedText.hexDigits[Int((value >> UInt64(position * 4)) & 0xF)])
            }
        }
    }

    /// A string of at most `capacity` ASCII bytes, written by `body`.
    static func string(capacity: Int, _ body: (inout Writer) -> Void) -> String {
        String(unsafeUninitializedCapacity: capacity) { buffer in
            var writer = Writer(buffer: buffer)
            body(&writer)
            return writer.count
        }
    }

    /// `count` random lower-case hex digits.
    static func hex<R: RandomNumberGenerator>(_ count: Int, using random: inout R) -> String {
        string(capacity: count) { writer in
            var remaining = count
            while remaining > 0 {
                let digits = min(16, remaining)
                writer.hex(random.next(), digits: digits)
                remaining -= digits
            }
        }
    }

    /// An access key id shaped like Huawei Cloud's: 20 upper-case letters and digits.
    static func accessKey<R: RandomNumberGenerator>(using random: inout R) -> String {
        string(capacity: 20) { writer in
            for _ in 0..<20 { writer.byte(upperDigits[random.below(upperDigits.count)]) }
        }
    }

    /// `count` letters and digits: secret keys (40) and passwords.
    static func alphanumeric<R: RandomNumberGenerator>(_ count: Int, using random: inout R) -> String {
        string(capacity: count) { writer in
            for _ in 0..<count { writer.byte(alphanumerics[random.below(alphanumerics.count)]) }
        }
    }

    /// A UUID in its lower-case 8-4-4-4-12 form, from 128 bits (version and variant bits set by the caller).
    static func uuid(high: UInt64, low: UInt64) -> String {
        string(capacity: 36) { writer in
            writer.hex(high >> 32, digits: 8)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(high >> 16, digits: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(high, digits: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(low >> 48, digits: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.hex(low, digits: 12)
        }
    }

    /// `yyyy-mm-ddThh:mm:ss±hhmm`: the instant `seconds` as a clock at `offset` shows it.
    static func offsetTime(_ seconds: Int64, _ offset: UTCOffset) -> String {
        string(capacity: 24) { writer in
            let (year, month, day, hour, minute, second) = civil(seconds + offset.seconds)
            writer.decimal(year, width: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.decimal(month, width: 2)
            writer.byte(UInt8(ascii: "-"))
            writer.decimal(day, width: 2)
            writer.byte(UInt8(ascii: "T"))
            writer.decimal(hour, width: 2)
            writer.byte(UInt8(ascii: ":"))
            writer.decimal(minute, width: 2)
            writer.byte(UInt8(ascii: ":"))
            writer.decimal(second, width: 2)
            writer.text(offset.text)
        }
    }

    /// `yyyy-mm-ddThh:mm:ss.SSSZ` (the DCS record times); `TimeGrammar.formatUTCMilliseconds` with
    /// one allocation instead of a dozen.
    static func utcMilliseconds(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        return string(capacity: 24) { writer in
            let (year, month, day, hour, minute, second) = civil(seconds)
            writer.decimal(year, width: 4)
            writer.byte(UInt8(ascii: "-"))
            writer.decimal(month, width: 2)
            writer.byte(UInt8(ascii: "-"))
            writer.decimal(day, width: 2)
            writer.byte(UInt8(ascii: "T"))
            writer.decimal(hour, width: 2)
            writer.byte(UInt8(ascii: ":"))
            writer.decimal(minute, width: 2)
            writer.byte(UInt8(ascii: ":"))
            writer.decimal(second, width: 2)
            writer.byte(UInt8(ascii: "."))
            writer.decimal(Int(millis - seconds * 1000), width: 3)
            writer.byte(UInt8(ascii: "Z"))
        }
    }

    /// Appends `yyyyMMddHHmmss` of the instant `seconds` at `offset` (backup names).
    static func appendCompact(_ seconds: Int64, _ offset: UTCOffset, to writer: inout Writer) {
        let (year, month, day, hour, minute, second) = civil(seconds + offset.seconds)
        writer.decimal(year, width: 4)
        writer.decimal(month, width: 2)
        writer.decimal(day, width: 2)
        writer.decimal(hour, width: 2)
        writer.decimal(minute, width: 2)
        writer.decimal(second, width: 2)
    }

    /// The calendar date and time of `seconds` since the epoch, read as UTC.
    static func civil(_ seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        TimeGrammar.civil(epochSeconds: seconds)
    }
}
