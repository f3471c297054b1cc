import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Tenant isolation as a matrix (auth.md §5, api.md §1.2): every backup route × every kind of
/// credential × every path project that matters, and every IAM read × every credential. Each
/// cell checks its exact status (and body for refusals), that it is never a 5xx, and that no
/// answer to a caller holds another account's ids (nor, unauthenticated, anyone's).
@Suite struct TenantIsolationMatrixTests {
    // MARK: The axes

    /// The backup routes A–F of api.md §1.1, each naming acme's data, and A naming globex's.
    enum BackupRoute: String, CaseIterable, Sendable {
        case rdsList = "A"
        case offsite = "B"
        case taurus = "C"
        case dcsV1 = "D"
        case dcsV2 = "E"
        case ddm = "F"
        case globexRDSList = "A(globex)"

        func target(in project: String) -> String {
            switch self {
            case .rdsList: Target.rdsList("instance_id=\(Acme.mysqlInstance)", project: project)
            case .offsite: Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto", project: project)
            case .taurus: Target.taurus("", project: project)
            case .dcsV1: Target.dcsV1("", project: project)
            case .dcsV2: Target.dcsV2("", project: project)
            case .ddm: Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09", project: project)
            case .globexRDSList: Target.rdsList("instance_id=\(Globex.mysqlInstance)", project: project)
            }
        }

        /// The project of the route's instance. For the offsite API it is the instance's home
        /// (ap-southeast-1), which the caller's user must be able to use; the copies are held in cn-north-4.
        var instanceProject: String {
            switch self {
            case .rdsList, .dcsV1, .dcsV2: Acme.cnNorth4
            case .offsite: Acme.apSoutheast1
            case .taurus: Acme.cnEast3
            case .ddm: Acme.apSoutheast3
            case .globexRDSList: Globex.cnNorth4
            }
        }

        /// The answer of an authorized caller whose lookup finds nothing (api.md §1.2 step 5).
        var notFound: JSONValue {
            switch self {
            case .dcsV1, .dcsV2: Expected.dcsInstanceNotFound
            default: Expected.instanceNotFound
            }
        }

        /// Whether an authorized caller acting in `project` finds the instance (api.md §1.2, §3).
        func finds(in project: String, user: ExampleUser) -> Bool {
            switch self {
            case .offsite: user.name == "alice"  // the instance's project must be one the user may use
            default: project == instanceProject
            }
        }
    }

    /// The path projects that matter: each of acme's, globex's, and one that exists nowhere.
    static let projects: [RawValue] = [
        RawValue("acme cn-north-4", Acme.cnNorth4),
        RawValue("acme ap-southeast-1", Acme.apSoutheast1),
        RawValue("acme cn-east-3", Acme.cnEast3),
        RawValue("acme ap-southeast-3", Acme.apSoutheast3),
        RawValue("acme cn-north-4_billing", Acme.billing),
        RawValue("globex cn-north-4", Globex.cnNorth4),
        RawValue("unknown", unknownProject),
    ]

    enum Tenant: Sendable {
        case acme, globex
    }

    /// Every kind of credential a request can carry.
    enum Caller: String, CaseIterable, Sendable {
        case none, garbled, unknownAccessKey, badSignature
        case aliceAK, bobAK, carolAK
        case aliceTokenCnNorth4, aliceTokenCnEast3, aliceDomainToken, bobToken, carolToken, expiredToken

        /// The text of auth.md §4.6 a backup route answers with; `nil` when authentication succeeds.
        var failure: String? {
            switch self {
            case .none: Expected.noCredential
            case .garbled, .badSignature: Expected.badSignature
            case .unknownAccessKey: Expected.unknownAccessKey(TenantIsolationMatrixTests.unknownAccess)
            case .expiredToken: Expected.tokenExpired("2024-03-02T08:00:00.000000Z")
            default: nil
            }
        }

        var user: ExampleUser? {
            switch self {
            case .aliceAK, .aliceTokenCnNorth4, .aliceTokenCnEast3, .aliceDomainToken: .alice
            case .bobAK, .bobToken: .bob
            case .carolAK, .carolToken: .carol
            default: nil
            }
        }

        var tenant: Tenant? {
            user.map { $0.name == "carol" ? .globex : .acme }
        }

        /// Where the caller may act (auth.md §5).
        var projects: Set<String> {
            switch self {
            case .aliceAK: [Acme.cnNorth4, Acme.apSoutheast1, Acme.cnEast3, Acme.apSoutheast3, Acme.billing]
            case .bobAK, .bobToken, .aliceTokenCnNorth4: [Acme.cnNorth4]
            case .aliceTokenCnEast3: [Acme.cnEast3]
            case .carolAK, .carolToken: [Globex.cnNorth4]
            default: []
            }
        }

        /// The headers of a request to `target` carrying this credential.
        func headers(for target: String, _ fixture: Fixture) -> HTTPFields {
            let date = sdkDate(fixture.clock.seconds)
            let token = HTTPField.Name("X-Auth-Token")!
            switch self {
            case .none: return [:]
            case .garbled: return [.authorization: "SDK-HMAC-SHA256 Access=\(Fixtures.Alice.access), garbage", HTTPField.Name("X-Sdk-Date")!: date]
            case .unknownAccessKey: return handSigned(target, date: date, access: TenantIsolationMatrixTests.unknownAccess)
            case .badSignature: return handSigned(target, date: date, secret: Fixtures.Bob.secret)
            case .aliceAK: return handSigned(target, date: date)
            case .bobAK: return handSigned(target, date: date, access: Fixtures.Bob.access, secret: Fixtures.Bob.secret)
            case .carolAK: return handSigned(target, date: date, access: Fixtures.Carol.access, secret: Fixtures.Carol.secret)
            default: return [token: fixture.tokens[self]!]
            }
        }
    }

    static let unknownAccess = "HPUAEXAMPLEAK0000099"

    // MARK: The shared fixture

    /// One store for the whole matrix, with its tokens issued once: each cell only builds a
    /// cheap application over it. The clock stands 24 hours after the example's issue time, so
    /// that the token issued at that time has just expired while the others are fresh.
    /// The lockout never locks here: bad-signature cells use alice's AK and run alongside hers.
    final class Fixture: Sendable {
        let store: any CatalogStore
        let clock: TestClock
        let configuration: ServerConfiguration
        let tokens: [Caller: String]
        /// Acme's and globex's ids of the example seed: domains, projects, instances, backups.
        let acmeIDs: Set<String>
        let globexIDs: Set<String>

        static let shared = Task { try await Fixture() }

        private init() async throws {
            let clock = TestClock(seconds: exampleIssueTime)
            var configuration = ServerConfiguration.testing(clock: clock.wallClock)
            configuration.lockoutPolicy = LockoutPolicy(threshold: .max, duration: 0)
            let store = try await Fixtures.exampleStore()
            let tokens = try await makeTestApplication(store: store, configuration: configuration).test(.router) { client in
                let expired = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
                clock.advance(seconds: 24 * 3600)
                return [
                    Caller.expiredToken: expired,
                    .aliceTokenCnNorth4: try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4)),
                    .aliceTokenCnEast3: try await client.issueToken(.alice, scope: ScopeJSON.project(name: "cn-east-3")),
                    .aliceDomainToken: try await client.issueToken(.alice, scope: nil),
                    .bobToken: try await client.issueToken(.bob, scope: ScopeJSON.project(id: Acme.cnNorth4)),
                    .carolToken: try await client.issueToken(.carol, scope: ScopeJSON.project(name: "cn-north-4")),
                ]
            }
            (acmeIDs, globexIDs) = try Self.tenantIDs()
            self.store = store
            self.clock = clock
            self.configuration = configuration
            self.tokens = tokens
        }

        /// The ids of each account, read from the example seed itself.
        private static func tenantIDs() throws -> (acme: Set<String>, globex: Set<String>) {
            let seed = try JSONValue(parsing: Fixtures.exampleSeed)
            var projectsOf: [String: Tenant] = [:]
            var acme: Set<String> = []
            var globex: Set<String> = []
            for domain in seed["domains"]?.arrayValue ?? [] {
                let tenant: Tenant = domain["name"]?.stringValue == "globex" ? .globex : .acme
                var ids = [domain["id"]?.stringValue]
                for project in domain["projects"]?.arrayValue ?? [] {
                    ids.append(project["id"]?.stringValue)
                    projectsOf[project["id"]?.stringValue ?? ""] = tenant
                }
                for id in ids.compactMap(\.self) {
                    if tenant == .acme { acme.insert(id) } else { globex.insert(id) }
                }
            }
            var instancesOf: [String: Tenant] = [:]
            for instance in seed["instances"]?.arrayValue ?? [] {
                let id = instance["id"]?.stringValue ?? ""
                instancesOf[id] = projectsOf[instance["project_id"]?.stringValue ?? ""]
                if instancesOf[id] == .acme { acme.insert(id) } else { globex.insert(id) }
            }
            for backup in seed["backups"]?.arrayValue ?? [] {
                let id = (backup["id"] ?? backup["backup_id"])?.stringValue ?? ""
                if instancesOf[backup["instance_id"]?.stringValue ?? ""] == .acme { acme.insert(id) } else { globex.insert(id) }
            }
            return (acme, globex)
        }

        /// Runs `body` against an application over the shared store.
        func withClient<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
            try await makeTestApplication(store: store, configuration: configuration).test(.router, body)
        }
    }

    /// No answer leaks across accounts, holds a secret or the caller's token, or is a 5xx.
    static func expectIsolated(
        _ response: BackupdTestSupport.TestResponse,
        caller: Caller,
        _ fixture: Fixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status < 500, "a 5xx: \(response.body)", sourceLocation: sourceLocation)
        let foreign: Set<String> =
            switch caller.tenant {
            case .acme: fixture.globexIDs
            case .globex: fixture.acmeIDs
            case nil: fixture.acmeIDs.union(fixture.globexIDs)
            }
        for id in foreign where response.body.contains(id) {
            Issue.record("\(caller) got \(id): \(response.body)", sourceLocation: sourceLocation)
        }
        let secrets = [Fixtures.Alice.secret, Fixtures.Bob.secret, Fixtures.Carol.secret] + fixture.tokens.values
        for secret in secrets where response.body.contains(secret) {
            Issue.record("a secret or token in the answer: \(response.body)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Backup routes

    struct BackupCell: Sendable, CustomTestStringConvertible {
        let route: BackupRoute
        let caller: Caller
        let project: RawValue

        var testDescription: String { "\(route.rawValue) as \(caller) in \(project.name)" }
    }

    static let backupCells: [BackupCell] = BackupRoute.allCases.flatMap { route in
        Caller.allCases.flatMap { caller in projects.map { BackupCell(route: route, caller: caller, project: $0) } }
    }

    @Test(arguments: backupCells)
    func backupRoute(cell: BackupCell) async throws {
        let fixture = try await Fixture.shared.value
        try await fixture.withClient { client in
            let target = cell.route.target(in: cell.project.raw)
            let response = try await client.send(target, headers: cell.caller.headers(for: target, fixture), as: .none)
            Self.expectIsolated(response, caller: cell.caller, fixture)
            if let failure = cell.caller.failure {
                expectAuthenticationFailure(response, failure)
            } else if !cell.caller.projects.contains(cell.project.raw) {
                expectNotAuthorized(response)
            } else if let user = cell.caller.user, cell.route.finds(in: cell.project.raw, user: user) {
                #expect(response.status == 200, "body: \(response.body)")
                expectStandardHeaders(response)
                // The same answer as the data's owner gets with a signature (the account's own data).
                let owner: ExampleUser = cell.route == .globexRDSList ? .carol : .alice
                let reference = try await client.send(
                    target,
                    headers: handSigned(target, date: sdkDate(fixture.clock.seconds), access: owner.access, secret: owner.secret),
                    as: .none
                )
                #expect(response.body == reference.body)
            } else {
                expectResponse(response, status: 404, body: cell.route.notFound)
            }
        }
    }

    @Test(arguments: BackupRoute.allCases)
    func eachRouteFindsItsDataInItsHomeProject(route: BackupRoute) async throws {
        // The 200 cells above compare with these answers, so they must hold the owner's data.
        let fixture = try await Fixture.shared.value
        try await fixture.withClient { client in
            let home = route == .offsite ? Acme.cnNorth4 : route.instanceProject
            let owner: ExampleUser = route == .globexRDSList ? .carol : .alice
            let target = route.target(in: home)
            let response = try await client.send(
                target,
                headers: handSigned(target, date: sdkDate(fixture.clock.seconds), access: owner.access, secret: owner.secret),
                as: .none
            )
            #expect(response.status == 200)
            let own = owner.name == "carol" ? fixture.globexIDs : fixture.acmeIDs
            let json = try response.json
            let list = json["backups"] ?? json["backup_record_response"]
            let listed = list?.arrayValue?.compactMap { ($0["id"] ?? $0["backup_id"])?.stringValue } ?? [json["id"]?.stringValue ?? "?"]
            #expect(!listed.isEmpty)
            #expect(listed.allSatisfy(own.contains), "\(listed)")
        }
    }

    // MARK: IAM reads

    enum IAMRoute: String, CaseIterable, Sendable {
        case projects = "/v3/projects"
        case authProjects = "/v3/auth/projects"
        case authDomains = "/v3/auth/domains"
        case verifyToken = "/v3/auth/tokens"
    }

    struct IAMCell: Sendable, CustomTestStringConvertible {
        let route: IAMRoute
        let caller: Caller

        var testDescription: String { "\(route.rawValue) as \(caller)" }
    }

    static let iamCells: [IAMCell] = IAMRoute.allCases.flatMap { route in Caller.allCases.map { IAMCell(route: route, caller: $0) } }

    @Test(arguments: iamCells)
    func iamRead(cell: IAMCell) async throws {
        let fixture = try await Fixture.shared.value
        try await fixture.withClient { client in
            let target = cell.route.rawValue
            var headers = cell.caller.headers(for: target, fixture)
            // GET /v3/auth/tokens checks alice's cn-north-4 token.
            let subject = try #require(fixture.tokens[.aliceTokenCnNorth4])
            headers[HTTPField.Name("X-Subject-Token")!] = subject
            let response = try await client.send(target, headers: headers, as: .none)
            Self.expectIsolatedIAM(response, cell: cell, subject: subject, fixture)
            expectIAMHeaders(response)
            guard let user = cell.caller.user, cell.caller.failure == nil else {
                expectIAMResponse(response, status: 401, body: Expected.keystoneUnauthorized)
                return
            }
            let acme = [Acme.apSoutheast1, Acme.apSoutheast3, Acme.cnEast3, Acme.cnNorth4, Acme.billing]
            let ownProjects = user.name == "carol" ? [Globex.cnNorth4] : acme
            switch cell.route {
            case .projects:
                #expect(response.status == 200)
                #expect(try response.items("projects").map { $0["id"]?.stringValue } == ownProjects)
            case .authProjects:
                #expect(response.status == 200)
                let usable = user.name == "bob" ? [Acme.cnNorth4] : ownProjects
                #expect(try response.items("projects").map { $0["id"]?.stringValue } == usable)
            case .authDomains:
                #expect(response.status == 200)
                #expect(try response.items("domains").map { $0["id"]?.stringValue } == [user.domainID])
            case .verifyToken:
                if user.name == "carol" {
                    #expect(response.status == 404)
                } else {
                    #expect(response.status == 200)
                    #expect(try response.json["token"]?["project"]?["id"] == .string(Acme.cnNorth4))
                    #expect(response.header("X-Subject-Token") == subject)
                }
            }
        }
    }

    /// As `expectIsolated`, except that verifying alice's token shows that token to acme's callers.
    static func expectIsolatedIAM(
        _ response: BackupdTestSupport.TestResponse,
        cell: IAMCell,
        subject: String,
        _ fixture: Fixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status < 500, "a 5xx: \(response.body)", sourceLocation: sourceLocation)
        let foreign: Set<String> =
            switch cell.caller.tenant {
            case .acme: fixture.globexIDs
            case .globex: fixture.acmeIDs
            case nil: fixture.acmeIDs.union(fixture.globexIDs)
            }
        for id in foreign where response.body.contains(id) {
            Issue.record("\(cell.caller) got \(id): \(response.body)", sourceLocation: sourceLocation)
        }
        let secrets = [Fixtures.Alice.secret, Fixtures.Bob.secret, Fixtures.Carol.secret] + fixture.tokens.values
        for secret in secrets where response.body.contains(secret) {
            Issue.record("a secret or token in the answer: \(response.body)", sourceLocation: sourceLocation)
        }
        if response.status != 200 || cell.caller.tenant != .acme {
            #expect(response.header("X-Subject-Token") == nil, sourceLocation: sourceLocation)
        }
    }

    @Test func theMatrixHasEveryCell() {
        // 7 routes × 13 credentials × 7 projects, and 4 IAM reads × 13 credentials.
        #expect(Self.backupCells.count == 637)
        #expect(Self.iamCells.count == 52)
        #expect(Set(Self.backupCells.map(\.testDescription)).count == Self.backupCells.count)
    }

    @Test func theAccountsIdsAreDistinct() async throws {
        let fixture = try await Fixture.shared.value
        #expect(fixture.acmeIDs.count > 60)
        #expect(fixture.globexIDs.count == 4)
        // No id of one account is part of an id of the other, so a substring search is exact.
        for acme in fixture.acmeIDs {
            for globex in fixture.globexIDs {
                #expect(!acme.contains(globex) && !globex.contains(acme))
            }
        }
    }
}
