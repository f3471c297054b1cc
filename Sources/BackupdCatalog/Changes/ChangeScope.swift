/// What a committed write touched, as the store's change log names it: the unit a cache
/// entry depends on and a write invalidates (`docs/architecture.md`, "Caches").
///
/// The store logs scopes itself (triggers on every table a read can see), so no write path can
/// forget one: a backup, track or policy row logs its instance, and the log adds the instance's
/// project; a credential row logs its access key or token; accounts and the clock log their kind.
public struct ChangeScope: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable {
        /// Anything at all: seed loads, instances, the clock's setting and timings.
        case everything
        /// The catalog clock's reading and the store's next transition (`StoreAccess.clockReading`).
        case clock
        /// Every computed incremental chain: they move with the clock, so every settle logs this.
        case chains
        /// Domains, projects and users: every principal and project lookup.
        case accounts
        /// One instance's backups, tracks, policies and armed fault.
        case instance
        /// One project's home backups, as found by backup id (`homeBackup(id:inProject:)`).
        case project
        /// One access key and its signature failures.
        case accessKey
        /// One issued token.
        case token
    }

    public let kind: Kind
    /// The instance, project, access key or token digest; empty for the other kinds.
    public let id: String

    private init(_ kind: Kind, _ id: String = "") {
        self.kind = kind
        self.id = id
    }

    public static let everything = ChangeScope(.everything)
    public static let clock = ChangeScope(.clock)
    public static let chains = ChangeScope(.chains)
    public static let accounts = ChangeScope(.accounts)
    public static func instance(_ id: String) -> ChangeScope { ChangeScope(.instance, id) }
    public static func project(_ id: String) -> ChangeScope { ChangeScope(.project, id) }
    public static func accessKey(_ access: String) -> ChangeScope { ChangeScope(.accessKey, access) }
    public static func token(_ digest: String) -> ChangeScope { ChangeScope(.token, digest) }

    /// The scope a log row names: `*`, `c`, `s`, `a`, or a letter, `:` and an id (`i:`, `p:`,
    /// `k:`, `t:`). Engines write these texts in SQL; `Logged` spells them once.
    public init?(logged text: String) {
        switch text {
        case Logged.everything: self = .everything
        case Logged.clock: self = .clock
        case Logged.chains: self = .chains
        case Logged.accounts: self = .accounts
        default:
            let utf8 = text.utf8
            guard utf8.count > 2, utf8.dropFirst().first == UInt8(ascii: ":") else { return nil }
            let id = String(text.dropFirst(2))
            switch utf8.first {
            case UInt8(ascii: "i"): self = .instance(id)
            case UInt8(ascii: "p"): self = .project(id)
            case UInt8(ascii: "k"): self = .accessKey(id)
            case UInt8(ascii: "t"): self = .token(id)
            default: return nil
            }
        }
    }

    /// The texts of the log, for engines' SQL.
    public enum Logged {
        public static let everything = "*"
        public static let clock = "c"
        public static let chains = "s"
        public static let accounts = "a"
        public static let instancePrefix = "i:"
        public static let projectPrefix = "p:"
        public static let accessKeyPrefix = "k:"
        public static let tokenPrefix = "t:"
    }

    public var description: String {
        switch kind {
        case .everything: Logged.everything
        case .clock: Logged.clock
        case .chains: Logged.chains
        case .accounts: Logged.accounts
        case .instance: Logged.instancePrefix + id
        case .project: Logged.projectPrefix + id
        case .accessKey: Logged.accessKeyPrefix + id
        case .token: Logged.tokenPrefix + id
        }
    }
}

/// What the store's change log holds after a revision: every later revision with the scopes its
/// write touched, read in one snapshot (`ChangeMarking.changes(after:)`).
public struct ChangeLog: Sendable {
    /// The store's revision in that snapshot.
    public let revision: UInt64
    /// Each scope with the revision that touched it, oldest first; only after the asked revision.
    public let entries: [(revision: UInt64, scope: ChangeScope)]
    /// `false` when some revision after the asked one is no longer in the log (pruned, or more
    /// than a reader takes at once): then anything may have changed.
    public let isComplete: Bool

    /// The most log rows one read takes; a reader further behind drops its caches instead.
    public static let readLimit = 50_000
    /// How many revisions a store keeps in its log: a node further behind drops its caches.
    public static let keptRevisions: UInt64 = 10_000

    /// - Parameters:
    ///   - revision: the store's revision in the snapshot the rows were read in.
    ///   - after: the revision asked about.
    ///   - rows: the log's rows after `after`, oldest first, at most `readLimit + 1` (texts that
    ///     are not a scope count as `everything`).
    public init(revision: UInt64, after: UInt64, rows: [(revision: UInt64, scope: String)]) {
        self.revision = revision
        self.entries = rows.map { ($0.revision, ChangeScope(logged: $0.scope) ?? .everything) }
        // Every logged revision has at least one row (the clock's), and pruning removes whole
        // revisions from the oldest: the log is whole when it starts right after `after`.
        if revision <= after {
            isComplete = true
        } else {
            isComplete = rows.count <= Self.readLimit && rows.first?.revision == after + 1
        }
    }

    public init(revision: UInt64, entries: [(revision: UInt64, scope: ChangeScope)], isComplete: Bool) {
        self.revision = revision
        self.entries = entries
        self.isComplete = isComplete
    }
}
