/// Percent-decoding as `docs/api.md` §1.3 and `docs/auth.md` §4.3 define it: each `%XX` becomes its
/// byte, a `%` not followed by two hex digits stays as it is, `+` stays `+`, and bytes
/// that are not valid UTF-8 become U+FFFD (as Python's `unquote` does).
public enum PercentDecoding {
    public static func decode<S: StringProtocol>(_ text: S) -> String {
        decode(bytes: text.utf8)
    }

    /// Decodes raw bytes of a request target (a piece already split on a separator byte).
    public static func decode<Bytes: Collection<UInt8>>(bytes utf8: Bytes) -> String {
        guard utf8.contains(UInt8(ascii: "%")) else { return String(decoding: utf8, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                if first != utf8.endIndex {
                    let second = utf8.index(after: first)
                    if second != utf8.endIndex, let high = hexValue(utf8[first]), let low = hexValue(utf8[second]) {
                        bytes.append(high << 4 | low)
                        index = utf8.index(after: second)
                        continue
                    }
                }
            }
            bytes.append(byte)
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
