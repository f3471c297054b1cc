/// A later call that takes its parameters from a successful answer of the operation that declares
/// it (an OpenAPI link, `docs/api.md` §10): the delete and the list of the backup a create made,
/// the read of a policy a write set. Clients and stateful testers (`scripts/schema-tests`) follow
/// them; the document names the target by the operation id of its route.
public struct OperationLink: Sendable, Hashable {
    /// Where a value comes from: an OpenAPI runtime expression.
    public enum Source: Sendable, Hashable {
        /// A path variable of the request that was answered.
        case requestPath(String)
        /// The value at a JSON pointer of the answer's body (`/backup/id`).
        case responseBody(pointer: String)
        /// A header of the answer.
        case responseHeader(String)

        public var expression: String {
            switch self {
            case .requestPath(let name): "$request.path.\(name)"
            case .responseBody(let pointer): "$response.body#\(pointer)"
            case .responseHeader(let name): "$response.header.\(name)"
            }
        }
    }

    /// Where the target takes a value.
    public enum Location: String, Sendable, Hashable {
        case path, query, header
    }

    /// One parameter of the target and where its value comes from.
    public struct Parameter: Sendable, Hashable {
        public let location: Location
        public let name: String
        public let source: Source

        /// The name the document gives it, qualified by its location (`path.backup_id`).
        public var qualifiedName: String { "\(location.rawValue).\(name)" }
    }

    /// The link's name in the document: what the target does with the answer.
    public let name: String
    public let target: Route
    public let parameters: [Parameter]

    public init(_ name: String, to target: Route, _ parameters: [Parameter]) {
        self.name = name
        self.target = target
        self.parameters = parameters
    }

    /// The delete and the list of the backup a create answered as `{"backup": {"id": …,
    /// "instance_id": …}}`: RDS and TaurusDB, whose deletes and lists share their routes
    /// (`docs/lifecycle.md` §2). - Parameters: the links' names, the target services' own.
    public static func createdBackup(delete: String, list: String) -> [OperationLink] {
        [
            OperationLink(
                delete,
                to: Route("DELETE", "/v3/{project_id}/backups/{backup_id}"),
                [.samePath("project_id"), .path("backup_id", from: .responseBody(pointer: "/backup/id"))]
            ),
            OperationLink(
                list,
                to: Route("GET", "/v3/{project_id}/backups"),
                [
                    .samePath("project_id"),
                    .query("instance_id", from: .responseBody(pointer: "/backup/instance_id")),
                    .query("backup_id", from: .responseBody(pointer: "/backup/id")),
                ]
            ),
        ]
    }

    /// The `GET` of `template` with the request's own path variables: the read of what a write set.
    public static func readBack(_ name: String, _ template: String) -> OperationLink {
        let target = Route("GET", template)
        return OperationLink(name, to: target, target.variables.map(Parameter.samePath))
    }
}

extension OperationLink.Parameter {
    /// The target's path variable `name`, from the same variable of the answered request.
    public static func samePath(_ name: String) -> Self {
        Self(location: .path, name: name, source: .requestPath(name))
    }

    public static func path(_ name: String, from source: OperationLink.Source) -> Self {
        Self(location: .path, name: name, source: source)
    }

    public static func query(_ name: String, from source: OperationLink.Source) -> Self {
        Self(location: .query, name: name, source: source)
    }

    public static func header(_ name: String, from source: OperationLink.Source) -> Self {
        Self(location: .header, name: name, source: source)
    }
}
