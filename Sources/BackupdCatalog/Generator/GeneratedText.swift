import BackupdTime

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
    private static let upperDigits: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    private static let alphanumerics: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` random lower-case hex digits.
    static func hex<R: RandomNumberGenerator>(_ count: Int, using random: inout R) -> String {
        ASCIIWriter.string(capacity: count) { writer in
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
        ASCIIWriter.string(capacity: 20) { writer in
            for _ in 0..<20 { writer.byte(upperDigits[random.below(upperDigits.count)]) }
        }
    }

    /// `count` letters and digits: secret keys (40) and passwords.
    static func alphanumeric<R: RandomNumberGenerator>(_ count: Int, using random: inout R) -> String {
        ASCIIWriter.string(capacity: count) { writer in
            for _ in 0..<count { writer.byte(alphanumerics[random.below(alphanumerics.count)]) }
        }
    }

    /// A UUID in its lower-case 8-4-4-4-12 form, from 128 bits (version and variant bits set by the caller).
    static func uuid(high: UInt64, low: UInt64) -> String {
        ASCIIWriter.string(capacity: 36) { writer in
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
        TimeText.offsetTime(epochSeconds: seconds, offsetSeconds: offset.seconds, offset: offset.text)
    }

    /// Appends `yyyyMMddHHmmss` of the instant `seconds` at `offset` (backup names).
    static func appendCompact(_ seconds: Int64, _ offset: UTCOffset, to writer: inout ASCIIWriter) {
        writer.compactDateTime(CivilTime(epochSeconds: seconds + offset.seconds))
    }
}
