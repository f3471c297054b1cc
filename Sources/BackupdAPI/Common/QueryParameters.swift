import BackupdAuth

/// A query string parsed as `docs/api.md` §1.3 says: split on `&`, empty pieces ignored, each
/// piece split at its first `=`, key and value percent-decoded, `+` kept literally.
/// Names are case-sensitive; unknown names are simply never asked for.
public struct QueryParameters: Sendable {
    /// What a request said about one parameter.
    public enum Value: Sendable, Equatable {
        /// Not given, or given only with empty values (`limit=` counts as absent).
        case absent
        case one(String)
        /// Given two or more times with non-empty values: invalid at the parameter's turn.
        case repeated
    }

    private let pairs: [(name: String, value: String)]

    /// - Parameter rawQuery: the request target after the first `?`, undecoded. It is split on
    ///   the bytes `&` and `=`, never on characters: a combining mark after a separator must
    ///   not merge with it into one grapheme.
    public init<S: StringProtocol>(rawQuery: S) {
        pairs = rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { piece in
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                return (
                    PercentDecoding.decode(bytes: piece[..<equals]),
                    PercentDecoding.decode(bytes: piece[piece.index(after: equals)...])
                )
            }
            return (PercentDecoding.decode(bytes: piece), "")
        }
    }

    /// The parameter `name`, compared byte for byte (names are case-sensitive and exact).
    public subscript(name: String) -> Value {
        var found: String?
        for pair in pairs where pair.name.utf8.elementsEqual(name.utf8) && !pair.value.isEmpty {
            if found != nil { return .repeated }
            found = pair.value
        }
        return found.map(Value.one) ?? .absent
    }
}

/// The integer grammar of `docs/api.md` §1.3: ASCII digits only (leading zeros allowed), at most 2147483647.
public enum IntegerParameter {
    public static let maximum = 2_147_483_647

    /// - Returns: the value, or `nil` when the text is not such an integer.
    public static func parse(_ text: String) -> Int? {
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            guard value <= maximum else { return nil }
        }
        return text.isEmpty ? nil : value
    }
}
