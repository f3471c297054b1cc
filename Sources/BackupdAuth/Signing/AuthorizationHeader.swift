/// The `Authorization` value of a signed request (`auth.md` §4.2):
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
        let prefix = SDKHMACSHA256.algorithm + " "
        guard value.hasPrefix(prefix) else { return nil }
        var items: [String: String] = [:]
        for item in value.dropFirst(prefix.count).split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingBlanks()
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let key = String(trimmed[..<equals])
            guard ["Access", "SignedHeaders", "Signature"].contains(key), items[key] == nil else { return nil }
            items[key] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let access = items["Access"], !access.isEmpty, let headers = items["SignedHeaders"],
            let signature = items["Signature"]?.lowercased(), signature.utf8.count == 64,
            signature.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        let names = headers.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.access = access
        self.signedHeaders = names
        self.signature = signature
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
