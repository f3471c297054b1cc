import BackupdAPI
import BackupdAuth
import BackupdTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BackupdServer

/// `GET /openapi.json` (`docs/api.md` §10): the committed `docs/openapi.json`, byte for byte, and
/// exactly the routes a server serves (schemathesis checks the answers against it:
/// `scripts/schema-tests`).
@Suite struct OpenAPIDocumentTests {
    static let committed = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.json")

    @Test func theServedDocumentIsTheCommittedOne() async throws {
        let committed = try Data(contentsOf: Self.committed)
        let app = makeTestApplication(store: try await Fixtures.exampleStore())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json;charset=UTF-8")
            // Compared as a flag, not as bytes: a failing comparison of 150 KB arrays prints them.
            let same = Array(response.body.readableBytesView) == Array(committed)
            #expect(same, "docs/openapi.json is out of date: run `backupd openapi > docs/openapi.json`")
        }
    }

    @Test func theDocumentListsEveryRouteAServerWithAControlTokenServes() async throws {
        var configuration = ServerConfiguration.testing()
        configuration.controlToken = ControlToken("openapi-control")
        let store = try await Fixtures.exampleStore()
        let access = StoreAccess(store: store, realTime: configuration.clock, lookupCacheBytes: configuration.lookupCacheBytes)
        let metrics = ServerMetrics(store: nil, responseCache: configuration.responseCacheCounters, access: access)
        let served = ServedRoutes.routes(store: store, metrics: metrics, configuration: configuration)
        func names(_ declarations: [[OperationDeclaration]]) -> [[String]] {
            declarations.map { $0.map { "\($0.name) \($0.route)" } }
        }
        #expect(names(served.map(\.declarations)) == names(ServedRoutes.declarations))

        let document = try JSONValue(parsing: ServedRoutes.openAPIDocument)
        guard case .object(let paths) = document["paths"] else {
            Issue.record("the document has no paths")
            return
        }
        var documented: Set<String> = []
        for (path, item) in paths {
            guard case .object(let methods) = item else { continue }
            documented.formUnion(methods.map { "\($0.key.uppercased()) \(path)" })
        }
        #expect(documented == Set(served.map { "\($0.route)" }))
    }

    @Test func everyDocumentedOperationIsAKnownRoute() async throws {
        var configuration = ServerConfiguration.testing()
        configuration.controlToken = ControlToken("openapi-control")
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        try await app.test(.router) { client in
            for declarations in ServedRoutes.declarations {
                let route = declarations[0].route
                let target = try #require(route.path(Dictionary(uniqueKeysWithValues: route.variables.map { ($0, "x1") })))
                let response = try await client.execute(
                    uri: target,
                    method: HTTPRequest.Method(route.method)!,
                    headers: [.authorization: "Bearer openapi-control"]
                )
                #expect(!String(buffer: response.body).contains("APIGW.0101"), "\(route) is not served")
            }
        }
    }

    /// A link names a served route and only parameters that route takes: what a client or
    /// schemathesis's stateful phase (scripts/schema-tests) follows must arrive somewhere.
    @Test func everyLinkLeadsToAServedRouteWithItsParameters() {
        let byRoute = Dictionary(grouping: ServedRoutes.declarations.flatMap { $0 }, by: \.route)
        let links = ServedRoutes.declarations.flatMap { $0 }.flatMap { declaration in
            declaration.links.map { (declaration, $0) }
        }
        #expect(links.count >= 10)
        for (declaration, link) in links {
            let context = "\(declaration.name) → \(link.name)"
            guard let targets = byRoute[link.target] else {
                Issue.record("\(context): \(link.target) is not served")
                continue
            }
            let paths = link.parameters.filter { $0.location == .path }.map(\.name)
            #expect(Set(paths) == Set(link.target.variables), "\(context)")
            for parameter in link.parameters where parameter.location == .query {
                #expect(targets.contains { $0.query.contains { $0.name == parameter.name } }, "\(context): \(parameter.name)")
            }
            for parameter in link.parameters where parameter.location == .header {
                #expect(targets.contains { $0.headers.contains(parameter.name) }, "\(context): \(parameter.name)")
            }
            for case .requestPath(let name) in link.parameters.map(\.source) {
                #expect(declaration.route.variables.contains(name), "\(context): the request has no \(name)")
            }
        }
    }
}
