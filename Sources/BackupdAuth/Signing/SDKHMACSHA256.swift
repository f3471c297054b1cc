import Crypto

/// The `SDK-HMAC-SHA256` algorithm of the official Huawei Cloud SDK signer (`docs/auth.md` §4.3–4.4),
/// as pure functions: the request, the credentials and the date go in, nothing is read from a
/// clock or the environment. The server verifies with it; a client signs with it.
public enum SDKHMACSHA256 {
    public static let algorithm = "SDK-HMAC-SHA256"
    /// SHA-256 of an empty body.
    public static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Why a request cannot be put in canonical form.
    public enum CanonicalizationError: Error, Sendable, Equatable {
        /// A signed header is missing or appears more than once.
        case signedHeader(String)
    }

    /// The six lines the signature covers, rebuilt from the request exactly as received.
    /// - Parameter signedHeaders: the `SignedHeaders` list, in its own order.
    public static func canonicalRequest(
        _ request: SignableRequest,
        signedHeaders: [String]
    ) throws(CanonicalizationError) -> String {
        var bytes: [UInt8] = []
        try CanonicalRequestBytes.write(request, signedHeaders: signedHeaders, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`.
    public static func stringToSign(canonicalRequest: String, date: String) -> String {
        algorithm + "\n" + date + "\n" + Hex.lowercase(SHA256.hash(data: Array(canonicalRequest.utf8)))
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the secret key.
    public static func signature(stringToSign: String, secretKey: String) -> String {
        let key = SymmetricKey(data: Array(secretKey.utf8))
        return Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// The signature of `request` signed at `date` (its `X-Sdk-Date`) with `secretKey`: the three
    /// steps above in one buffer, for the server's check of every signed request.
    public static func signature(
        of request: SignableRequest,
        signedHeaders: [String],
        date: String,
        secretKey: String
    ) throws(CanonicalizationError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        try CanonicalRequestBytes.write(request, signedHeaders: signedHeaders, into: &bytes)
        let canonicalHash = SHA256.hash(data: bytes)
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: algorithm.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: date.utf8)
        bytes.append(UInt8(ascii: "\n"))
        Hex.appendLowercase(canonicalHash, to: &bytes)
        let key = SymmetricKey(data: Array(secretKey.utf8))
        return Hex.lowercase(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
    }

    /// The `Authorization` value the official signer would send for `request`, which must
    /// already carry its `X-Sdk-Date` and every header in `signedHeaders`.
    public static func authorization(
        for request: SignableRequest,
        accessKey: String,
        secretKey: String,
        signedHeaders: [String]
    ) throws(CanonicalizationError) -> String {
        let date = request.values(of: "X-Sdk-Date").first ?? ""
        let signature = try signature(of: request, signedHeaders: signedHeaders, date: date, secretKey: secretKey)
        return "\(algorithm) Access=\(accessKey), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    /// Signs `request` as the official SDK does: adds `X-Sdk-Date` for `date` (seconds since the
    /// epoch), signs every header it carries whose name has no `_` (`Host` included, which the
    /// caller must have set), and adds `Authorization`.
    public static func sign(_ request: inout SignableRequest, accessKey: String, secretKey: String, date: Int64) {
        request.headers.removeAll { $0.name.lowercased() == "x-sdk-date" || $0.name.lowercased() == "authorization" }
        request.headers.append((name: "X-Sdk-Date", value: SignatureVerifier.formatSDKDate(date)))
        let signedHeaders = Set(request.headers.map { $0.name.lowercased() }.filter { !$0.contains("_") }).sorted()
        // Every signed header is present; one given twice cannot be signed, and the server will say so.
        let value =
            (try? authorization(for: request, accessKey: accessKey, secretKey: secretKey, signedHeaders: signedHeaders))
            ?? "\(algorithm) Access=\(accessKey), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature="
            + String(repeating: "0", count: 64)
        request.headers.append((name: "Authorization", value: value))
    }

    // MARK: - Parts

    /// Decode the raw path, split it on `/`, encode each piece, join, and end with `/`.
    static func canonicalURI(_ rawPath: Substring) -> String {
        let decoded = PercentDecoding.decode(bytes: rawPath.utf8)
        var uri = decoded.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { PercentEncoding.encode(String(decoding: $0, as: UTF8.self)) }
            .joined(separator: "/")
        if !uri.hasSuffix("/") { uri += "/" }
        return uri
    }

    /// Decode every pair, sort by key then value (code points, i.e. UTF-8 bytes), re-encode.
    static func canonicalQuery(_ rawQuery: Substring) -> String {
        let pairs: [(key: String, value: String)] = rawQuery.utf8
            .split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
            .map { piece in
                guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else {
                    return (PercentDecoding.decode(bytes: piece), "")
                }
                return (
                    PercentDecoding.decode(bytes: piece[..<equals]),
                    PercentDecoding.decode(bytes: piece[piece.index(after: equals)...])
                )
            }
        return pairs.sorted { lhs, rhs in
            lhs.key.utf8.elementsEqual(rhs.key.utf8)
                ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                : lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
        }
        .map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }
        .joined(separator: "&")
    }

    /// Empty body: the empty hash; else `X-Sdk-Content-Sha256` verbatim if sent; else the body's hash.
    static func payloadHash(_ request: SignableRequest) -> String {
        if request.body.isEmpty { return emptyBodyHash }
        if let declared = request.values(of: "X-Sdk-Content-Sha256").first { return declared }
        return Hex.lowercase(SHA256.hash(data: request.body))
    }
}
