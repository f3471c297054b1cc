import Crypto

/// The IAM token codec (`docs/auth.md` §2.3): tokens are opaque, `MII` followed by the URL-safe
/// base64 of 48 random bytes, and only their SHA-256 is ever stored.
public enum IAMToken {
    /// A new token from the system's cryptographically secure generator.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A new token drawn from `generator`, which must be cryptographically secure outside tests.
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(48)
        for _ in 0..<6 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return "MII" + base64URL(bytes)
    }

    /// The lower-case hex SHA-256 of the token's UTF-8 bytes: the key the store keeps.
    public static func digest(_ token: String) -> String {
        SHA256Digest.hex(token)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64 with `-` and `_`, without padding (48 bytes give exactly 64 characters).
    private static func base64URL(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in stride(from: 18, through: 0, by: -6) {
                output.append(alphabet[Int((chunk >> UInt32(shift)) & 0x3F)])
            }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var chunk = UInt32(bytes[index]) << 16
            if rest == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
            for shift in stride(from: 18, through: 18 - 6 * rest, by: -6) {
                output.append(alphabet[Int((chunk >> UInt32(shift)) & 0x3F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
