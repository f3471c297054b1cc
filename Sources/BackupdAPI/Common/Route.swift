import BackupdAuth

/// A method and a path template such as `/v3/{project_id}/backups`, matched the way
/// `api.md` §1.1 says: the raw path is split on `/`, each segment percent-decoded (so a
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

    /// Whether the template has no variables (tried before variable routes).
    public var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The path variables, when `rawPath` (undecoded, without the query) matches the template.
    /// Splitting is on the byte `/` and literals compare byte for byte, so neither a combining
    /// mark after a `/` nor Unicode canonical equivalence can change what matches.
    public func match(rawPath: Substring) -> [String: String]? {
        let bytes = rawPath.utf8
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        let pieces = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard pieces.count == segments.count else { return nil }
        var variables: [String: String] = [:]
        for (segment, piece) in zip(segments, pieces) {
            let decoded = PercentDecoding.decode(bytes: piece)
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
