public import BackupdCatalog

/// Keystone's version discovery (`docs/auth.md` §2.5): OpenStack-based tools (keystoneauth,
/// openstacksdk) read `GET <auth url>` before they ask for a token, and `GET /` when the auth
/// URL has no version. backupd speaks one version, Identity v3.
enum IdentityVersionJSON {
    /// The version object, its `self` link on this server.
    static func version(baseURL: String, into json: inout JSONWriter) {
        json.object { json in
            json.field("id", "v3.6")
            json.field("status", "stable")
            json.field("updated", "2016-04-04T00:00:00Z")
            json.key("links")
            json.array { json in
                json.object { json in
                    json.field("rel", "self")
                    json.field("href", selfLink(baseURL: baseURL))
                }
            }
            json.key("media-types")
            json.array { json in
                json.object { json in
                    json.field("base", "application/json")
                    json.field("type", "application/vnd.openstack.identity-v3+json")
                }
            }
        }
    }

    static func selfLink(baseURL: String) -> String {
        baseURL + "/v3/"
    }
}

/// `GET /v3`: `{"version": {…}}`, no credential.
public struct IAMShowVersion: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneShowVersion",
        route: Route("GET", "/v3"),
        response: .json(IAMShapes.keystoneShowVersionAnswer),
        cacheable: false,
        authentication: .none
    )

    public init() {}

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        var json = JSONWriter(capacity: 320)
        json.object { json in
            json.key("version")
            IdentityVersionJSON.version(baseURL: request.baseURL, into: &json)
        }
        return OperationAnswer(body: json.bytes)
    }
}

/// `GET /`: 300 Multiple Choices, `{"versions": {"values": [{…}]}}`, and `Location` on the one
/// version there is, as Keystone answers its root.
public struct IAMListVersions: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneListVersions",
        route: Route("GET", "/"),
        successStatus: 300,
        response: .json(IAMShapes.keystoneListVersionsAnswer),
        cacheable: false,
        authentication: .none
    )

    public init() {}

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        var json = JSONWriter(capacity: 360)
        json.object { json in
            json.key("versions")
            json.object { json in
                json.key("values")
                json.array { json in
                    IdentityVersionJSON.version(baseURL: request.baseURL, into: &json)
                }
            }
        }
        return OperationAnswer(body: json.bytes, location: IdentityVersionJSON.selfLink(baseURL: request.baseURL))
    }
}
