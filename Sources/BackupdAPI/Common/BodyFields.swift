import BackupdCatalog

/// Reads the fields of a write route's body in the order of its table (`docs/lifecycle.md` §3.1):
/// each field has at most two errors, one for absent and one for everything else (wrong JSON
/// type, range, grammar). Strings are never converted to numbers or back.
public struct BodyFields: Sendable {
    public let body: RequestBody

    public init(_ body: RequestBody) {
        self.body = body
    }

    /// A field that must be present; `invalid` when it is not a string that `isValid` accepts.
    public func requiredString(
        _ name: String,
        absent: APIError,
        invalid: APIError,
        isValid: (String) -> Bool = { _ in true }
    ) throws(APIError) -> String {
        guard let value = body[name] else { throw absent }
        guard let text = value.string, isValid(text) else { throw invalid }
        return text
    }

    /// A field that may be absent; `invalid` when it is present and not a string that `isValid` accepts.
    public func optionalString(
        _ name: String,
        invalid: APIError,
        isValid: (String) -> Bool = { _ in true }
    ) throws(APIError) -> String? {
        guard let value = body[name] else { return nil }
        guard let text = value.string, isValid(text) else { throw invalid }
        return text
    }

    /// An integer within `range`; `nil` when absent and `absent` is `nil`.
    public func integer(_ name: String, in range: ClosedRange<Int64>, absent: APIError?, invalid: APIError) throws(APIError) -> Int64? {
        guard let value = body[name] else {
            if let absent { throw absent }
            return nil
        }
        guard let number = value.integer, range.contains(number) else { throw invalid }
        return number
    }

    /// `true` or `false`; `nil` when absent.
    public func boolean(_ name: String, invalid: APIError) throws(APIError) -> Bool? {
        guard let value = body[name] else { return nil }
        guard let flag = value.bool else { throw invalid }
        return flag
    }

    /// A nested object that must be present, read the same way.
    public func requiredObject(_ name: String, absent: APIError, invalid: APIError) throws(APIError) -> BodyFields {
        guard let fields = try object(name, absent: absent, invalid: invalid) else { throw absent }
        return fields
    }

    /// A nested object read the same way; `nil` when absent and `absent` is `nil`.
    public func object(_ name: String, absent: APIError?, invalid: APIError) throws(APIError) -> BodyFields? {
        guard let value = body[name] else {
            if let absent { throw absent }
            return nil
        }
        guard case .object(let members) = value else { throw invalid }
        return BodyFields(RequestBody(members: members.map { (name: $0.key, value: $0.value) }))
    }
}

/// The text grammars of the write routes' bodies (`docs/lifecycle.md` §3.1).
public enum BodyGrammar {
    /// `^[A-Za-z][A-Za-z0-9_-]{3,63}$`: an RDS backup name.
    public static func isRDSBackupName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (4...64).contains(bytes.count), isLetter(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// A TaurusDB backup name: 4 to 64 code points and at most 64 UTF-8 bytes; an ASCII letter or
    /// a CJK unified ideograph first, then those, ASCII digits, `-` and `_`.
    public static func isTaurusDBBackupName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (4...64).contains(scalars.count), text.utf8.count <= 64 else { return false }
        func isLetterOrIdeograph(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.isASCII && isLetter(UInt8(scalar.value))) || (0x4E00...0x9FFF).contains(scalar.value)
        }
        return isLetterOrIdeograph(scalars[0])
            && scalars.dropFirst().allSatisfy {
                isLetterOrIdeograph($0) || ($0.isASCII && isDigit(UInt8($0.value))) || $0 == "-" || $0 == "_"
            }
    }

    /// At most 256 code points and none of `>!<"&'=` (TaurusDB also refuses CR and LF).
    public static func isDescription(_ text: String, refusingLineBreaks: Bool = false) -> Bool {
        let forbidden: Set<Unicode.Scalar> = [">", "!", "<", "\"", "&", "'", "="]
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= 256, !forbidden.contains(scalar) else { return false }
            if refusingLineBreaks, scalar == "\r" || scalar == "\n" { return false }
        }
        return true
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
