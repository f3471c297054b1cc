/// The `Authorization` value of a signed request (`docs/auth.md` §4.2):
/// `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2;…>, Signature=<64 hex>`.
public struct AuthorizationHeader: Sendable, Equatable {
    public let access: String
    /// The header names, in the order the signer listed them.
    public let signedHeaders: [String]
    /// Lower-case hex (an upper-case signature is accepted and lower-cased).
    public let signature: String

    /// - Returns: `nil` unless the value is exactly the algorithm, one space, and the three
    ///   items once each (blanks around items ignored, `SignedHeaders` non-empty names, 64 hex digits).
    public init?(parsing value: String) {
        // Bytes, not Characters: separators are ASCII, and a combining mark after one must not
        // hide it inside a grapheme. This runs on every signed request.
        let bytes = Array(value.utf8)
        let prefix = Array((SDKHMACSHA256.algorithm + " ").utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
        var access: String?
        var headers: ArraySlice<UInt8>?
        var signature: [UInt8]?
        for item in bytes[prefix.count...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let trimmed = Self.trimmingBlanks(item)
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = trimmed[..<equals]
            let itemValue = trimmed[trimmed.index(after: equals)...]
            if key.elementsEqual("Access".utf8), access == nil {
                access = String(decoding: itemValue, as: UTF8.self)
            } else if key.elementsEqual("SignedHeaders".utf8), headers == nil {
                headers = itemValue
            } else if key.elementsEqual("Signature".utf8), signature == nil {
                signature = itemValue.map { (0x41...0x46).contains($0) ? $0 + 0x20 : $0 }
            } else {
                return nil
            }
        }
        guard let access, !access.isEmpty, let headers, let signature, signature.count == 64,
            signature.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        let names = headers.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.access = access
        self.signedHeaders = names.map { String(decoding: $0, as: UTF8.self) }
        self.signature = String(decoding: signature, as: UTF8.self)
    }

    /// Without leading and trailing spaces and tabs.
    private static func trimmingBlanks(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }
}
