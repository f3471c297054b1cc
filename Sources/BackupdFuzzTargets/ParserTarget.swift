import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdSQLite
import Dispatch

/// The parsers hostile input reaches first, as coverage-guided fuzz targets (`scripts/fuzz-parsers`,
/// README "Faults"): each takes any bytes and must return, never trap. Without the fuzzer the same
/// targets replay the committed corpus in the regular tests (`Fuzz/corpus/<target>/`).
public enum ParserTarget: String, CaseIterable, Sendable {
    /// The query-string splitter, and the integer grammar on every value (`docs/api.md` §1.3).
    case query
    /// The path splitter and every route's matcher (`docs/api.md` §1.1).
    case path
    /// The `Authorization` parser and the `X-Sdk-Date` grammar (`docs/auth.md` §4.2).
    case authorization
    /// The time grammars of queries and seeds (`docs/api.md` §1.8).
    case times
    /// The request bodies of the write routes, IAM and the control API (`docs/lifecycle.md` §3).
    case bodies
    /// The seed decoder, loading into a throw-away in-memory store (`docs/seed-format.md`).
    case seed

    /// Runs one input through the target.
    public func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .query:
            let query = QueryParameters(rawQuery: text)
            for name in ["instance_id", "backup_id", "offset", "limit", "begin_time", "end_time", "start", ""] {
                if case .one(let value) = query[name] { _ = IntegerParameter.parse(value) }
            }
        case .path:
            guard let path = RequestPath(rawPath: Substring(text)) else { return }
            for route in Self.routes { _ = route.match(path) }
        case .authorization:
            _ = AuthorizationHeader(parsing: text)
            _ = SignatureVerifier.parseSDKDate(text)
        case .times:
            _ = TimeGrammar.parseOffsetTime(text)
            _ = TimeGrammar.parseCompactUTC(text)
            _ = TimeGrammar.parseUTCMilliseconds(text)
        case .bodies:
            _ = try? PasswordTokenRequest(body: bytes)
            guard let body = RequestBody(bytes) else { return }
            _ = try? ControlRequests.clockChange(body)
            _ = try? ControlRequests.timingsChange(body)
            _ = try? ControlRequests.faultInstance(body)
            let fields = BodyFields(body)
            _ = try? PolicyRequests.rdsPolicy(fields, prefix: "")
            _ = try? PolicyRequests.taurusDBPolicy(fields, prefix: "")
            _ = try? PolicyRequests.offsitePolicy(fields, prefix: "")
            _ = try? PolicyRequests.dcsPlan(fields)
        case .seed:
            Self.blocking {
                guard let store = try? SQLiteCatalogStore() else { return }
                _ = try? await SeedLoader(store: store, hasher: PasswordHasher(rounds: 1)).load(bytes)
            }
        }
    }

    /// Every route template of the backup APIs and IAM.
    private static let routes: [Route] =
        BackupOperations.all.flatMap(\.answeringDeclarations).map(\.route)
        + IAMOperations.all(hasher: PasswordHasher(rounds: 1)).map(\.declaration.route)

    /// Runs `body` to its end from synchronous code (the fuzzer's callback).
    private static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }
}
