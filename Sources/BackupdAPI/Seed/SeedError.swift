/// Why a seed file was rejected: the record path (`backups[17].begin_time`) and the rule it broke.
/// The whole file is rejected, so the store is left as it was.
public struct SeedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the document, e.g. `domains[0].users[1].projects[2]`; empty for the document itself.
    public let path: String
    public let rule: String

    public init(path: String, rule: String) {
        self.path = path
        self.rule = rule
    }

    public var description: String { path.isEmpty ? rule : "\(path): \(rule)" }
}
