/// The percent-encoding of the official SDK signer, Python's `quote(s, safe='~')`
/// (`docs/auth.md` §4.3): UTF-8 bytes, `A–Z a–z 0–9 - . _ ~` kept, every other byte `%XX`
/// with upper-case hex, so a space is `%20` and `+` is `%2B`.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if keeps(byte) {
                output.append(byte)
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `byte` stays as it is: `A–Z a–z 0–9 - . _ ~` (the unreserved bytes).
    static func keeps(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
