import BackupdAPI
import Testing

/// Path matching as `docs/api.md` §1.1 says.
@Suite struct RouteTests {
    static let backups = Route("GET", "/v3/{project_id}/backups")
    static let ddm = Route("GET", "/v3/{project_id}/instances/{instance_id}/backups/{backup_id}")
    static let dcsV1 = Route("GET", "/v1.0/{project_id}/instances/{instance_id}/backups")
    static let tokens = Route("POST", "/v3/auth/tokens")
    static let health = Route("GET", "/health")

    static func match(_ route: Route, _ path: String) -> [String: String]? {
        route.match(rawPath: Substring(path))
    }

    @Test("a matching path yields its variables")
    func matches() {
        #expect(
            Self.match(Self.backups, "/v3/0483b6b16e954cb88930a360d2c4e663/backups") == [
                "project_id": "0483b6b16e954cb88930a360d2c4e663"
            ]
        )
        #expect(
            Self.match(Self.ddm, "/v3/p/instances/i/backups/b") == ["project_id": "p", "instance_id": "i", "backup_id": "b"]
        )
        #expect(
            Self.match(Self.dcsV1, "/v1.0/p/instances/5560df16-cebf-4473-95c4-d1b573c16e79/backups") == [
                "project_id": "p", "instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79",
            ]
        )
        #expect(Self.match(Self.tokens, "/v3/auth/tokens") == [:])
        #expect(Self.match(Self.health, "/health") == [:])
    }

    @Test("each segment is percent-decoded; a decoded %2F stays inside its segment")
    func percentDecodedSegments() {
        #expect(Self.match(Self.backups, "/v3/a%2Fb/backups") == ["project_id": "a/b"])
        #expect(Self.match(Self.backups, "/v3/a%2fb/backups") == ["project_id": "a/b"])
        #expect(
            Self.match(Self.ddm, "/v3/p/instances/i%2F..%2Fx/backups/b%2F") == [
                "project_id": "p", "instance_id": "i/../x", "backup_id": "b/",
            ]
        )
        #expect(Self.match(Self.backups, "/v3/%2F/backups") == ["project_id": "/"])
        #expect(Self.match(Self.backups, "/v3/caf%C3%A9/backups") == ["project_id": "café"])
        #expect(Self.match(Self.backups, "/v3/a%20b/backups") == ["project_id": "a b"])
        #expect(Self.match(Self.backups, "/v3/a+b/backups") == ["project_id": "a+b"])
        #expect(Self.match(Self.backups, "/v3/100%/backups") == ["project_id": "100%"])
        // Literals are compared after decoding.
        #expect(Self.match(Self.backups, "/v3/p/back%75ps") == ["project_id": "p"])
        #expect(Self.match(Self.backups, "/%76%33/p/backups") == ["project_id": "p"])
        // A decoded %2F in a literal position is not a separator either.
        #expect(Self.match(Self.backups, "/v3%2Fp/backups") == nil)
        #expect(Self.match(Self.tokens, "/v3/auth%2Ftokens") == nil)
    }

    @Test(
        "empty segments, a trailing slash, extra or missing segments do not match",
        arguments: [
            "/v3//backups", "//v3/p/backups", "/v3/p//backups", "/v3/p/backups/", "/v3/p/backups//",
            "/v3/p/backups/x", "/v3/p", "/v3/p/", "/v3/", "/", "", "v3/p/backups", "/v3/p/backups?x=1",
            "/v3/p/backups#x", "/v3/p/x/backups",
        ]
    )
    func nonMatchingShapes(path: String) {
        #expect(Self.match(Self.backups, path) == nil)
    }

    @Test("literal segments are case-sensitive; variables keep their case")
    func caseSensitivity() {
        #expect(Self.match(Self.backups, "/V3/p/backups") == nil)
        #expect(Self.match(Self.backups, "/v3/p/Backups") == nil)
        #expect(Self.match(Self.backups, "/v3/p/BACKUPS") == nil)
        #expect(Self.match(Self.backups, "/v3/p/backup") == nil)
        #expect(Self.match(Self.backups, "/v3/P/backups") == ["project_id": "P"])
        #expect(Self.match(Self.tokens, "/v3/AUTH/tokens") == nil)
        #expect(Self.match(Self.dcsV1, "/V1.0/p/instances/i/backups") == nil)
        #expect(Self.match(Self.dcsV1, "/v1/p/instances/i/backups") == nil)
        #expect(Self.match(Self.health, "/Health") == nil)
        #expect(Self.match(Self.health, "/health/") == nil)
    }

    @Test("the DDM short form of the page's example does not match the full route")
    func ddmShortForm() {
        #expect(Self.match(Self.ddm, "/v3/p/backups/b") == nil)
    }

    @Test("literal routes are told apart from variable routes")
    func literalRoutes() {
        #expect(Self.tokens.isLiteral)
        #expect(Self.health.isLiteral)
        #expect(!Self.backups.isLiteral)
        #expect(!Self.ddm.isLiteral)
        #expect(Self.backups.description == "GET /v3/{project_id}/backups")
        #expect(Self.backups.method == "GET")
        #expect(Self.backups.template == "/v3/{project_id}/backups")
    }

    /// `docs/api.md` §1.1 splits the raw path on the byte `/`. A raw (unencoded) combining mark
    /// right after a slash must not hide the slash.
    @Test("the path splits on / even when a raw combining mark follows it")
    func splitsOnBytes() {
        let route = Route("GET", "/v3/{project_id}/{rest}")
        #expect(Self.match(route, "/v3/p/\u{301}x") == ["project_id": "p", "rest": "\u{301}x"])
    }
}
