import BackupdAPI
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Keystone version discovery and the OpenStack catalog (`docs/auth.md` §2.2, §2.6), as
/// openstacksdk with the Open Telekom Cloud extensions reads them (tests/openstack runs the tool).
@Suite struct OpenStackDiscoveryTests {
    static let version = #"""
        {"id": "v3.6", "status": "stable", "updated": "2016-04-04T00:00:00Z",
         "links": [{"rel": "self", "href": "https://backupd.example.com:8443/v3/"}],
         "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}
        """#

    static func withServer<T: Sendable>(
        catalog: TokenCatalogStyle = .huaweiCloud,
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        var configuration = ServerConfiguration.testing()
        configuration.publicBaseURL = "https://backupd.example.com:8443"
        configuration.tokenCatalog = catalog
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        return try await app.test(.router, body)
    }

    @Test func theIdentityVersionNeedsNoCredential() async throws {
        try await Self.withServer { client in
            let response = try await client.send("/v3", method: .get, as: .none)
            try expectResponse(response, status: 200, json: #"{"version": \#(Self.version)}"#)
        }
    }

    @Test func theRootListsTheOneVersionWithItsLocation() async throws {
        try await Self.withServer { client in
            let response = try await client.send("/", method: .get, as: .none)
            try expectResponse(response, status: 300, json: #"{"versions": {"values": [\#(Self.version)]}}"#)
            #expect(response.header("Location") == "https://backupd.example.com:8443/v3/")
        }
    }

    @Test func aTrailingSlashIsStillAnUnknownRoute() async throws {
        try await Self.withServer { client in
            expectRouteNotFound(try await client.send("/v3/", method: .get, as: .none))
        }
    }

    /// `(type, url)` of each catalog entry of a token issued for `scope`.
    static func catalog(_ client: any TestClientProtocol, scope: String) async throws -> [String] {
        let request = #"""
            {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "alice",
             "password": "Passw0rd!alice", "domain": {"name": "acme"}}}}, "scope": \#(scope)}}
            """#
        let response = try await client.send(
            "/v3/auth/tokens",
            method: .post,
            headers: [.contentType: "application/json"],
            body: Array(request.utf8),
            as: .none
        )
        #expect(response.status == 201)
        guard case .array(let entries) = try response.json["token"]?["catalog"] else { return [] }
        return entries.map { entry in
            guard case .string(let type) = entry["type"], case .array(let endpoints) = entry["endpoints"],
                case .string(let url) = endpoints.first?["url"]
            else { return "?" }
            return type + " " + url
        }
    }

    @Test func theOpenStackCatalogAddsTheirTypesAndTheProjectsDCSBase() async throws {
        let base = "https://backupd.example.com:8443"
        let project = "0483b6b16e954cb88930a360d2c4e663"
        try await Self.withServer(catalog: .openStack) { client in
            let projectScoped = try await Self.catalog(client, scope: #"{"project": {"name": "cn-north-4"}}"#)
            #expect(
                projectScoped == [
                    "identity \(base)/v3", "rds \(base)", "gaussdb \(base)", "ddm \(base)",
                    "dcs \(base)/v1.0/\(project)", "rdsv3 \(base)/v3/\(project)",
                    "gaussdb-mysql \(base)/v3/\(project)", "ddmv3 \(base)/v3/\(project)",
                ]
            )
            // No project to name: the Huawei Cloud entries only.
            let domainScoped = try await Self.catalog(client, scope: #"{"domain": {"name": "acme"}}"#)
            #expect(domainScoped == ["identity \(base)/v3", "rds \(base)", "gaussdb \(base)", "ddm \(base)", "dcs \(base)"])
        }
    }

    @Test func theDefaultCatalogIsTheHuaweiCloudTable() async throws {
        let base = "https://backupd.example.com:8443"
        try await Self.withServer { client in
            let entries = try await Self.catalog(client, scope: #"{"project": {"name": "cn-north-4"}}"#)
            #expect(entries == ["identity \(base)/v3", "rds \(base)", "gaussdb \(base)", "ddm \(base)", "dcs \(base)"])
        }
    }
}
