/// The ids of the records the write side makes (`docs/lifecycle.md` §4.13): 32 lower-case hex
/// digits and a suffix for RDS, TaurusDB and DDM, a UUID for DCS. Ids an API call makes are
/// random (the digits of a UUIDv4), so they are never reused.
public enum BackupIdentifiers {
    /// A new random id for a backup of `instance`.
    public static func random(for instance: Instance) -> String {
        var generator = SystemRandomNumberGenerator()
        return randomHex(&generator) + suffix(for: instance)
    }

    /// `br` and the instance id's last two digits when it ends in `in` and two digits; otherwise
    /// the service's usual suffix.
    public static func suffix(for instance: Instance) -> String {
        let tail = Array(instance.id.utf8.suffix(4))
        if tail.count == 4, tail[0] == UInt8(ascii: "i"), tail[1] == UInt8(ascii: "n"),
            tail[2...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        {
            return "br" + String(decoding: tail[2...], as: UTF8.self)
        }
        switch instance.service {
        case .rds, .dcs: return "br01"
        case .taurusdb: return "br07"
        case .ddm: return "br09"
        }
    }

    /// 32 hex digits of a version-4 UUID.
    static func randomHex(_ generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }
}

extension BackupIdentifiers {
    /// A random UUIDv4, lower case with dashes: DCS backup ids and the job ids of answers.
    public static func randomUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        return dashed(randomHex(&generator))
    }

    /// 32 hex digits written as a UUID: 8-4-4-4-12.
    static func dashed(_ hex: String) -> String {
        let digits = Array(hex.utf8)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(decoding: digits[$0], as: UTF8.self) }
            .joined(separator: "-")
    }
}
