import Crypto

/// Lower-case hexadecimal, as every digest in the signing and token protocols is written.
enum Hex {
    static func lowercase<D: Sequence<UInt8>>(_ bytes: D) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        appendLowercase(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the lower-case hex digits of `bytes` to `output`.
    static func appendLowercase<D: Sequence<UInt8>>(_ bytes: D, to output: inout [UInt8]) {
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0xF)])
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// SHA-256 for identifiers derived from names (`docs/auth.md` §2.2), where no secret is involved.
public enum SHA256Digest {
    /// The lower-case hex SHA-256 of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String {
        Hex.lowercase(SHA256.hash(data: Array(text.utf8)))
    }
}
