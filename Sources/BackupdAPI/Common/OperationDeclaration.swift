import BackupdAuth

/// What an operation declares about itself, once: the dispatcher matches, authenticates,
/// reads the body, answers and caches by it; the OpenAPI document and the Swift client read
/// the same values (`docs/api.md` §1.1 for paths and §1.2 for the order of checks).
public final class OperationDeclaration: Sendable {
    /// Who may call the operation, and in which envelope a failed credential is answered.
    public enum Authentication: Sendable, Hashable {
        /// A backup API: a credential that may act in the path's `{project_id}`; failures in the
        /// gateway's envelope (`APIGW.0301`, `APIGW.0302`).
        case tenant
        /// An IAM read: any valid credential of the account; failures as Keystone's 401.
        case caller
        /// No credential: issuing a token (its body carries the password).
        case none
        /// The operator's bearer token (`--control-token`): the control API. Without it the route
        /// does not exist, and a missing or wrong token gets the 404 of an unknown route.
        case controlToken
    }

    /// Whether the operation reads a request body, and its shape. A signature covers the body
    /// whatever the route, so authenticated requests have theirs read in any case.
    public enum Body: Sendable, Hashable {
        case none
        case json(JSONShape)
    }

    /// What a successful answer carries.
    public enum Content: Sendable, Hashable {
        /// A JSON body of this shape.
        case json(JSONShape)
        /// No body (a 204).
        case empty
        /// A body of this media type that is not JSON (`/metrics`).
        case text(mediaType: String)
    }

    /// The operation's name, as the official SDKs call it (`ListBackups`, `KeystoneCreateUserTokenByPassword`).
    public let name: String
    /// Method and path template, as the page spells them.
    public let route: Route
    /// The query parameters it reads, in the order it checks them.
    public let query: [QueryParameter]
    /// The request headers it reads beyond the credential's (`X-Subject-Token`). Each is optional
    /// on the wire: without one, the operation answers its own error (a 404 for a missing subject token).
    public let headers: [String]
    public let body: Body
    /// The status of a successful answer.
    public let successStatus: Int
    /// What a successful answer carries.
    public let response: Content
    /// Statuses answered with the same content when the operation cannot do its work (`/health`'s
    /// 503), beside the error bodies every operation may answer.
    public let degradedStatuses: [Int]
    /// Whether a successful answer may be served again while nothing it read is written (reads
    /// only; never an answer that wrote something).
    public let cacheable: Bool
    public let authentication: Authentication
    /// Whether every answer also carries the request id as `X-IAM-Trace-Id` (IAM, `docs/auth.md` §6).
    public let tracesRequests: Bool
    /// The calls a successful answer leads to (`OperationLink`).
    public let links: [OperationLink]

    public init(
        name: String,
        route: Route,
        query: [QueryParameter] = [],
        headers: [String] = [],
        body: Body = .none,
        successStatus: Int = 200,
        response: Content,
        degradedStatuses: [Int] = [],
        cacheable: Bool,
        authentication: Authentication,
        tracesRequests: Bool = false,
        links: [OperationLink] = []
    ) {
        self.name = name
        self.route = route
        self.query = query
        self.headers = headers
        self.body = body
        self.successStatus = successStatus
        self.response = response
        self.degradedStatuses = degradedStatuses
        self.cacheable = cacheable
        self.authentication = authentication
        self.tracesRequests = tracesRequests
        self.links = links
    }

    /// The request target of a call: the route's path with `pathVariables` percent-encoded into
    /// it, then the query pairs in the order given.
    public func target(pathVariables: [String: String], query: [(name: String, value: String)] = []) -> String? {
        guard let path = route.path(pathVariables) else { return nil }
        guard !query.isEmpty else { return path }
        return path + "?"
            + query.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }
}

/// A query parameter an operation reads: its name, what it accepts and its default, as the
/// page documents them (`docs/api.md` §1.3 for the grammar shared by all).
public struct QueryParameter: Sendable, Hashable {
    public enum Schema: Sendable, Hashable {
        case string
        /// ASCII digits only, within the range (`IntegerParameter`).
        case integer(ClosedRange<Int>, default: Int)
        /// One of these values, exactly.
        case choice([String])
        /// `yyyy-mm-ddThh:mm:ss±hhmm` or `…Z` (`docs/api.md` §1.8).
        case offsetTime
        /// `yyyyMMddHHmmss`, UTC (`docs/api.md` §1.8).
        case compactTime
        /// `true` or `false`.
        case boolean
    }

    public let name: String
    public let schema: Schema
    public let isRequired: Bool

    public init(_ name: String, _ schema: Schema, required: Bool = false) {
        self.name = name
        self.schema = schema
        self.isRequired = required
    }

    public static func string(_ name: String, required: Bool = false) -> QueryParameter {
        QueryParameter(name, .string, required: required)
    }

    public static func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) -> QueryParameter {
        QueryParameter(name, .integer(range, default: value))
    }

    /// A parameter whose values are the keys of `values`.
    public static func choice(_ name: String, _ values: some Collection<String>, required: Bool = false) -> QueryParameter {
        QueryParameter(name, .choice(values.sorted()), required: required)
    }
}
