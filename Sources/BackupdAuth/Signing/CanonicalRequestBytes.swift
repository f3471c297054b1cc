/// The canonical request of `docs/auth.md` §4.3 written as bytes into one buffer: what the
/// signature hashes, built without a `String` per part, so that verifying a signature costs
/// little more than its two SHA-256 passes.
///
/// A path or query made only of unreserved bytes (`A–Z a–z 0–9 - . _ ~`, with the separators
/// `/`, `&` and one `=` per pair), as every request of the SDKs for these APIs is, decodes and
/// re-encodes to itself: it is copied, and only the query's pairs are sorted. Anything else
/// takes the general path of decoding and encoding each piece.
enum CanonicalRequestBytes {
    static func write(
        _ request: SignableRequest,
        signedHeaders: [String],
        into out: inout [UInt8]
    ) throws(SDKHMACSHA256.CanonicalizationError) {
        for byte in request.method.utf8 {
            out.append((0x61...0x7A).contains(byte) ? byte - 0x20 : byte)
        }
        out.append(newline)
        let target = request.target.utf8
        let question = target.firstIndex(of: UInt8(ascii: "?"))
        let pathEnd = question ?? target.endIndex
        writeURI(target, target.startIndex..<pathEnd, into: &out)
        out.append(newline)
        let queryStart = question.map { target.index(after: $0) } ?? pathEnd
        writeQuery(target, queryStart..<target.endIndex, into: &out)
        out.append(newline)
        for name in signedHeaders {
            let values = request.values(of: name)
            guard values.count == 1, let value = values.first else { throw .signedHeader(name) }
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            appendTrimmed(value.utf8, into: &out)
            out.append(newline)
        }
        out.append(newline)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(newline)
        out.append(contentsOf: SDKHMACSHA256.payloadHash(request).utf8)
    }

    private static let newline = UInt8(ascii: "\n")

    /// - Parameter path: the raw path's range in `target`.
    private static func writeURI(_ target: String.UTF8View, _ path: Range<String.Index>, into out: inout [UInt8]) {
        let rawPath = target[path]
        guard rawPath.allSatisfy({ PercentEncoding.keeps($0) || $0 == UInt8(ascii: "/") }) else {
            out.append(contentsOf: SDKHMACSHA256.canonicalURI(Substring(rawPath)).utf8)
            return
        }
        out.append(contentsOf: rawPath)
        if rawPath.last != UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
    }

    /// - Parameter query: the raw query's range in `target` (after the `?`).
    private static func writeQuery(_ target: String.UTF8View, _ query: Range<String.Index>, into out: inout [UInt8]) {
        let rawQuery = target[query]
        // The pairs as ranges of the query: key, and value (empty without `=`).
        var pairs: [(key: Range<String.Index>, value: Range<String.Index>)] = []
        var start = rawQuery.startIndex
        var equals: String.Index?
        var index = rawQuery.startIndex
        while true {
            let atEnd = index == rawQuery.endIndex
            let byte = atEnd ? UInt8(ascii: "&") : rawQuery[index]
            if byte == UInt8(ascii: "&") {
                if start != index {
                    let keyEnd = equals ?? index
                    let valueStart = equals.map { rawQuery.index(after: $0) } ?? index
                    pairs.append((start..<keyEnd, valueStart..<index))
                }
                if atEnd { break }
                start = rawQuery.index(after: index)
                equals = nil
            } else if byte == UInt8(ascii: "=") && equals == nil {
                equals = index
            } else if !PercentEncoding.keeps(byte) {
                // A second `=`, a `%`, a `+` or any other byte: decode and encode each piece.
                out.append(contentsOf: SDKHMACSHA256.canonicalQuery(Substring(rawQuery)).utf8)
                return
            }
            index = rawQuery.index(after: index)
        }
        let bytes = target
        pairs.sort { lhs, rhs in
            let (leftKey, rightKey) = (bytes[lhs.key], bytes[rhs.key])
            return leftKey.elementsEqual(rightKey)
                ? bytes[lhs.value].lexicographicallyPrecedes(bytes[rhs.value])
                : leftKey.lexicographicallyPrecedes(rightKey)
        }
        for (number, pair) in pairs.enumerated() {
            if number > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: bytes[pair.key])
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: bytes[pair.value])
        }
    }

    /// The value without the blanks (space, tab) at either end.
    private static func appendTrimmed(_ value: String.UTF8View, into out: inout [UInt8]) {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = value.firstIndex(where: { !isBlank($0) }), let last = value.lastIndex(where: { !isBlank($0) }) else {
            return
        }
        out.append(contentsOf: value[first...last])
    }
}
