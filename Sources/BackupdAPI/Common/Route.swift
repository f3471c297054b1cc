import BackupdAuth

/// A method and a path template such as `/v3/{project_id}/backups`, matched the way
/// `docs/api.md` §1.1 says: the raw path is split on `/`, each segment percent-decoded (so a
/// decoded `%2F` stays inside its segment), literals compared case-sensitively, a
/// `{variable}` matching any non-empty segment, and no empty or extra segments.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    private enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    public let method: String
    /// The template as written, used as the route's name in logs and metrics.
    public let template: String
    private let segments: [Segment]

    public init(_ method: String, _ template: String) {
        self.method = method
        self.template = template
        self.segments = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { piece in
            piece.hasPrefix("{") && piece.hasSuffix("}")
                ? .variable(String(piece.dropFirst().dropLast())) : .literal(String(piece))
        }
    }

    public var description: String { "\(method) \(template)" }

    /// The names of the template's variables, in path order.
    public var variables: [String] {
        segments.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// Whether the template has no variables (tried before variable routes).
    public var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The path with each `{variable}` replaced by its value, percent-encoded (so that `/` or `?`
    /// in a value stay inside its segment): what a client sends, and what `match` reads back.
    /// - Returns: `nil` when a variable has no value or an empty one.
    public func path(_ variables: [String: String]) -> String? {
        var path = ""
        for segment in segments {
            path += "/"
            switch segment {
            case .literal(let literal):
                path += literal
            case .variable(let name):
                guard let value = variables[name], !value.isEmpty else { return nil }
                path += PercentEncoding.encode(value)
            }
        }
        return path
    }

    /// The path variables, when `rawPath` (undecoded, without the query) matches the template.
    public func match(rawPath: Substring) -> [String: String]? {
        RequestPath(rawPath: rawPath).flatMap(match)
    }

    /// The path variables, when `path` matches the template. Literals compare byte for byte, so
    /// Unicode canonical equivalence cannot change what matches.
    public func match(_ path: RequestPath) -> [String: String]? {
        guard path.segments.count == segments.count else { return nil }
        var variables: [String: String] = [:]
        for (segment, decoded) in zip(segments, path.segments) {
            switch segment {
            case .literal(let literal):
                guard decoded.utf8.elementsEqual(literal.utf8) else { return nil }
            case .variable(let name):
                guard !decoded.isEmpty else { return nil }
                variables[name] = decoded
            }
        }
        return variables
    }
}

/// A request path split on the byte `/` and each segment percent-decoded, once per request,
/// for every route to be matched against. Splitting on bytes means a combining mark after a
/// `/` cannot merge with it, and a decoded `%2F` stays inside its segment.
public struct RequestPath: Sendable {
    public let segments: [String]

    /// `nil` unless the raw path starts with `/`.
    public init?(rawPath: Substring) {
        let bytes = rawPath.utf8
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        segments = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { PercentDecoding.decode(bytes: $0) }
    }
}
