import BackupdAPI
import BackupdAuth
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// The IAM reads (auth.md §6): `GET /v3/projects`, `GET /v3/auth/projects`, `GET /v3/auth/domains`,
/// with signatures and tokens, and their Keystone-shaped 401s (§4.6). `<base>` is `http://localhost`.
@Suite struct IAMProjectTests {
    static let base = "http://localhost"

    // MARK: Expected bodies

    /// One project of a list (auth.md §6.1), in its documented key order.
    static func project(_ id: String, _ name: String, parent: String, domain: String = Acme.domainID) -> String {
        #"{"is_domain": false, "description": "", "links": {"self": "\#(base)/v3/projects/\#(id)"}, "enabled": true, "#
            + #""id": "\#(id)", "parent_id": "\#(parent)", "domain_id": "\#(domain)", "name": "\#(name)"}"#
    }

    static let apSoutheast1 = project(Acme.apSoutheast1, "ap-southeast-1", parent: Acme.domainID)
    static let apSoutheast3 = project(Acme.apSoutheast3, "ap-southeast-3", parent: Acme.domainID)
    static let cnEast3 = project(Acme.cnEast3, "cn-east-3", parent: Acme.domainID)
    static let cnNorth4 = project(Acme.cnNorth4, "cn-north-4", parent: Acme.domainID)
    /// A sub-project's parent is the domain's project named after its region.
    static let billing = project(Acme.billing, "cn-north-4_billing", parent: Acme.cnNorth4)
    static let globex = project(Globex.cnNorth4, "cn-north-4", parent: Globex.domainID, domain: Globex.domainID)
    /// Acme's projects by name, then id.
    static let acme = [apSoutheast1, apSoutheast3, cnEast3, cnNorth4, billing]

    /// `{"links": {…}, "projects": […]}`.
    static func list(selfLink: String, _ projects: [String]) -> String {
        #"{"links": {"self": "\#(selfLink)", "previous": null, "next": null}, "projects": [\#(projects.joined(separator: ", "))]}"#
    }

    /// `GET /v3/projects` with `query`.
    static func projectsList(query: String, _ projects: [String]) -> String {
        list(selfLink: base + "/v3/projects" + (query.isEmpty ? "" : "?" + query), projects)
    }

    /// The body of auth.md §6.1, with `<base>` = `http://localhost`.
    static let section6_1 = #"""
        {
          "links": {"self": "http://localhost/v3/projects?name=cn-north-4", "previous": null, "next": null},
          "projects": [
            {
              "is_domain": false,
              "description": "",
              "links": {"self": "http://localhost/v3/projects/0483b6b16e954cb88930a360d2c4e663"},
              "enabled": true,
              "id": "0483b6b16e954cb88930a360d2c4e663",
              "parent_id": "9a3c0d1e2f4b4c5d8e7f6a5b4c3d2e1f",
              "domain_id": "9a3c0d1e2f4b4c5d8e7f6a5b4c3d2e1f",
              "name": "cn-north-4"
            }
          ]
        }
        """#

    /// `GET /v3/auth/domains` (auth.md §6.3) for a caller of `domain`.
    static func domains(id: String, name: String) -> String {
        #"{"domains": [{"id": "\#(id)", "name": "\#(name)", "enabled": true, "description": "", "#
            + #""links": {"self": "\#(base)/v3/domains/\#(id)"}}], "#
            + #""links": {"self": "\#(base)/v3/auth/domains", "previous": null, "next": null}}"#
    }

    /// A server over a fresh example store with its clock pinned at 2024-03-01T08:00:00Z.
    static func withIAMServer<T: Sendable>(
        _ body: @Sendable (any TestClientProtocol, TestClock) async throws -> T
    ) async throws -> T {
        let clock = TestClock(seconds: exampleIssueTime)
        return try await withServer(store: try await Fixtures.exampleStore(), clock: clock) { client in
            try await body(client, clock)
        }
    }

    /// Headers as the SDK signs its project lookup (auth.md §4.1, vector V3): `Host`,
    /// `User-Agent` and `X-Sdk-Date` only, no `Content-Type`, no `X-Project-Id`.
    static func sdkLookupHeaders(_ target: String, as user: ExampleUser, at seconds: Int64) -> HTTPFields {
        handSigned(
            target,
            headers: [(name: "User-Agent", value: "huaweicloud-usdk-python/3.0")],
            date: sdkDate(seconds),
            access: user.access,
            secret: user.secret
        )
    }

    // MARK: GET /v3/projects (§6.1)

    @Test func theSDKsProjectLookupGetsTheBodyOfSection6_1() async throws {
        try await Self.withIAMServer { client, clock in
            let target = "/v3/projects?name=cn-north-4"
            let response = try await client.send(target, headers: Self.sdkLookupHeaders(target, as: .alice, at: clock.seconds), as: .none)
            try expectResponse(response, status: 200, json: Self.section6_1)
            expectIAMHeaders(response)
            // Bob may use only cn-north-4, but the lookup lists the domain's projects: the same answer.
            let bob = try await client.send(target, headers: Self.sdkLookupHeaders(target, as: .bob, at: clock.seconds), as: .none)
            try expectResponse(bob, status: 200, json: Self.section6_1)
            // Carol's cn-north-4 is globex's: each account finds only its own project of that name.
            let carol = try await client.send(target, headers: Self.sdkLookupHeaders(target, as: .carol, at: clock.seconds), as: .none)
            try expectResponse(carol, status: 200, json: Self.projectsList(query: "name=cn-north-4", [Self.globex]))
            expectIAMHeaders(carol)
        }
    }

    static let listCases: [(query: String, user: ExampleUser, projects: [String])] = [
        ("", .alice, acme),
        ("", .bob, acme),
        ("", .carol, [globex]),
        ("name=cn-north-4_billing", .alice, [billing]),
        ("name=cn-north-4%5Fbilling", .alice, [billing]),
        ("name=cn-north-4%5fbilling", .alice, [billing]),
        ("name=CN-NORTH-4", .alice, []),
        ("name=cn-north", .alice, []),
        ("name=cn-north-4%20", .alice, []),
        ("name=cn-north-4+", .alice, []),
        ("name=", .alice, acme),
        ("name=cn-east-3", .carol, []),
        ("Name=cn-north-4", .alice, acme),
        ("domain_id=\(Acme.domainID)", .alice, acme),
        ("domain_id=\(Globex.domainID)", .alice, []),
        ("domain_id=\(Acme.domainID)", .carol, []),
        ("domain_id=\(unknownProject)", .alice, []),
        ("domain_id=\(Acme.domainID.uppercased())", .alice, []),
        ("parent_id=\(Acme.domainID)", .alice, [apSoutheast1, apSoutheast3, cnEast3, cnNorth4]),
        ("parent_id=\(Acme.cnNorth4)", .alice, [billing]),
        ("parent_id=\(Acme.billing)", .alice, []),
        ("parent_id=\(Globex.domainID)", .carol, [globex]),
        ("parent_id=\(Globex.domainID)", .alice, []),
        ("name=cn-north-4_billing&parent_id=\(Acme.cnNorth4)", .alice, [billing]),
        ("name=cn-north-4&parent_id=\(Acme.cnNorth4)", .alice, []),
        ("name=cn-north-4&domain_id=\(Acme.domainID)", .alice, [cnNorth4]),
        ("enabled=false&is_domain=true&page=2&per_page=1", .alice, acme),
        ("per_page=1&name=cn-east-3&page=9", .alice, [cnEast3]),
    ]

    @Test(arguments: listCases)
    func listProjectsFiltersTheCallersDomain(query: String, user: ExampleUser, projects: [String]) async throws {
        try await Self.withIAMServer { client, clock in
            let target = "/v3/projects" + (query.isEmpty ? "" : "?" + query)
            let response = try await client.send(target, as: user.signing(at: clock.seconds))
            try expectResponse(response, status: 200, json: Self.projectsList(query: query, projects))
            expectIAMHeaders(response)
        }
    }

    @Test(arguments: ["name=cn-north-4&x=%2B+%20%7e", "&&name=cn-north-4&", "name=cn%2Dnorth%2D4"])
    func theSelfLinkEchoesTheRawQuery(query: String) async throws {
        try await Self.withIAMServer { client, clock in
            let response = try await client.send("/v3/projects?" + query, as: ExampleUser.alice.signing(at: clock.seconds))
            try expectResponse(response, status: 200, json: Self.projectsList(query: query, [Self.cnNorth4]))
        }
    }

    // MARK: GET /v3/auth/projects (§6.2), GET /v3/auth/domains (§6.3)

    static let authProjectsCases: [(user: ExampleUser, projects: [String])] = [
        (.alice, acme),
        (.bob, [cnNorth4]),
        (.carol, [globex]),
    ]

    @Test(arguments: authProjectsCases)
    func authProjectsListsWhatTheUserMayUse(user: ExampleUser, projects: [String]) async throws {
        try await Self.withIAMServer { client, clock in
            let expected = Self.list(selfLink: Self.base + "/v3/auth/projects", projects)
            for query in ["", "?name=cn-east-3", "?domain_id=\(Globex.domainID)&parent_id=x"] {
                let signed = try await client.send("/v3/auth/projects" + query, as: user.signing(at: clock.seconds))
                try expectResponse(signed, status: 200, json: expected)
                expectIAMHeaders(signed)
            }
            // Whatever the credential: a token of the user's own project, and a domain token.
            let firstProject = user.name == "carol" ? Globex.cnNorth4 : Acme.cnNorth4
            for scope in [ScopeJSON.project(id: firstProject), nil] {
                let token = try await client.issueToken(user, scope: scope)
                let response = try await client.send("/v3/auth/projects", as: .token(token))
                try expectResponse(response, status: 200, json: expected)
            }
        }
    }

    @Test(arguments: [ExampleUser.alice, .bob, .carol])
    func authDomainsAnswersTheCallersDomain(user: ExampleUser) async throws {
        try await Self.withIAMServer { client, clock in
            let expected = Self.domains(id: user.domainID, name: user.domainName)
            let signed = try await client.send("/v3/auth/domains", as: user.signing(at: clock.seconds))
            try expectResponse(signed, status: 200, json: expected)
            expectIAMHeaders(signed)
            for scope in [nil, ScopeJSON.domain(name: user.domainName)] {
                let token = try await client.issueToken(user, scope: scope)
                try expectResponse(try await client.send("/v3/auth/domains?x=1", as: .token(token)), status: 200, json: expected)
            }
        }
    }

    /// Ways alice authenticates, each of which reads the same IAM answers.
    enum AliceCredential: String, CaseIterable, Sendable {
        case sdkSignature, signatureWithContentType, signatureWithProjectID, projectToken, otherProjectToken, domainToken, unscopedToken

        func credential(_ client: any TestClientProtocol, target: String, clock: TestClock) async throws -> (HTTPFields, TestCredential) {
            switch self {
            case .sdkSignature:
                return (IAMProjectTests.sdkLookupHeaders(target, as: .alice, at: clock.seconds), .none)
            case .signatureWithContentType:
                return ([:], ExampleUser.alice.signing(at: clock.seconds))
            case .signatureWithProjectID:
                // The IAM routes have no project check (auth.md §5): X-Project-Id does not matter there.
                return ([:], ExampleUser.alice.signing(at: clock.seconds, projectID: Acme.cnEast3))
            case .projectToken:
                return ([:], .token(try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))))
            case .otherProjectToken:
                return ([:], .token(try await client.issueToken(.alice, scope: ScopeJSON.project(name: "cn-north-4_billing"))))
            case .domainToken:
                return ([:], .token(try await client.issueToken(.alice, scope: ScopeJSON.domain(id: Acme.domainID))))
            case .unscopedToken:
                return ([:], .token(try await client.issueToken(.alice, scope: nil)))
            }
        }
    }

    @Test(arguments: AliceCredential.allCases)
    func everyKindOfCredentialReadsTheSame(kind: AliceCredential) async throws {
        try await Self.withIAMServer { client, clock in
            let expected: [(target: String, body: String)] = [
                ("/v3/projects?name=cn-north-4", Self.section6_1),
                ("/v3/projects", Self.projectsList(query: "", Self.acme)),
                ("/v3/auth/projects", Self.list(selfLink: Self.base + "/v3/auth/projects", Self.acme)),
                ("/v3/auth/domains", Self.domains(id: Acme.domainID, name: "acme")),
            ]
            for (target, body) in expected {
                let (headers, credential) = try await kind.credential(client, target: target, clock: clock)
                let response = try await client.send(target, headers: headers, as: credential)
                try expectResponse(response, status: 200, json: body)
                expectIAMHeaders(response)
            }
        }
    }

    // MARK: Authentication failures (auth.md §4.6, last paragraph)

    /// Every failure of auth.md §4.6, each of which an IAM read answers with Keystone's 401.
    enum Failure: String, CaseIterable, Sendable {
        case noCredential, emptyToken, garbledAuthorization, otherAlgorithm, unknownAccessKey, dateNotSigned, dateMissing
        case dateMalformed, staleDate, futureDate, signedHeaderMissing, signedHeaderRepeated, badSignature
        case lockedAccessKey, unknownToken, alteredToken, expiredToken

        /// The headers of a request to `target` that fails this way; may prepare the server first.
        func headers(_ client: any TestClientProtocol, target: String, clock: TestClock) async throws -> HTTPFields {
            let now = sdkDate(clock.seconds)
            let userAgent = (name: "User-Agent", value: "huaweicloud-usdk-python/3.0")
            switch self {
            case .noCredential:
                return [:]
            case .emptyToken:
                return [HTTPField.Name("X-Auth-Token")!: ""]
            case .garbledAuthorization:
                return [.authorization: "SDK-HMAC-SHA256 Access=\(Fixtures.Alice.access)", HTTPField.Name("X-Sdk-Date")!: now]
            case .otherAlgorithm:
                var fields = handSigned(target, date: now)
                fields[.authorization] = fields[.authorization]!.replacing("SDK-HMAC-SHA256", with: "SDK-HMAC-SM3")
                return fields
            case .unknownAccessKey:
                return handSigned(target, date: now, access: "HPUAEXAMPLEAK9999999")
            case .dateNotSigned:
                return handSigned(target, headers: [userAgent], date: now, signedHeaders: ["host", "user-agent"])
            case .dateMissing:
                var fields = handSigned(target, headers: [userAgent], date: now)
                fields[HTTPField.Name("X-Sdk-Date")!] = nil
                return fields
            case .dateMalformed:
                return handSigned(target, date: "2024-03-01T08:00:00Z")
            case .staleDate:
                return handSigned(target, date: sdkDate(clock.seconds - 901))
            case .futureDate:
                return handSigned(target, date: sdkDate(clock.seconds + 901))
            case .signedHeaderMissing:
                var fields = handSigned(target, headers: [userAgent], date: now)
                fields[.userAgent] = nil
                return fields
            case .signedHeaderRepeated:
                var fields = handSigned(target, headers: [userAgent], date: now)
                fields.append(HTTPField(name: .userAgent, value: "huaweicloud-usdk-python/3.0"))
                return fields
            case .badSignature:
                return handSigned(target, date: now, secret: Fixtures.Bob.secret)
            case .lockedAccessKey:
                for _ in 0..<5 {
                    let bad = handSigned(target, date: now, access: Fixtures.Bob.access, secret: Fixtures.Alice.secret)
                    _ = try await client.send(target, headers: bad, as: .none)
                }
                return handSigned(target, date: now, access: Fixtures.Bob.access, secret: Fixtures.Bob.secret)
            case .unknownToken:
                return [HTTPField.Name("X-Auth-Token")!: IAMToken.generate()]
            case .alteredToken:
                let token = try await client.issueToken(.alice, scope: nil)
                return [HTTPField.Name("X-Auth-Token")!: String(token.dropLast()) + (token.hasSuffix("x") ? "y" : "x")]
            case .expiredToken:
                let token = try await client.issueToken(.alice, scope: nil)
                clock.advance(seconds: 24 * 3600)
                return [HTTPField.Name("X-Auth-Token")!: token]
            }
        }
    }

    static let readRoutes = ["/v3/projects?name=cn-north-4", "/v3/auth/projects", "/v3/auth/domains", "/v3/auth/tokens"]

    @Test(arguments: Failure.allCases, readRoutes)
    func everyAuthenticationFailureIsKeystones401(failure: Failure, target: String) async throws {
        try await Self.withIAMServer { client, clock in
            // GET /v3/auth/tokens checks a valid subject: the 401 is about the caller's own credential.
            let subject = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            var headers = try await failure.headers(client, target: target, clock: clock)
            headers[HTTPField.Name("X-Subject-Token")!] = subject
            let response = try await client.send(target, headers: headers, as: .none)
            expectIAMResponse(response, status: 401, body: Expected.keystoneUnauthorized)
            #expect(response.header("X-Subject-Token") == nil)
        }
    }

    @Test func everyIAMAnswerCarriesItsTraceID() async throws {
        try await Self.withIAMServer { client, clock in
            let valid = ExampleUser.alice.tokenRequest(scope: nil)
            let answers = [
                try await client.send("/v3/auth/tokens", method: .post, body: valid, as: .none),
                try await client.send("/v3/auth/tokens", method: .post, body: Array("{".utf8), as: .none),
                try await client.send("/v3/auth/tokens", method: .post, body: ExampleUser.bob.tokenRequest(password: "x", scope: nil), as: .none),
                try await client.send("/v3/projects", as: ExampleUser.alice.signing(at: clock.seconds)),
                try await client.send("/v3/projects", as: .none),
                try await client.send("/v3/auth/projects", as: .token("MIIunknown")),
                try await client.send("/v3/auth/domains", as: ExampleUser.carol.signing(at: clock.seconds - 3600)),
                try await client.send(
                    "/v3/auth/tokens",
                    headers: [HTTPField.Name("X-Subject-Token")!: "x"],
                    as: ExampleUser.alice.signing(at: clock.seconds)
                ),
            ]
            #expect(answers.map(\.status) == [201, 400, 401, 200, 401, 401, 401, 404])
            for answer in answers {
                expectIAMHeaders(answer)
            }
            #expect(Set(answers.compactMap { $0.header("X-IAM-Trace-Id") }).count == answers.count)
        }
    }
}
