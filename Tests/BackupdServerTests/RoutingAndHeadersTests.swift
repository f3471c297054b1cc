import BackupdAPI
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Rules shared by every route: path matching (api.md §1.1), query strings (§1.3) and the
/// headers of every response (§1.5), plus `GET /health`.
@Suite struct RoutingAndHeadersTests {
    static let p = Acme.cnNorth4
    static let rdsQuery = "instance_id=\(Acme.mysqlInstance)"

    /// One valid target per route, A–F, and `/health`.
    static let validTargets: [String] = [
        Target.rdsList(rdsQuery),
        Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto"),
        Target.taurus(""),
        Target.dcsV1(""),
        Target.dcsV2(""),
        Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09"),
        "/health",
    ]

    // MARK: Path matching

    static let unknownPaths: [String] = {
        let p = RoutingAndHeadersTests.p
        let t = Acme.taurusInstance
        let r = Acme.redisInstance
        let d = Acme.ddmInstance
        let b = "09902ee7866649b8908ec209bfee2747br09"
        let q = "?" + RoutingAndHeadersTests.rdsQuery
        return [
            "/v3/", "/v3/\(p)", "/v3/\(p)/", "/v3/\(p)/backup\(q)", "/v3/\(p)/Backups\(q)",
            "/V3/\(p)/backups\(q)", "/v3/\(p)/BACKUPS\(q)",
            // trailing slash, empty segments, extra segments
            "/v3/\(p)/backups/\(q)", "/v3//backups\(q)", "//v3/\(p)/backups\(q)", "/v3/\(p)//backups\(q)",
            "/v3/\(p)/backups/x/y\(q)", "/v3/\(p)/backups/extra\(q)",
            // an encoded slash does not split a segment
            "/v3/\(p)%2Fbackups\(q)", "/v3/\(p)/backups%2F\(q)", "/v3%2F\(p)%2Fbackups\(q)",
            // offsite
            "/v3/\(p)/offsite-backups/?backup_type=auto", "/v3/\(p)/offsite_backups?backup_type=auto",
            "/v3/\(p)/Offsite-backups?backup_type=auto", "/v3/\(p)/offsite-backups/extra?backup_type=auto",
            // TaurusDB
            "/v3/\(Acme.cnEast3)/instances/\(t)/incremental-backups/", "/v3/\(Acme.cnEast3)/instances//incremental-backups",
            "/v3/\(Acme.cnEast3)/instances/\(t)/incremental-backups/extra",
            "/v3/\(Acme.cnEast3)/Instances/\(t)/incremental-backups",
            "/v3/\(Acme.cnEast3)/instances/\(t)/incremental_backups", "/v3/\(Acme.cnEast3)/instances/\(t)",
            // DCS
            "/v1.0/\(p)/instances/\(r)/backups/", "/v1/\(p)/instances/\(r)/backups", "/v1.0/\(p)/instances//backups",
            "/V1.0/\(p)/instances/\(r)/backups", "/v1.0/\(p)/instances/\(r)/backups/extra",
            "/v1.0//instances/\(r)/backups", "/v2/\(p)/instances/\(r)/backups/", "/v2.0/\(p)/instances/\(r)/backups",
            "/v2//instances/\(r)/backups", "/v3/\(p)/instances/\(r)/backups",
            // DDM
            "/v3/\(Acme.apSoutheast3)/instances/\(d)/backups/\(b)/", "/v3/\(Acme.apSoutheast3)/instances/\(d)/backups//",
            "/v3/\(Acme.apSoutheast3)/instances//backups/\(b)", "/v3/\(Acme.apSoutheast3)/instances/\(d)/backups/\(b)/x",
            "/v3/\(Acme.apSoutheast3)/backups/\(b)", "/v3/\(Acme.apSoutheast3)/instances/\(d)/Backups/\(b)",
            // health
            "/health/", "/HEALTH", "/health/x", "/v3/health", "/Health",
            // route is checked before authentication
            "/v3/\(unknownProject)/backupz\(q)", "/v9/\(unknownProject)/backups",
        ]
    }()

    @Test(arguments: unknownPaths)
    func unknownPathsGetAPIGW0101(target: String) async throws {
        try await withExampleServer { client in
            let response = try await client.send(target)
            expectRouteNotFound(response)
            // The body's request_id is the header's.
            #expect(try response.json["request_id"] == .string(try #require(response.requestID)))
        }
    }

    static let otherMethods: [HTTPRequest.Method] = [.post, .put, .delete, .patch, .options]

    /// The known paths whose `POST` is now a write route (`docs/lifecycle.md` §1): W1, W13, W17.
    static let postedByWriteRoutes: Set<String> = [Target.rdsList(rdsQuery), Target.dcsV1(""), Target.dcsV2("")]

    @Test(arguments: validTargets)
    func knownPathsWithAnotherMethodGetAPIGW0101(target: String) async throws {
        try await withExampleServer { client in
            for method in Self.otherMethods where !(method == .post && Self.postedByWriteRoutes.contains(target)) {
                let response = try await client.send(target, method: method)
                expectRouteNotFound(response)
            }
            // Route comes before authentication, even with an unknown project.
            let unknown = target.replacing(Self.p, with: unknownProject)
            expectRouteNotFound(try await client.send(unknown, method: .patch))
        }
    }

    @Test(arguments: validTargets)
    func headGetsTheHeadersOfA404WithoutBody(target: String) async throws {
        try await withExampleServer { client in
            let response = try await client.send(target, method: .head)
            #expect(response.status == 404)
            expectStandardHeaders(response)
            #expect(response.body.isEmpty, "HEAD body: \(response.body)")
            // The headers are those of the 404 a GET of an unknown route gets, Content-Length included.
            let requestID = try #require(response.requestID)
            let getBody = GatewayErrors.routeNotFound.body(requestID: requestID)
            #expect(response.header("Content-Length") == String(getBody.count))
        }
    }

    @Test func literalAndVariableSegmentsArePercentDecodedBeforeMatching() async throws {
        try await withExampleServer { client in
            let plain = try await client.send(Target.rdsList(Self.rdsQuery))
            #expect(plain.status == 200)
            for target in [
                "/v3/\(Self.p)/%62ackups?\(Self.rdsQuery)",
                "/%763/\(Self.p)/backups?\(Self.rdsQuery)",
                "/v3/%30483b6b16e954cb88930a360d2c4e663/backups?\(Self.rdsQuery)",
                "/v3/\(Self.p)/%62%61%63%6B%75%70%73?\(Self.rdsQuery)",
            ] {
                let response = try await client.send(target)
                expectResponse(response, status: 200, body: try plain.json)
            }
            let dcs = try await client.send("/v1%2E0/\(Self.p)/instances/\(Acme.redisInstance)/backups")
            #expect(dcs.status == 200)
            let dcsPlain = try await client.send(Target.dcsV1(""))
            #expect(try dcs.json == dcsPlain.json)
        }
    }

    // MARK: Query strings

    /// RDS backups of mysql-prod whose ids hold the characters §1.3 treats specially.
    static let specialIDs = """
        {"backups": [
          {"instance_id": "\(Acme.mysqlProd)", "id": "plus+id", "name": "p", "type": "auto", "status": "COMPLETED",
           "size": 1, "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:00:00+0000"},
          {"instance_id": "\(Acme.mysqlProd)", "id": "sp ace", "name": "s", "type": "auto", "status": "COMPLETED",
           "size": 1, "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:00:00+0000"},
          {"instance_id": "\(Acme.mysqlProd)", "id": "k=v", "name": "k", "type": "auto", "status": "COMPLETED",
           "size": 1, "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:00:00+0000"},
          {"instance_id": "\(Acme.mysqlProd)", "id": "a&b", "name": "a", "type": "auto", "status": "COMPLETED",
           "size": 1, "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:00:00+0000"},
          {"instance_id": "\(Acme.mysqlProd)", "id": "\u{E9}t\u{E9}", "name": "e", "type": "auto", "status": "COMPLETED",
           "size": 1, "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:00:00+0000"}
        ]}
        """

    @Test func plusIsLiteralAndKeysAndValuesArePercentDecoded() async throws {
        try await withServer(store: try await exampleStore(adding: Self.specialIDs)) { client in
            func ids(_ backupID: String) async throws -> [String] {
                try await client.send(Target.rdsList("instance_id=\(Acme.mysqlProd)&backup_id=\(backupID)")).page().ids
            }
            #expect(try await ids("plus+id") == ["plus+id"])
            #expect(try await ids("plus%2Bid") == ["plus+id"])
            #expect(try await ids("plus%2bid") == ["plus+id"])
            #expect(try await ids("plus%20id") == [])
            #expect(try await ids("sp%20ace") == ["sp ace"])
            #expect(try await ids("sp+ace") == [])
            // Split at the first `=` only.
            #expect(try await ids("k=v") == ["k=v"])
            #expect(try await ids("k%3Dv") == ["k=v"])
            // An encoded `&` does not split the query.
            #expect(try await ids("a%26b") == ["a&b"])
            #expect(try await ids("a&b") == [])
            // UTF-8 escapes.
            #expect(try await ids("%C3%A9t%C3%A9") == ["\u{E9}t\u{E9}"])
            // An encoded key.
            let encodedKey = try await client.send(
                Target.rdsList("%69nstance%5Fid=\(Acme.mysqlProd)&backup%5fid=plus%2Bid")
            )
            #expect(try encodedKey.page().ids == ["plus+id"])
        }
    }

    @Test func plusInTimesMeansTheSameAsTheEncodedPlus() async throws {
        try await withExampleServer { client in
            let literal = try await client.send(
                Target.rdsList("\(Self.rdsQuery)&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800")
            )
            let encoded = try await client.send(
                Target.rdsList("\(Self.rdsQuery)&begin_time=2018-08-06T10:41:14%2B0800&end_time=2018-08-16T10:41:14%2b0800")
            )
            #expect(literal.status == 200)
            #expect(try literal.page().total == 6)
            #expect(literal.body == encoded.body)
            // A space is not a plus.
            let space = try await client.send(
                Target.rdsList("\(Self.rdsQuery)&begin_time=2018-08-06T10:41:14%200800&end_time=2018-08-16T10:41:14+0800")
            )
            expectResponse(space, status: 400, body: Expected.rds(RDSMessages.beginFormat))
            let taurusLiteral = try await client.send(
                Target.taurus("begin_time=2022-07-06T10:41:14+0800&end_time=2022-07-16T10:41:14+0800")
            )
            let taurusEncoded = try await client.send(
                Target.taurus("begin_time=2022-07-06T10:41:14%2B0800&end_time=2022-07-16T10:41:14%2B0800")
            )
            #expect(try taurusLiteral.page().total == 1)
            #expect(taurusLiteral.body == taurusEncoded.body)
        }
    }

    @Test func emptyPiecesAndEmptyValuesAreAbsent() async throws {
        try await withExampleServer { client in
            let pieces = try await client.send(Target.rdsList("&&\(Self.rdsQuery)&&&limit=2&"))
            #expect(try pieces.page().ids.count == 2)
            // `limit=` is absent, so the non-empty one is the only one given.
            let emptyThenValue = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit=&limit=3"))
            #expect(emptyThenValue.status == 200)
            #expect(try emptyThenValue.page().ids.count == 3)
            let valueThenEmpty = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit=3&limit="))
            #expect(try valueThenEmpty.page().ids.count == 3)
            let emptyInstance = try await client.send(Target.rdsList("instance_id=&\(Self.rdsQuery)&instance_id="))
            #expect(try emptyInstance.page().total == 25)
            // A piece without `=` has the value "", so it is absent too.
            let bare = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit&backup_type&status&begin_time"))
            #expect(try bare.page().total == 25)
            #expect(try bare.page().ids.count == 25)
            let emptyWindow = try await client.send(Target.rdsList("\(Self.rdsQuery)&begin_time=&end_time="))
            #expect(try emptyWindow.page().total == 25)
            // An empty instance_id is absent: the mandatory error.
            let onlyEmpty = try await client.send(Target.rdsList("instance_id=&limit=1"))
            expectResponse(onlyEmpty, status: 400, body: Expected.rds(RDSMessages.instanceMandatory))
        }
    }

    @Test func aParameterGivenTwiceIsInvalidEvenWithTheSameValue() async throws {
        try await withExampleServer { client in
            let rds = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit=3&limit=3"))
            expectResponse(rds, status: 400, body: Expected.rds(RDSMessages.once("limit")))
            let thrice = try await client.send(Target.rdsList("\(Self.rdsQuery)&offset=1&offset=1&offset=1"))
            expectResponse(thrice, status: 400, body: Expected.rds(RDSMessages.once("offset")))
            let encodedTwin = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit=3&%6Cimit=3"))
            expectResponse(encodedTwin, status: 400, body: Expected.rds(RDSMessages.once("limit")))
            let taurus = try await client.send(Target.taurus("limit=10&limit=10"))
            expectResponse(taurus, status: 400, body: Expected.taurus("Parameter error. limit must be given only once."))
            let dcs = try await client.send(Target.dcsV2("limit=10&limit=10"))
            expectResponse(dcs, status: 400, body: Expected.dcsInvalid("limit"))
        }
    }

    @Test func namesAreCaseSensitiveAndUnknownNamesIgnored() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.rdsList("\(Self.rdsQuery)&Limit=0&OFFSET=-1&Backup_Type=x&foo=bar&x&%FF=%FE")
            )
            #expect(response.status == 200)
            #expect(try response.page().total == 25)
            #expect(try response.page().ids.count == 25)
            let upper = try await client.send(Target.rdsList("INSTANCE_ID=\(Acme.mysqlInstance)"))
            expectResponse(upper, status: 400, body: Expected.rds(RDSMessages.instanceMandatory))
        }
    }

    @Test func requestHeadersOfTheSDKChangeNothing() async throws {
        try await withExampleServer { client in
            let plain = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit=0"))
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Language")!] = "zh-cn"
            headers[.contentType] = "application/json"
            let localized = try await client.send(Target.rdsList("\(Self.rdsQuery)&limit=0"), headers: headers)
            expectResponse(localized, status: 400, body: try plain.json)
        }
    }

    // MARK: Response headers

    /// Targets covering every kind of answer: 200 per route, 400 per service, 403, both 404s.
    static let everyKindOfAnswer: [(target: String, status: Int)] = [
        (Target.rdsList(rdsQuery), 200),
        (Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto"), 200),
        (Target.taurus(""), 200),
        (Target.dcsV1(""), 200),
        (Target.dcsV2(""), 200),
        (Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09"), 200),
        ("/health", 200),
        (Target.rdsList(""), 400),
        (Target.offsite(rdsQuery), 400),
        (Target.taurus("limit=0"), 400),
        (Target.dcsV1("start=0"), 400),
        (Target.dcsV2("offset=-1"), 400),
        (Target.rdsList("", project: unknownProject), 403),
        (Target.offsite("", project: unknownProject), 403),
        (Target.taurus("", project: unknownProject), 403),
        (Target.dcsV1("", project: unknownProject), 403),
        (Target.dcsV2("", project: unknownProject), 403),
        (Target.ddm(backup: "x", project: unknownProject), 403),
        ("/nowhere", 404),
        (Target.rdsList("instance_id=nosuch"), 404),
        (Target.dcsV2("", instance: "nosuch"), 404),
        (Target.ddm(backup: "nosuch"), 404),
    ]

    @Test func everyResponseCarriesARequestIDAndTheJSONContentType() async throws {
        try await withExampleServer { client in
            var seen: Set<String> = []
            for (target, status) in Self.everyKindOfAnswer {
                let response = try await client.send(target)
                #expect(response.status == status, "\(target): \(response.body)")
                expectStandardHeaders(response)
                #expect((try? response.json) != nil, "\(target): not JSON: \(response.body)")
                if let id = response.requestID { seen.insert(id) }
                let json = try? response.json
                if json?["error_code"]?.stringValue?.hasPrefix("APIGW.") == true {
                    #expect(try response.json["request_id"] == .string(try #require(response.requestID)))
                } else {
                    #expect(try response.json["request_id"] == nil)
                }
            }
            #expect(seen.count == Self.everyKindOfAnswer.count, "request ids repeat")
        }
    }

    @Test func requestIDsAreNewForEachRequestAndNeverEchoed() async throws {
        try await withExampleServer { client in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Request-Id")!] = "0123456789abcdef0123456789abcdef"
            var seen: Set<String> = []
            for _ in 0..<50 {
                let response = try await client.send(Target.rdsList(Self.rdsQuery + "&limit=1"), headers: headers)
                let id = try #require(response.requestID)
                #expect(isRequestID(id))
                #expect(id != "0123456789abcdef0123456789abcdef")
                #expect(response.headers[values: HTTPField.Name("X-Request-Id")!].count == 1)
                seen.insert(id)
            }
            #expect(seen.count == 50)
            let gateway = try await client.send("/nowhere", headers: headers)
            #expect(gateway.requestID != "0123456789abcdef0123456789abcdef")
            #expect(try gateway.json["request_id"] == .string(try #require(gateway.requestID)))
        }
    }

    @Test func unknownProjectsAreRefusedWith403OnEveryRoute() async throws {
        try await withExampleServer { client in
            for target in [
                Target.rdsList(Self.rdsQuery, project: unknownProject),
                Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto", project: unknownProject),
                Target.taurus("", project: unknownProject),
                Target.dcsV1("", project: unknownProject),
                Target.dcsV2("", project: unknownProject),
                Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09", project: unknownProject),
                // A real project id in upper case is not that project.
                Target.rdsList(Self.rdsQuery, project: Acme.cnNorth4.uppercased()),
                // A domain id is not a project id.
                Target.rdsList(Self.rdsQuery, project: Acme.domainID),
            ] {
                expectNotAuthorized(try await client.send(target))
            }
        }
    }

    // MARK: /health

    @Test func healthAnswersOK() async throws {
        try await withExampleServer { client in
            for target in ["/health", "/health?verbose=1"] {
                let response = try await client.send(target)
                try expectResponse(response, status: 200, json: #"{"status": "ok"}"#)
            }
        }
    }

    @Test func healthNeedsNoCatalogContent() async throws {
        try await withServer(store: try await StoreEngine.sqliteMemory.makeStore()) { client in
            let response = try await client.send("/health")
            try expectResponse(response, status: 200, json: #"{"status": "ok"}"#)
            // With an empty catalog no access key is known.
            let unknown = try await client.send(Target.rdsList(Self.rdsQuery))
            expectResponse(
                unknown,
                status: 401,
                body: Expected.gateway(
                    "APIGW.0301",
                    "Incorrect IAM authentication information: Get secretKey failed,ak:\(Fixtures.Alice.access),err:ak not exist",
                    requestID: unknown.requestID ?? "?"
                )
            )
        }
    }
}
