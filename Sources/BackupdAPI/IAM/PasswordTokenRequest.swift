/// The body of `POST /v3/auth/tokens` (`docs/auth.md` §2.1), checked for shape only: whether the
/// names it gives exist, and may be used, is the issuer's business.
public struct PasswordTokenRequest: Equatable {
    /// A domain or project named by id, by name, or both (which must then agree).
    struct Reference: Equatable {
        var id: String?
        var name: String?
    }

    enum Scope: Equatable {
        /// No `scope`: a domain-scoped token.
        case none
        case project(Reference, domain: Reference?)
        case domain(Reference)
    }

    var userName: String
    var password: String
    var userDomain: Reference
    var scope: Scope

    /// - Throws: `IAMErrors.invalidBody` for anything but a well-formed password request.
    public init(body: [UInt8]) throws(APIError) {
        guard let document = try? JSONValue(parsing: body),
            let auth = document["auth"], let identity = auth["identity"],
            case .array(let methods)? = identity["methods"], methods == [.string("password")],
            let user = identity["password"]?["user"],
            case .string(let userName)? = user["name"],
            case .string(let password)? = user["password"],
            let userDomain = try Self.reference(user["domain"])
        else { throw IAMErrors.invalidBody }
        self.userName = userName
        self.password = password
        self.userDomain = userDomain
        self.scope = try Self.scope(auth["scope"])
    }

    private static func scope(_ value: JSONValue?) throws(APIError) -> Scope {
        guard let value else { return .none }
        guard case .object = value else { throw IAMErrors.invalidBody }
        // The project wins when both are given (doc).
        if let project = value["project"] {
            guard let named = try reference(project) else { throw IAMErrors.invalidBody }
            var domain: Reference?
            if let given = project["domain"] {
                guard let reference = try reference(given) else { throw IAMErrors.invalidBody }
                domain = reference
            }
            return .project(named, domain: domain)
        }
        if let domain = try reference(value["domain"]) {
            return .domain(domain)
        }
        throw IAMErrors.invalidBody
    }

    /// `{"id": …}`, `{"name": …}` or both, as strings; `nil` when absent or naming nothing.
    private static func reference(_ value: JSONValue?) throws(APIError) -> Reference? {
        guard let value else { return nil }
        guard case .object = value else { throw IAMErrors.invalidBody }
        let id = try string(value["id"])
        let name = try string(value["name"])
        return id == nil && name == nil ? nil : Reference(id: id, name: name)
    }

    private static func string(_ value: JSONValue?) throws(APIError) -> String? {
        switch value {
        case nil: nil
        case .string(let text)?: text
        default: throw IAMErrors.invalidBody
        }
    }
}
