import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdSQLite
import BackupdTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

/// IAM password tokens: `POST /v3/auth/tokens` (auth.md §2), their use on the backup routes
/// (§3, §5) and `GET /v3/auth/tokens` (§6.4). The server's clock is pinned at the example's
/// issue time, 2024-03-01T08:00:00Z, and the test client sends `Host: localhost`, so `<base>`
/// is `http://localhost`.
@Suite struct IAMTokenTests {
    static let tokensPath = "/v3/auth/tokens"
    static let issuedAt = "2024-03-01T08:00:00.000000Z"
    static let expiresAt = "2024-03-02T08:00:00.000000Z"
    static let base = "http://localhost"

    /// The request of auth.md §2.5, byte for byte.
    static let exampleRequest = #"""
        {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice","password":"Passw0rd!alice","domain":{"name":"acme"}}}},"scope":{"project":{"name":"cn-north-4"}}}}
        """#

    /// The response of auth.md §2.5 with `<base>` = `http://localhost`; every id is the example's.
    static let exampleResponse = #"""
        {
          "token": {
            "methods": ["password"],
            "expires_at": "2024-03-02T08:00:00.000000Z",
            "issued_at": "2024-03-01T08:00:00.000000Z",
            "user": {
              "domain": {"id": "9a3c0d1e2f4b4c5d8e7f6a5b4c3d2e1f", "name": "acme"},
              "id": "675ad9f635ca7b43fdfd1c5e0352907f",
              "name": "alice",
              "password_expires_at": ""
            },
            "project": {
              "domain": {"id": "9a3c0d1e2f4b4c5d8e7f6a5b4c3d2e1f", "name": "acme"},
              "id": "0483b6b16e954cb88930a360d2c4e663",
              "name": "cn-north-4"
            },
            "catalog": [
              {"type": "identity", "id": "9d1edc14612c690a03aad59a9a23e19c", "name": "iam",
               "endpoints": [{"url": "http://localhost/v3", "region": "*", "region_id": "*", "interface": "public", "id": "ea5b34ffeef8c0204757f382274aee61"}]},
              {"type": "rds", "id": "5c530429f3eed8f9cb276d531e5ff5c6", "name": "rds",
               "endpoints": [{"url": "http://localhost", "region": "cn-north-4", "region_id": "cn-north-4", "interface": "public", "id": "0f7ca30e8f87ceed6fa38a5b85dfcd5b"}]},
              {"type": "gaussdb", "id": "016ae4a2a44b2e39410318d6a170e2e0", "name": "gaussdb",
               "endpoints": [{"url": "http://localhost", "region": "cn-north-4", "region_id": "cn-north-4", "interface": "public", "id": "430ed5e457a5defcb6c274420790c352"}]},
              {"type": "ddm", "id": "557897ec0a683ef8b6a1f5ffbaa6b369", "name": "ddm",
               "endpoints": [{"url": "http://localhost", "region": "cn-north-4", "region_id": "cn-north-4", "interface": "public", "id": "fa44f68a0683c1922ee8ddf872c8f0c9"}]},
              {"type": "dcs", "id": "2fcbad4550aecded6ac243532a5f322c", "name": "dcs",
               "endpoints": [{"url": "http://localhost", "region": "cn-north-4", "region_id": "cn-north-4", "interface": "public", "id": "808c8f256961cd5e707626b70859d1be"}]}
            ],
            "roles": []
          }
        }
        """#

    // MARK: Helpers

    /// A server over a fresh example store whose clock reads 2024-03-01T08:00:00Z until the test moves it.
    static func withTokenServer<T: Sendable>(
        _ body: @Sendable (any TestClientProtocol, TestClock, any CatalogStore) async throws -> T
    ) async throws -> T {
        let clock = TestClock(seconds: exampleIssueTime)
        let store = try await Fixtures.exampleStore()
        return try await withServer(store: store, clock: clock) { client in try await body(client, clock, store) }
    }

    /// `POST /v3/auth/tokens` with `body`, no credential, the SDK's JSON content type unless told otherwise.
    static func post(
        _ client: any TestClientProtocol,
        _ body: String,
        query: String = "",
        headers: HTTPFields = [.contentType: "application/json;charset=utf8"]
    ) async throws -> BackupdTestSupport.TestResponse {
        try await client.send(
            tokensPath + (query.isEmpty ? "" : "?" + query),
            method: .post,
            headers: headers,
            body: Array(body.utf8),
            as: .none
        )
    }

    /// A token request for `name` in the domain given by `domain` (JSON), with `scope` (JSON) when given.
    static func tokenRequest(
        name: String = "alice",
        password: String = "Passw0rd!alice",
        domain: String = #"{"name": "acme"}"#,
        scope: String? = nil
    ) -> String {
        let user = #"{"name": \#(jsonString(name)), "password": \#(jsonString(password)), "domain": \#(domain)}"#
        let scopeMember = scope.map { #", "scope": \#($0)"# } ?? ""
        return #"{"auth": {"identity": {"methods": ["password"], "password": {"user": \#(user)}}\#(scopeMember)}}"#
    }

    /// `MII` followed by at least 43 characters of `[A-Za-z0-9_-]` (auth.md §2.3).
    static func isTokenText(_ token: String?) -> Bool {
        guard let token, token.hasPrefix("MII") else { return false }
        let rest = token.utf8.dropFirst(3)
        return rest.count >= 43
            && rest.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    /// The first 32 hex digits of SHA-256(`text`): the derived ids of auth.md §2.2.
    static func derived(_ text: String) -> String {
        String(SHA256Digest.hex(text).prefix(32))
    }

    /// The `catalog` of auth.md §2.2 for `regions`, computed from the table and the id rule.
    static func catalog(regions: [String]) -> String {
        func entry(_ name: String, type: String, url: String, regions: [String]) -> String {
            let endpoints = regions.map { region in
                #"{"url": "\#(url)", "region": "\#(region)", "region_id": "\#(region)", "interface": "public", "#
                    + #""id": "\#(derived("endpoint:" + name + ":" + region))"}"#
            }
            return #"{"type": "\#(type)", "id": "\#(derived("service:" + name))", "name": "\#(name)", "#
                + #""endpoints": [\#(endpoints.joined(separator: ", "))]}"#
        }
        let entries =
            [entry("iam", type: "identity", url: base + "/v3", regions: ["*"])]
            + ["rds", "gaussdb", "ddm", "dcs"].map { entry($0, type: $0, url: base, regions: regions) }
        return "[" + entries.joined(separator: ", ") + "]"
    }

    /// A whole token body (auth.md §2.2): project-scoped when `project` is given, else domain-scoped.
    /// - Parameter regions: the catalog's regions; `nil` leaves the catalog out.
    static func tokenBody(
        _ user: ExampleUser,
        project: (id: String, name: String)?,
        regions: [String]?,
        issuedAt: String = issuedAt,
        expiresAt: String = expiresAt
    ) -> String {
        let domain = #"{"id": "\#(user.domainID)", "name": "\#(user.domainName)"}"#
        let scope =
            project.map { #""project": {"domain": \#(domain), "id": "\#($0.id)", "name": "\#($0.name)"}"# }
            ?? #""domain": \#(domain)"#
        let catalogMember = regions.map { #""catalog": \#(catalog(regions: $0)), "# } ?? ""
        return #"""
            {"token": {"methods": ["password"], "expires_at": "\#(expiresAt)", "issued_at": "\#(issuedAt)",
             "user": {"domain": \#(domain), "id": "\#(derived("user:" + user.domainID + "/" + user.name))",
                      "name": "\#(user.name)", "password_expires_at": ""},
             \#(scope), \#(catalogMember)"roles": []}}
            """#
    }

    /// The six backup routes with a target in the project that holds their data, acme's unless told.
    static func homeTargets() -> [(route: String, target: String, project: String)] {
        [
            ("A", Target.rdsList("instance_id=\(Acme.mysqlInstance)"), Acme.cnNorth4),
            ("B", Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto"), Acme.cnNorth4),
            ("C", Target.taurus(""), Acme.cnEast3),
            ("D", Target.dcsV1(""), Acme.cnNorth4),
            ("E", Target.dcsV2(""), Acme.cnNorth4),
            ("F", Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09"), Acme.apSoutheast3),
        ]
    }

    // MARK: Issuing (auth.md §2.1, §2.2, §2.5)

    @Test func theExampleOfSection2_5IsAnsweredExactly() async throws {
        try await Self.withTokenServer { client, _, _ in
            let response = try await Self.post(client, Self.exampleRequest)
            try expectResponse(response, status: 201, json: Self.exampleResponse)
            expectIAMHeaders(response)
            #expect(Self.isTokenText(response.header("X-Subject-Token")), "token: \(response.header("X-Subject-Token") ?? "nil")")
            // The derived user id is the example's, and the rule that gives it is the one of §2.2.
            #expect(Self.derived("user:\(Acme.domainID)/alice") == "675ad9f635ca7b43fdfd1c5e0352907f")
            #expect(
                try JSONValue(parsing: Self.tokenBody(.alice, project: (Acme.cnNorth4, "cn-north-4"), regions: ["cn-north-4"])) == (try response.json)
            )
        }
    }

    @Test func everyTokenIsNewAndIssuingOneRevokesNone() async throws {
        try await Self.withTokenServer { client, clock, _ in
            var tokens: [String] = []
            for _ in 0..<3 {
                tokens.append(try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4)))
                clock.advance(seconds: 1)
            }
            #expect(Set(tokens).count == 3)
            for token in tokens {
                #expect(Self.isTokenText(token))
                let response = try await client.send(Target.rdsList("instance_id=\(Acme.mysqlInstance)"), as: .token(token))
                #expect(response.status == 200, "body: \(response.body)")
            }
        }
    }

    struct ScopeCase: Sendable, CustomTestStringConvertible {
        let name: String
        let user: ExampleUser
        let domain: String?
        let scope: String?
        let project: (id: String, name: String)?
        /// The catalog's regions.
        let regions: [String]

        var testDescription: String { name }
    }

    static let acmeRegions = ["ap-southeast-1", "ap-southeast-3", "cn-east-3", "cn-north-4"]

    static let scopeCases: [ScopeCase] = [
        ScopeCase(
            name: "project by id",
            user: .alice,
            domain: nil,
            scope: ScopeJSON.project(id: Acme.cnEast3),
            project: (Acme.cnEast3, "cn-east-3"),
            regions: ["cn-east-3"]
        ),
        ScopeCase(
            name: "project by name",
            user: .alice,
            domain: nil,
            scope: ScopeJSON.project(name: "ap-southeast-3"),
            project: (Acme.apSoutheast3, "ap-southeast-3"),
            regions: ["ap-southeast-3"]
        ),
        ScopeCase(
            name: "project by id and name",
            user: .alice,
            domain: nil,
            scope: #"{"project": {"id": "\#(Acme.cnNorth4)", "name": "cn-north-4"}}"#,
            project: (Acme.cnNorth4, "cn-north-4"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "project with its domain by name",
            user: .alice,
            domain: nil,
            scope: #"{"project": {"name": "cn-north-4", "domain": {"name": "acme"}}}"#,
            project: (Acme.cnNorth4, "cn-north-4"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "project with its domain by id",
            user: .alice,
            domain: nil,
            scope: #"{"project": {"id": "\#(Acme.apSoutheast1)", "domain": {"id": "\#(Acme.domainID)"}}}"#,
            project: (Acme.apSoutheast1, "ap-southeast-1"),
            regions: ["ap-southeast-1"]
        ),
        ScopeCase(
            name: "user's domain by id",
            user: .alice,
            domain: #"{"id": "\#(Acme.domainID)"}"#,
            scope: ScopeJSON.project(id: Acme.cnNorth4),
            project: (Acme.cnNorth4, "cn-north-4"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "user's domain by id and name",
            user: .alice,
            domain: #"{"id": "\#(Acme.domainID)", "name": "acme"}"#,
            scope: ScopeJSON.project(id: Acme.cnNorth4),
            project: (Acme.cnNorth4, "cn-north-4"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "project and domain: the project wins",
            user: .alice,
            domain: nil,
            scope: #"{"project": {"id": "\#(Acme.cnEast3)"}, "domain": {"id": "\#(Acme.domainID)"}}"#,
            project: (Acme.cnEast3, "cn-east-3"),
            regions: ["cn-east-3"]
        ),
        ScopeCase(
            name: "a sub-project: its region is the name up to _",
            user: .alice,
            domain: nil,
            scope: ScopeJSON.project(name: "cn-north-4_billing"),
            project: (Acme.billing, "cn-north-4_billing"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "bob's one project",
            user: .bob,
            domain: nil,
            scope: ScopeJSON.project(name: "cn-north-4"),
            project: (Acme.cnNorth4, "cn-north-4"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "carol: cn-north-4 is globex's project of that name",
            user: .carol,
            domain: nil,
            scope: ScopeJSON.project(name: "cn-north-4"),
            project: (Globex.cnNorth4, "cn-north-4"),
            regions: ["cn-north-4"]
        ),
        ScopeCase(
            name: "domain by id",
            user: .alice,
            domain: nil,
            scope: ScopeJSON.domain(id: Acme.domainID),
            project: nil,
            regions: acmeRegions
        ),
        ScopeCase(
            name: "domain by name",
            user: .alice,
            domain: nil,
            scope: ScopeJSON.domain(name: "acme"),
            project: nil,
            regions: acmeRegions
        ),
        ScopeCase(
            name: "domain by id and name",
            user: .alice,
            domain: nil,
            scope: #"{"domain": {"id": "\#(Acme.domainID)", "name": "acme"}}"#,
            project: nil,
            regions: acmeRegions
        ),
        ScopeCase(name: "no scope: domain-scoped", user: .alice, domain: nil, scope: nil, project: nil, regions: acmeRegions),
        // The catalog lists the regions of the domain's projects, not only the user's.
        ScopeCase(name: "bob without scope", user: .bob, domain: nil, scope: nil, project: nil, regions: acmeRegions),
        ScopeCase(name: "carol without scope", user: .carol, domain: nil, scope: nil, project: nil, regions: ["cn-north-4"]),
    ]

    @Test(arguments: scopeCases)
    func scopesGiveTheWholeTokenBody(example: ScopeCase) async throws {
        try await Self.withTokenServer { client, _, _ in
            let request = Self.tokenRequest(
                name: example.user.name,
                password: example.user.password,
                domain: example.domain ?? #"{"name": "\#(example.user.domainName)"}"#,
                scope: example.scope
            )
            let response = try await Self.post(client, request)
            try expectResponse(
                response,
                status: 201,
                json: Self.tokenBody(example.user, project: example.project, regions: example.regions)
            )
            expectIAMHeaders(response)
            #expect(Self.isTokenText(response.header("X-Subject-Token")))
        }
    }

    static let catalogQueries: [(query: String, catalog: Bool)] = [
        ("nocatalog=true", false),
        ("nocatalog=1", false),
        ("nocatalog=false", false),
        ("nocatalog=%20", false),
        ("nocatalog", true),
        ("nocatalog=", true),
        ("", true),
        ("NOCATALOG=1", true),
        ("no_catalog=1", true),
    ]

    @Test(arguments: catalogQueries)
    func nocatalogWithAnyNonEmptyValueLeavesTheCatalogOut(query: String, catalog: Bool) async throws {
        try await Self.withTokenServer { client, _, _ in
            let response = try await Self.post(client, Self.exampleRequest, query: query)
            try expectResponse(
                response,
                status: 201,
                json: Self.tokenBody(.alice, project: (Acme.cnNorth4, "cn-north-4"), regions: catalog ? ["cn-north-4"] : nil)
            )
            expectIAMHeaders(response)
        }
    }

    @Test(arguments: [nil, "application/json", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream"])
    func theBodyIsReadAsJSONWhateverTheContentType(contentType: String?) async throws {
        try await Self.withTokenServer { client, _, _ in
            var headers = HTTPFields()
            if let contentType { headers[.contentType] = contentType }
            let response = try await Self.post(client, Self.exampleRequest, headers: headers)
            try expectResponse(response, status: 201, json: Self.exampleResponse)
        }
    }

    @Test func credentialHeadersAreIgnoredWhenIssuing() async throws {
        try await Self.withTokenServer { client, clock, _ in
            let garbage: HTTPFields = [
                .contentType: "application/json",
                HTTPField.Name("X-Auth-Token")!: "MIInot-a-token",
                .authorization: "SDK-HMAC-SHA256 garbage",
            ]
            let response = try await Self.post(client, Self.exampleRequest, headers: garbage)
            try expectResponse(response, status: 201, json: Self.exampleResponse)
            // Carol's valid signature does not make the token hers: the body names the user.
            let signed = try await client.send(
                Self.tokensPath,
                method: .post,
                headers: [.contentType: "application/json"],
                body: Array(Self.exampleRequest.utf8),
                as: ExampleUser.carol.signing(at: clock.seconds)
            )
            try expectResponse(signed, status: 201, json: Self.exampleResponse)
        }
    }

    // MARK: Refusals (auth.md §2.4)

    static let invalidBodies: [RawValue] = {
        let user = #"{"name": "alice", "password": "Passw0rd!alice", "domain": {"name": "acme"}}"#
        func identity(_ identity: String, scope: String? = nil) -> String {
            #"{"auth": {"identity": \#(identity)\#(scope.map { #", "scope": \#($0)"# } ?? "")}}"#
        }
        func methods(_ methods: String) -> String {
            identity(#"{"methods": \#(methods), "password": {"user": \#(user)}}"#)
        }
        func userJSON(_ user: String) -> String {
            identity(#"{"methods": ["password"], "password": {"user": \#(user)}}"#)
        }
        func scope(_ scope: String) -> String {
            identity(#"{"methods": ["password"], "password": {"user": \#(user)}}"#, scope: scope)
        }
        return [
            RawValue("empty body", ""),
            RawValue("not JSON", "auth=alice&password=Passw0rd!alice"),
            RawValue("truncated JSON", #"{"auth": {"identity": "#),
            RawValue("trailing garbage", IAMTokenTests.exampleRequest + "x"),
            RawValue("an array", "[]"),
            RawValue("a string", #""auth""#),
            RawValue("null", "null"),
            RawValue("no auth", "{}"),
            RawValue("auth is null", #"{"auth": null}"#),
            RawValue("auth is an array", #"{"auth": []}"#),
            RawValue("no identity", #"{"auth": {}}"#),
            RawValue("identity is a string", #"{"auth": {"identity": "password"}}"#),
            RawValue("no methods", identity(#"{"password": {"user": \#(user)}}"#)),
            RawValue("methods is a string", methods(#""password""#)),
            RawValue("methods is empty", methods("[]")),
            RawValue("methods is token", methods(#"["token"]"#)),
            RawValue("methods is password and token", methods(#"["password", "token"]"#)),
            RawValue("methods is password twice", methods(#"["password", "password"]"#)),
            RawValue("methods in upper case", methods(#"["PASSWORD"]"#)),
            RawValue("methods holds a number", methods("[1]")),
            RawValue("methods is null", methods("null")),
            RawValue("no password object", identity(#"{"methods": ["password"]}"#)),
            RawValue("password object is a string", identity(#"{"methods": ["password"], "password": "x"}"#)),
            RawValue("no user", identity(#"{"methods": ["password"], "password": {}}"#)),
            RawValue("no user name", userJSON(#"{"password": "Passw0rd!alice", "domain": {"name": "acme"}}"#)),
            RawValue("user name is a number", userJSON(#"{"name": 5, "password": "Passw0rd!alice", "domain": {"name": "acme"}}"#)),
            RawValue("user name is null", userJSON(#"{"name": null, "password": "Passw0rd!alice", "domain": {"name": "acme"}}"#)),
            RawValue("no password", userJSON(#"{"name": "alice", "domain": {"name": "acme"}}"#)),
            RawValue("password is null", userJSON(#"{"name": "alice", "password": null, "domain": {"name": "acme"}}"#)),
            RawValue("password is a number", userJSON(#"{"name": "alice", "password": 1234, "domain": {"name": "acme"}}"#)),
            RawValue("no user domain", userJSON(#"{"name": "alice", "password": "Passw0rd!alice"}"#)),
            RawValue("user domain is a string", userJSON(#"{"name": "alice", "password": "Passw0rd!alice", "domain": "acme"}"#)),
            RawValue("user domain names nothing", userJSON(#"{"name": "alice", "password": "Passw0rd!alice", "domain": {}}"#)),
            RawValue("user domain id is a number", userJSON(#"{"name": "alice", "password": "Passw0rd!alice", "domain": {"id": 1}}"#)),
            RawValue("scope is a string", scope(#""project""#)),
            RawValue("scope is empty", scope("{}")),
            RawValue("scope has another key only", scope(#"{"OS-TRUST:trust": {"id": "x"}}"#)),
            RawValue("scope project is empty", scope(#"{"project": {}}"#)),
            RawValue("scope project is a string", scope(#"{"project": "cn-north-4"}"#)),
            RawValue("scope project has only a domain", scope(#"{"project": {"domain": {"name": "acme"}}}"#)),
            RawValue("scope project id is a number", scope(#"{"project": {"id": 5}}"#)),
            RawValue("scope domain is empty", scope(#"{"domain": {}}"#)),
            RawValue("scope domain name is a number", scope(#"{"domain": {"name": 5}}"#)),
        ]
    }()

    @Test(arguments: invalidBodies)
    func malformedRequestsGet400(example: RawValue) async throws {
        try await Self.withTokenServer { client, _, _ in
            let response = try await Self.post(client, example.raw)
            expectIAMResponse(response, status: 400, body: Expected.keystoneBadRequest)
            #expect(response.header("X-Subject-Token") == nil)
        }
    }

    static let refusedRequests: [RawValue] = [
        RawValue("unknown domain", tokenRequest(domain: #"{"name": "acme2"}"#)),
        RawValue("domain name in another case", tokenRequest(domain: #"{"name": "ACME"}"#)),
        RawValue("unknown domain id", tokenRequest(domain: #"{"id": "\#(unknownProject)"}"#)),
        RawValue("domain id and name disagree", tokenRequest(domain: #"{"id": "\#(Acme.domainID)", "name": "globex"}"#)),
        RawValue("alice is not globex's", tokenRequest(domain: #"{"name": "globex"}"#)),
        RawValue("carol is not acme's", tokenRequest(name: "carol", password: "Passw0rd!carol")),
        RawValue("unknown user", tokenRequest(name: "mallory")),
        RawValue("user name in another case", tokenRequest(name: "Alice")),
        RawValue("wrong password", tokenRequest(password: "Passw0rd!Alice")),
        RawValue("empty password", tokenRequest(password: "")),
        RawValue("bob's password", tokenRequest(password: "Passw0rd!bob")),
        RawValue("password with a trailing blank", tokenRequest(password: "Passw0rd!alice ")),
        RawValue("project of another domain", tokenRequest(scope: ScopeJSON.project(id: Globex.cnNorth4))),
        RawValue(
            "acme's project for carol",
            tokenRequest(name: "carol", password: "Passw0rd!carol", domain: #"{"name": "globex"}"#, scope: ScopeJSON.project(id: Acme.cnNorth4))
        ),
        RawValue(
            "a name globex has no project of",
            tokenRequest(name: "carol", password: "Passw0rd!carol", domain: #"{"name": "globex"}"#, scope: ScopeJSON.project(name: "cn-east-3"))
        ),
        RawValue("project bob may not use, by id", tokenRequest(name: "bob", password: "Passw0rd!bob", scope: ScopeJSON.project(id: Acme.cnEast3))),
        RawValue(
            "project bob may not use, by name",
            tokenRequest(name: "bob", password: "Passw0rd!bob", scope: ScopeJSON.project(name: "cn-north-4_billing"))
        ),
        RawValue("unknown project id", tokenRequest(scope: ScopeJSON.project(id: unknownProject))),
        RawValue("unknown project name", tokenRequest(scope: ScopeJSON.project(name: "cn-north-5"))),
        RawValue("project name in another case", tokenRequest(scope: ScopeJSON.project(name: "CN-NORTH-4"))),
        RawValue("project id and name disagree", tokenRequest(scope: #"{"project": {"id": "\#(Acme.cnNorth4)", "name": "cn-east-3"}}"#)),
        RawValue("project's domain is another", tokenRequest(scope: #"{"project": {"name": "cn-north-4", "domain": {"name": "globex"}}}"#)),
        RawValue(
            "project's domain is unknown",
            tokenRequest(scope: #"{"project": {"id": "\#(Acme.cnNorth4)", "domain": {"id": "\#(unknownProject)"}}}"#)
        ),
        RawValue("domain scope of another domain by id", tokenRequest(scope: ScopeJSON.domain(id: Globex.domainID))),
        RawValue("domain scope of another domain by name", tokenRequest(scope: ScopeJSON.domain(name: "globex"))),
        RawValue("domain scope of an unknown domain", tokenRequest(scope: ScopeJSON.domain(name: "nowhere"))),
        RawValue("domain scope id and name disagree", tokenRequest(scope: #"{"domain": {"id": "\#(Acme.domainID)", "name": "globex"}}"#)),
    ]

    @Test(arguments: refusedRequests)
    func wrongCredentialsAndUnusableScopesGet401(example: RawValue) async throws {
        try await Self.withTokenServer { client, _, _ in
            let response = try await Self.post(client, example.raw)
            expectIAMResponse(response, status: 401, body: Expected.keystoneUnauthorized)
            #expect(response.header("X-Subject-Token") == nil)
        }
    }

    // MARK: Tokens on the backup routes (auth.md §3, §5)

    @Test func aProjectTokenActsInItsProjectOnly() async throws {
        try await Self.withTokenServer { client, clock, _ in
            for (route, target, home) in Self.homeTargets() {
                let token = try await client.issueToken(.alice, scope: ScopeJSON.project(id: home))
                let response = try await client.send(target, as: .token(token))
                #expect(response.status == 200, "route \(route): \(response.body)")
                let signed = try await client.send(target, as: ExampleUser.alice.signing(at: clock.seconds))
                #expect(try response.json == (try signed.json), "route \(route)")
                // Every other project, acme's or not, known or not, is refused before the route looks.
                for other in [Acme.cnNorth4, Acme.cnEast3, Acme.apSoutheast1, Acme.apSoutheast3, Acme.billing, Globex.cnNorth4, unknownProject]
                where other != home {
                    expectNotAuthorized(try await client.send(target.replacing(home, with: other), as: .token(token)))
                }
            }
            let bob = try await client.issueToken(.bob, scope: ScopeJSON.project(name: "cn-north-4"))
            #expect(try await client.send(Target.dcsV2(""), as: .token(bob)).status == 200)
            let carol = try await client.issueToken(.carol, scope: ScopeJSON.project(name: "cn-north-4"))
            let globex = try await client.send(Target.rdsList("instance_id=\(Globex.mysqlInstance)", project: Globex.cnNorth4), as: .token(carol))
            #expect(try globex.page().ids == ["a4142b3edb605f152a13dbd15179aad8br01"])
            expectNotAuthorized(try await client.send(Target.rdsList("instance_id=\(Acme.mysqlInstance)"), as: .token(carol)))
        }
    }

    @Test(arguments: [ScopeJSON.domain(id: Acme.domainID), ScopeJSON.domain(name: "acme"), nil])
    func aDomainTokenActsInNoProject(scope: String?) async throws {
        try await Self.withTokenServer { client, _, _ in
            let token = try await client.issueToken(.alice, scope: scope)
            for (route, target, _) in Self.homeTargets() {
                let response = try await client.send(target, as: .token(token))
                #expect(response.status == 403, "route \(route)")
                expectNotAuthorized(response)
            }
            // It still reads IAM (auth.md §6).
            let domains = try await client.send("/v3/auth/domains", as: .token(token))
            #expect(domains.status == 200)
        }
    }

    @Test func xProjectIdIsIgnoredOnTokenRequests() async throws {
        try await Self.withTokenServer { client, _, _ in
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            let north = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            let east = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnEast3))
            for declared in [Acme.cnEast3, Globex.cnNorth4, "garbage", ""] {
                let headers: HTTPFields = [HTTPField.Name("X-Project-Id")!: declared]
                #expect(try await client.send(target, headers: headers, as: .token(north)).status == 200, "X-Project-Id \(declared)")
            }
            // Naming the path's project in X-Project-Id does not widen a token of another project.
            let widened = try await client.send(target, headers: [HTTPField.Name("X-Project-Id")!: Acme.cnNorth4], as: .token(east))
            expectNotAuthorized(widened)
        }
    }

    @Test func aTokenWinsOverAnAuthorizationHeader() async throws {
        try await Self.withTokenServer { client, clock, _ in
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            let token = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            // A valid token with a garbled Authorization: the Authorization is not looked at.
            let garbled = try await client.send(target, headers: [.authorization: "garbage"], as: .token(token))
            #expect(garbled.status == 200)
            // An unknown token with a valid signature: the token decides.
            let signed = ExampleUser.alice.signing(at: clock.seconds).apply(method: .get, target: target, headers: [:], body: [])
            var forged = signed
            forged[HTTPField.Name("X-Auth-Token")!] = "MIIforgedforgedforgedforgedforgedforgedforgedforged"
            expectAuthenticationFailure(try await client.send(target, headers: forged, as: .none), Expected.unknownToken)
            // An empty X-Auth-Token is no token: the signature is used.
            var empty = signed
            empty[HTTPField.Name("X-Auth-Token")!] = ""
            #expect(try await client.send(target, headers: empty, as: .none).status == 200)
            let emptyAlone: HTTPFields = [HTTPField.Name("X-Auth-Token")!: ""]
            expectAuthenticationFailure(try await client.send(target, headers: emptyAlone, as: .none), Expected.noCredential)
        }
    }

    // MARK: Lifetime (auth.md §2.3)

    @Test func tokenTimesKeepMicrosecondsAndExpireToTheMicrosecond() async throws {
        // A clock that moves by microseconds: 2024-03-01T08:00:00.123456Z to start.
        let now = Mutex<Int64>(exampleIssueTime * 1_000_000 + 123_456)
        let clock = WallClock { now.withLock { $0 } }
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: .testing(clock: clock))
        try await app.test(.router) { client in
            let issued = try await Self.post(client, Self.exampleRequest, query: "nocatalog=1")
            try expectResponse(
                issued,
                status: 201,
                json: Self.tokenBody(
                    .alice,
                    project: (Acme.cnNorth4, "cn-north-4"),
                    regions: nil,
                    issuedAt: "2024-03-01T08:00:00.123456Z",
                    expiresAt: "2024-03-02T08:00:00.123456Z"
                )
            )
            let token = try #require(issued.header("X-Subject-Token"))
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            now.withLock { $0 += 24 * 3600 * 1_000_000 - 1 }
            #expect(try await client.send(target, as: .token(token)).status == 200)
            now.withLock { $0 += 1 }
            expectAuthenticationFailure(
                try await client.send(target, as: .token(token)),
                Expected.tokenExpired("2024-03-02T08:00:00.123456Z")
            )
        }
    }

    @Test func aTokenLastsTwentyFourHoursThenExpires() async throws {
        try await Self.withTokenServer { client, clock, _ in
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            let token = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            clock.advance(seconds: 24 * 3600 - 1)
            #expect(try await client.send(target, as: .token(token)).status == 200)
            let verified = try await client.send(
                Self.tokensPath,
                headers: [HTTPField.Name("X-Subject-Token")!: token],
                as: ExampleUser.alice.signing(at: clock.seconds)
            )
            #expect(verified.status == 200)

            clock.advance(seconds: 1)
            expectAuthenticationFailure(try await client.send(target, as: .token(token)), Expected.tokenExpired(Self.expiresAt))
            // On IAM reads the same failure is Keystone's 401.
            let iam = try await client.send("/v3/auth/projects", as: .token(token))
            expectIAMResponse(iam, status: 401, body: Expected.keystoneUnauthorized)
            // Verifying it answers 404.
            let expired = try await client.send(
                Self.tokensPath,
                headers: [HTTPField.Name("X-Subject-Token")!: token],
                as: ExampleUser.alice.signing(at: clock.seconds)
            )
            #expect(expired.status == 404)
            expectIAMHeaders(expired)

            // It keeps saying "token expires" for 24 hours after it expired, even while new tokens are issued.
            clock.advance(seconds: 24 * 3600 - 1)
            let fresh = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            expectAuthenticationFailure(try await client.send(target, as: .token(token)), Expected.tokenExpired(Self.expiresAt))
            #expect(try await client.send(target, as: .token(fresh)).status == 200)
        }
    }

    @Test func unknownOrAlteredTokensAreRefused() async throws {
        try await Self.withTokenServer { client, _, _ in
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            let token = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            let last = token.last == "A" ? "B" : "A"
            let candidates = [
                IAMToken.generate(),
                String(token.dropLast()) + last,
                token + "A",
                String(token.dropLast()),
                token.lowercased(),
                SHA256Digest.hex(token),
                "garbage",
                "MII",
            ]
            for candidate in candidates {
                let response = try await client.send(target, as: .token(candidate))
                expectAuthenticationFailure(response, Expected.unknownToken)
                let iam = try await client.send("/v3/auth/domains", as: .token(candidate))
                expectIAMResponse(iam, status: 401, body: Expected.keystoneUnauthorized)
            }
            #expect(try await client.send(target, as: .token(token)).status == 200)
        }
    }

    @Test func aTokenSurvivesANewApplicationOverTheSameStore() async throws {
        let clock = TestClock(seconds: exampleIssueTime)
        let store = try await Fixtures.exampleStore()
        let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
        let token = try await withServer(store: store, clock: clock) { client in
            try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
        }
        // Another application (another node, or the same after a restart) over the same store.
        try await withServer(store: store, clock: clock) { client in
            let response = try await client.send(target, as: .token(token))
            #expect(response.status == 200, "body: \(response.body)")
        }
    }

    @Test func aTokenSurvivesARestartOverTheSameDatabaseFile() async throws {
        let clock = TestClock(seconds: exampleIssueTime)
        let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
        let first = try SQLiteCatalogStore(path: path)
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: first)
        let issued = try await withServer(store: first, clock: clock) { client in
            try await Self.post(client, Self.exampleRequest)
        }
        let token = try #require(issued.header("X-Subject-Token"))
        // A second store over the same file: what another node or a restarted process opens.
        let second = try SQLiteCatalogStore(path: path)
        try await withServer(store: second, clock: clock) { client in
            let response = try await client.send(Target.dcsV2(""), as: .token(token))
            #expect(response.status == 200)
            let verified = try await client.send(
                Self.tokensPath,
                headers: [HTTPField.Name("X-Subject-Token")!: token],
                as: .token(token)
            )
            #expect(try verified.json == (try issued.json))
        }
    }

    @Test func theStoreKeepsOnlyTheSHA256OfAToken() async throws {
        let clock = TestClock(seconds: exampleIssueTime)
        let directory = try TemporaryDirectory.make()
        let store = try SQLiteCatalogStore(path: directory.appendingPathComponent("catalog.sqlite").path)
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: store)
        let token = try await withServer(store: store, clock: clock) { client in
            try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
        }
        let digest = SHA256Digest.hex(token)
        let stored = try await store.token(digest: digest)
        #expect(
            stored
                == IssuedToken(
                    digest: digest,
                    domainID: Acme.domainID,
                    userName: "alice",
                    scope: .project(id: Acme.cnNorth4),
                    issuedAt: exampleIssueTime * 1_000_000,
                    expiresAt: (exampleIssueTime + 24 * 3600) * 1_000_000
                )
        )
        // The token text is no key of the store.
        #expect(try await store.token(digest: token) == nil)
        // Nor is it anywhere in the database files, where its digest is.
        var files = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files.append(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        #expect(files.range(of: Data(digest.utf8)) != nil, "the digest should be found in the files")
        #expect(files.range(of: Data(token.utf8)) == nil, "the token is stored in clear")
        #expect(files.range(of: Data(token.utf8.dropFirst(3))) == nil, "the token is stored in clear")
    }

    @Test func authorizationIsCheckedAgainAtEveryUse() async throws {
        try await Self.withTokenServer { client, _, store in
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            let token = try await client.issueToken(.bob, scope: ScopeJSON.project(id: Acme.cnNorth4))
            #expect(try await client.send(target, as: .token(token)).status == 200)
            // A later seed takes cn-north-4 away from bob.
            try await Fixtures.load(
                #"""
                {"domains": [{"name": "acme", "id": "\#(Acme.domainID)",
                  "users": [{"name": "bob", "password": "Passw0rd!bob", "projects": ["\#(Acme.cnEast3)"]}],
                  "projects": [{"id": "\#(Acme.cnNorth4)", "name": "cn-north-4"}, {"id": "\#(Acme.cnEast3)", "name": "cn-east-3"}]}]}
                """#,
                into: store
            )
            expectNotAuthorized(try await client.send(target, as: .token(token)))
        }
    }

    // MARK: Verifying (auth.md §6.4)

    @Test func verifyingATokenAnswersItsBody() async throws {
        try await Self.withTokenServer { client, clock, _ in
            let issued = try await Self.post(client, Self.exampleRequest)
            let token = try #require(issued.header("X-Subject-Token"))
            let subject: HTTPFields = [HTTPField.Name("X-Subject-Token")!: token]
            clock.advance(seconds: 600)
            let callers: [TestCredential] = [
                ExampleUser.alice.signing(at: clock.seconds),
                ExampleUser.bob.signing(at: clock.seconds),
                .token(token),
                .token(try await client.issueToken(.bob, scope: nil)),
            ]
            for caller in callers {
                let response = try await client.send(Self.tokensPath, headers: subject, as: caller)
                expectIAMResponse(response, status: 200, body: try issued.json)
                #expect(response.header("X-Subject-Token") == token)
            }
            let withoutCatalog = try await client.send(Self.tokensPath + "?nocatalog=1", headers: subject, as: .token(token))
            try expectResponse(
                withoutCatalog,
                status: 200,
                json: Self.tokenBody(.alice, project: (Acme.cnNorth4, "cn-north-4"), regions: nil)
            )
            // A domain-scoped subject.
            let domainIssued = try await Self.post(client, Self.tokenRequest(scope: ScopeJSON.domain(name: "acme")))
            let domainToken = try #require(domainIssued.header("X-Subject-Token"))
            let domainVerified = try await client.send(
                Self.tokensPath,
                headers: [HTTPField.Name("X-Subject-Token")!: domainToken],
                as: .token(token)
            )
            expectIAMResponse(domainVerified, status: 200, body: try domainIssued.json)
        }
    }

    @Test func verifyingAnUnknownOrForeignTokenAnswers404() async throws {
        try await Self.withTokenServer { client, clock, _ in
            let alice = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            let carol = try await client.issueToken(.carol, scope: nil)
            let subjects: [String?] = [IAMToken.generate(), String(alice.dropLast()), "garbage", "", nil]
            for subject in subjects {
                var headers = HTTPFields()
                if let subject { headers[HTTPField.Name("X-Subject-Token")!] = subject }
                let response = try await client.send(Self.tokensPath, headers: headers, as: .token(alice))
                Self.expectNotFound(response)
            }
            // Another account's token is as unknown as a forged one, whichever credential asks.
            let foreign: HTTPFields = [HTTPField.Name("X-Subject-Token")!: alice]
            Self.expectNotFound(try await client.send(Self.tokensPath, headers: foreign, as: .token(carol)))
            Self.expectNotFound(try await client.send(Self.tokensPath, headers: foreign, as: ExampleUser.carol.signing(at: clock.seconds)))
            let reverse: HTTPFields = [HTTPField.Name("X-Subject-Token")!: carol]
            Self.expectNotFound(try await client.send(Self.tokensPath, headers: reverse, as: .token(alice)))
        }
    }

    /// Keystone's 404 (auth.md §6.4): its shape and title; the message is the server's.
    static func expectNotFound(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 404, "body: \(response.body)", sourceLocation: sourceLocation)
        expectIAMHeaders(response, sourceLocation: sourceLocation)
        let error = (try? response.json)?["error"]
        #expect(error?.keys == ["code", "message", "title"], "body: \(response.body)", sourceLocation: sourceLocation)
        #expect(error?["code"] == .integer(404), sourceLocation: sourceLocation)
        #expect(error?["title"] == .string("Not Found"), sourceLocation: sourceLocation)
        #expect(response.header("X-Subject-Token") == nil, sourceLocation: sourceLocation)
    }

    @Test func verifyingNeedsACredentialOfItsOwn() async throws {
        try await Self.withTokenServer { client, _, _ in
            let token = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            let subject: HTTPFields = [HTTPField.Name("X-Subject-Token")!: token]
            expectIAMResponse(
                try await client.send(Self.tokensPath, headers: subject, as: .none),
                status: 401,
                body: Expected.keystoneUnauthorized
            )
            expectIAMResponse(
                try await client.send(Self.tokensPath, headers: subject, as: .token("MIIgarbage")),
                status: 401,
                body: Expected.keystoneUnauthorized
            )
            // A signature dated far from the server's clock is no credential either.
            expectIAMResponse(
                try await client.send(Self.tokensPath, headers: subject, as: ExampleUser.alice.signing(at: exampleIssueTime - 3600)),
                status: 401,
                body: Expected.keystoneUnauthorized
            )
        }
    }
}
