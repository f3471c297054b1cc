import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Malformed and hostile request targets: every answer is a 4xx JSON body in the envelope
/// of the API that answers (api.md §1.6, §1.7 "Bad input always gets a 4xx"), never a 5xx,
/// and the catalog is the same afterwards.
@Suite struct HostileInputTests {
    enum Envelope: Sendable {
        /// `{"error_code", "error_msg", "request_id"}`
        case gateway
        /// `{"error_code", "error_msg"}`
        case service
        /// `{"error_code", "error_msg", "error_ext_msg": null}`
        case dcs
    }

    struct HostileCase: Sendable, CustomTestStringConvertible {
        let name: String
        let target: String
        var method: String = "GET"
        let status: Int
        let envelope: Envelope
        let code: String
        /// The exact message, when the spec fixes it for this input.
        var message: String? = nil

        var testDescription: String { name }
    }

    static let i = "instance_id=\(Acme.mysqlInstance)"
    static let p = Acme.cnNorth4
    static let hundredKB = 100 * 1024

    static let cases: [HostileCase] = {
        let i = HostileInputTests.i
        let rds = { (query: String) in Target.rdsList(query) }
        let m = RDSMessages.self
        var list: [HostileCase] = [
            // Percent-encoded junk and invalid UTF-8.
            HostileCase(
                name: "invalid UTF-8 instance_id %FF%FE",
                target: rds("instance_id=%FF%FE"),
                status: 404,
                envelope: .service,
                code: "DBS.200002",
                message: "The DB instance does not exist."
            ),
            HostileCase(
                name: "lone % as instance_id",
                target: rds("instance_id=%"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "%%%% as instance_id",
                target: rds("instance_id=%%%%"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "bad hex escapes",
                target: rds("instance_id=%G1%1"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "overlong UTF-8 slash",
                target: rds("instance_id=%C0%AF"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "UTF-8 surrogate",
                target: rds("instance_id=%ED%A0%80"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "double-encoded instance id",
                target: rds("instance_id=%2561%2534%2538e"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "invalid UTF-8 limit",
                target: rds("\(i)&limit=%FF"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "lone % as limit",
                target: rds("\(i)&limit=%"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "invalid UTF-8 begin_time",
                target: rds("\(i)&begin_time=%FF%FE&end_time=2018-08-16T10:41:14+0800"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.beginFormat
            ),
            HostileCase(
                name: "invalid UTF-8 key and value",
                target: rds("%FF%FE=%FF"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.instanceMandatory
            ),
            HostileCase(
                name: "emoji backup_type",
                target: rds("\(i)&backup_type=%F0%9F%92%A9"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.backupType
            ),
            // NUL escapes must not truncate values.
            HostileCase(
                name: "NUL instance_id",
                target: rds("instance_id=%00"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "real instance id followed by NUL",
                target: rds("\(i)%00"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "NUL inside the instance id",
                target: rds("instance_id=a48e%0043ff268f4c0e879652d65e63d0fbin01"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "real project id followed by NUL",
                target: Target.rdsList(i, project: "\(p)%00"),
                status: 403,
                envelope: .gateway,
                code: "APIGW.0302"
            ),
            HostileCase(
                name: "real TaurusDB instance followed by NUL",
                target: Target.taurus("", instance: "\(Acme.taurusInstance)%00"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "real DCS instance followed by NUL",
                target: Target.dcsV2("", instance: "\(Acme.redisInstance)%00"),
                status: 404,
                envelope: .dcs,
                code: "DCS.3022",
                message: "This DCS instance does not exist."
            ),
            HostileCase(
                name: "real DDM instance followed by NUL",
                target: Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09", instance: "\(Acme.ddmInstance)%00"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "real DDM backup followed by NUL",
                target: Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09%00"),
                status: 404,
                envelope: .service,
                code: "DBS.201010",
                message: "The backup information does not exist."
            ),
            HostileCase(
                name: "limit followed by NUL",
                target: rds("\(i)&limit=10%00"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "status followed by NUL",
                target: rds("\(i)&status=COMPLETED%00"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.status
            ),
            HostileCase(
                name: "DCS time followed by NUL",
                target: Target.dcsV2("begin_time=20190510000000%00"),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid begin_time in the request."
            ),
            HostileCase(
                name: "TaurusDB flag followed by NUL",
                target: Target.taurus("display_offsite_backup=true%00"),
                status: 400,
                envelope: .service,
                code: "DBS.280001",
                message: "Parameter error. display_offsite_backup must be true or false."
            ),
            // CRLF in a value must not reach the headers.
            HostileCase(
                name: "CRLF header injection",
                target: rds("instance_id=x%0D%0ASet-Cookie:%20a=b"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            // Unicode digits, raw and encoded.
            HostileCase(
                name: "raw Arabic-Indic limit",
                target: rds("\(i)&limit=\u{661}\u{660}"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "raw Arabic-Indic offset",
                target: rds("\(i)&offset=\u{661}"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.offset
            ),
            HostileCase(
                name: "raw Devanagari DCS start",
                target: Target.dcsV1("start=\u{967}"),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid start in the request."
            ),
            HostileCase(
                name: "raw Arabic-Indic TaurusDB limit",
                target: Target.taurus("limit=\u{661}\u{660}"),
                status: 400,
                envelope: .service,
                code: "DBS.280001",
                message: "Parameter error. limit must be an integer from 1 to 100."
            ),
            HostileCase(
                name: "fullwidth DCS limit",
                target: Target.dcsV2("limit=%EF%BC%91%EF%BC%90"),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid limit in the request."
            ),
            HostileCase(
                name: "superscript digit",
                target: rds("\(i)&limit=%C2%B9"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "raw Arabic-Indic DCS time",
                target: Target.dcsV1("beginTime=" + String(repeating: "\u{661}", count: 14)),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid beginTime in the request."
            ),
            // Overlong numbers.
            HostileCase(
                name: "1000-digit offset",
                target: rds("\(i)&offset=" + String(repeating: "9", count: 1000)),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.offset
            ),
            HostileCase(
                name: "1 followed by 1000 zeros as limit",
                target: rds("\(i)&limit=1" + String(repeating: "0", count: 1000)),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "2^63 as DCS offset",
                target: Target.dcsV2("offset=9223372036854775808"),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid offset in the request."
            ),
            HostileCase(
                name: "2^64 as TaurusDB offset",
                target: Target.taurus("offset=18446744073709551616"),
                status: 400,
                envelope: .service,
                code: "DBS.280001",
                message: "Parameter error. offset must be an integer from 0 to 2147483647."
            ),
            HostileCase(
                name: "year 99999",
                target: rds("\(i)&begin_time=99999-01-01T00:00:00Z&end_time=2018-08-16T10:41:14+0800"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.beginFormat
            ),
            // About 100 KB of query.
            HostileCase(
                name: "100 KB limit",
                target: rds("\(i)&limit=" + String(repeating: "7", count: hundredKB)),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "100 KB instance_id",
                target: rds("instance_id=" + String(repeating: "a", count: hundredKB)),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "100 KB of escapes as backup_type",
                target: rds("\(i)&backup_type=" + String(repeating: "%FF", count: hundredKB / 3)),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.backupType
            ),
            HostileCase(
                name: "100 KB DCS time",
                target: Target.dcsV1("endTime=" + String(repeating: "2", count: hundredKB)),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid endTime in the request."
            ),
            HostileCase(
                name: "100 KB project segment",
                target: Target.rdsList(i, project: String(repeating: "f", count: hundredKB)),
                status: 403,
                envelope: .gateway,
                code: "APIGW.0302"
            ),
            HostileCase(
                name: "100 KB DDM backup segment",
                target: Target.ddm(backup: String(repeating: "b", count: hundredKB)),
                status: 404,
                envelope: .service,
                code: "DBS.201010"
            ),
            HostileCase(
                name: "100 KB unknown path",
                target: "/" + String(repeating: "x/", count: hundredKB / 2),
                status: 404,
                envelope: .gateway,
                code: "APIGW.0101"
            ),
            // Thousands of parameters.
            HostileCase(
                name: "5000 unknown parameters and a bad limit",
                target: rds(i + "&" + (0..<5000).map { "p\($0)=\($0)" }.joined(separator: "&") + "&limit=0"),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.limit
            ),
            HostileCase(
                name: "5000 times the same limit",
                target: rds(i + "&" + Array(repeating: "limit=1", count: 5000).joined(separator: "&")),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.once("limit")
            ),
            HostileCase(
                name: "5000 instance_id",
                target: rds(Array(repeating: i, count: 5000).joined(separator: "&")),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.once("instance_id")
            ),
            HostileCase(
                name: "10000 ampersands and no instance",
                target: rds(String(repeating: "&", count: 10000)),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.instanceMandatory
            ),
            HostileCase(
                name: "5000 DCS parameters and a bad start",
                target: Target.dcsV1((0..<5000).map { "k\($0)" }.joined(separator: "&") + "&start=0"),
                status: 400,
                envelope: .dcs,
                code: "DCS.4800",
                message: "Invalid start in the request."
            ),
            // SQL-looking ids.
            HostileCase(
                name: "SQL injection in instance_id",
                target: rds("instance_id='%20OR%20'1'%3D'1"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "SQL comment after a real id",
                target: rds("\(i)'--"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "SQL injection in a DCS path",
                target: Target.dcsV1("", instance: "x'%20OR%20'1'%3D'1"),
                status: 404,
                envelope: .dcs,
                code: "DCS.3022",
                message: "This DCS instance does not exist."
            ),
            HostileCase(
                name: "SQL injection in a DDM backup",
                target: Target.ddm(backup: "'%20OR%20'1'%3D'1"),
                status: 404,
                envelope: .service,
                code: "DBS.201010"
            ),
            HostileCase(
                name: "LIKE wildcard as instance_id",
                target: rds("instance_id=%25"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "LIKE wildcard as TaurusDB instance",
                target: Target.taurus("", instance: "%25"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            // Path oddities.
            HostileCase(
                name: "NUL project",
                target: Target.rdsList(i, project: "%00"),
                status: 403,
                envelope: .gateway,
                code: "APIGW.0302"
            ),
            HostileCase(
                name: "invalid UTF-8 project",
                target: Target.rdsList(i, project: "%FF%FE"),
                status: 403,
                envelope: .gateway,
                code: "APIGW.0302"
            ),
            HostileCase(
                name: "traversal as project",
                target: Target.rdsList(i, project: "..%2F..%2Fetc"),
                status: 403,
                envelope: .gateway,
                code: "APIGW.0302"
            ),
            HostileCase(
                name: "dot-dot project",
                target: Target.rdsList(i, project: ".."),
                status: 403,
                envelope: .gateway,
                code: "APIGW.0302"
            ),
            HostileCase(
                name: "encoded dot-dot path",
                target: "/%2e%2e/%2e%2e/etc/passwd",
                status: 404,
                envelope: .gateway,
                code: "APIGW.0101"
            ),
            HostileCase(
                name: "dot segment before backups",
                target: "/v3/\(p)/./backups?\(i)",
                status: 404,
                envelope: .gateway,
                code: "APIGW.0101"
            ),
            HostileCase(
                name: "dot-dot segment",
                target: "/v3/\(p)/x/../backups?\(i)",
                status: 404,
                envelope: .gateway,
                code: "APIGW.0101"
            ),
            HostileCase(
                name: "matrix parameter",
                target: "/v3/\(p)/backups;jsessionid=1?\(i)",
                status: 404,
                envelope: .gateway,
                code: "APIGW.0101"
            ),
            HostileCase(
                name: "backslash separator",
                target: "/v3/\(p)\\backups?\(i)",
                status: 404,
                envelope: .gateway,
                code: "APIGW.0101"
            ),
            HostileCase(
                name: "traversal as TaurusDB instance",
                target: Target.taurus("", instance: "..%2F..%2F"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "NUL TaurusDB instance",
                target: Target.taurus("", instance: "%00"),
                status: 404,
                envelope: .service,
                code: "DBS.200002"
            ),
            HostileCase(
                name: "invalid UTF-8 DCS instance",
                target: Target.dcsV1("", instance: "%FF"),
                status: 404,
                envelope: .dcs,
                code: "DCS.3022"
            ),
            HostileCase(
                name: "NUL DDM backup",
                target: Target.ddm(backup: "%00"),
                status: 404,
                envelope: .service,
                code: "DBS.201010"
            ),
            HostileCase(
                name: "blank-only DDM backup",
                target: Target.ddm(backup: "%20"),
                status: 404,
                envelope: .service,
                code: "DBS.201010"
            ),
            // Query oddities.
            HostileCase(
                name: "empty query",
                target: "/v3/\(p)/backups?",
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.instanceMandatory
            ),
            HostileCase(
                name: "second question mark",
                target: "/v3/\(p)/backups??\(i)",
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.instanceMandatory
            ),
            HostileCase(
                name: "only equals signs",
                target: rds("==&=&===="),
                status: 400,
                envelope: .service,
                code: "DBS.200001",
                message: m.instanceMandatory
            ),
        ]
        // Unknown methods on a valid target.
        for method in ["BREW", "PROPFIND", "MKCOL", "PURGE", "LINK", "TRACE"] {
            list.append(
                HostileCase(
                    name: "method \(method)",
                    target: rds(i),
                    method: method,
                    status: 404,
                    envelope: .gateway,
                    code: "APIGW.0101",
                    message: Expected.routeNotFoundMessage
                )
            )
        }
        return list
    }()

    static func check(_ response: BackupdTestSupport.TestResponse, _ example: HostileCase) {
        #expect((400..<500).contains(response.status), "\(example.name): \(response.status)")
        guard response.status == example.status else {
            Issue.record("\(example.name): expected \(example.status), got \(response.status): \(response.body.prefix(200))")
            return
        }
        expectStandardHeaders(response)
        #expect(response.header("Set-Cookie") == nil)
        guard let json = try? response.json else {
            Issue.record("\(example.name): not JSON: \(response.body.prefix(300))")
            return
        }
        #expect(json["error_code"] == .string(example.code), "\(example.name): \(response.body.prefix(300))")
        if let message = example.message {
            #expect(json["error_msg"] == .string(message))
        } else {
            #expect(json["error_msg"]?.stringValue?.isEmpty == false)
        }
        switch example.envelope {
        case .gateway:
            #expect(json.keys == ["error_code", "error_msg", "request_id"])
            #expect(json["request_id"] == response.requestID.map(JSONValue.string))
        case .service:
            #expect(json.keys == ["error_code", "error_msg"])
        case .dcs:
            #expect(json.keys == ["error_code", "error_msg", "error_ext_msg"])
            #expect(json["error_ext_msg"] == .null)
        }
        // Nothing of the hostile input is reflected into the body.
        #expect(response.body.utf8.count < 1024, "\(example.name): a \(response.body.utf8.count)-byte error body")
    }

    @Test(arguments: cases)
    func hostileInputGetsA4xxInTheAPIsEnvelope(_ example: HostileCase) async throws {
        let store = try await Fixtures.exampleStore()
        let before = try await Fixtures.export(store)
        try await withServer(store: store) { client in
            let method = try #require(HTTPRequest.Method(example.method))
            let response = try await client.send(example.target, method: method)
            Self.check(response, example)
            if example.method == "GET" {
                // HEAD of a hostile target is a 404 like any HEAD, with headers and no body.
                let head = try await client.send(example.target, method: .head)
                #expect(head.status == 404)
                expectStandardHeaders(head)
                #expect(head.body.isEmpty)
            }
        }
        #expect(try await Fixtures.export(store) == before)
    }

    @Test func theWholeTableAgainstOneServerLeavesTheCatalogUnchanged() async throws {
        let store = try await Fixtures.exampleStore()
        let before = try await Fixtures.export(store)
        try await withServer(store: store) { client in
            for example in Self.cases {
                let response = try await client.send(example.target, method: HTTPRequest.Method(example.method)!)
                #expect((400..<500).contains(response.status), "\(example.name): \(response.status)")
            }
            // The server still answers normally afterwards.
            let response = try await client.send(Target.rdsList(Self.i))
            #expect(try response.page().total == 25)
        }
        #expect(try await Fixtures.export(store) == before)
    }

    /// Extreme but valid inputs: 200, the documented result, never a 5xx.
    @Test func extremeButValidInputsAreAnswered() async throws {
        let store = try await Fixtures.exampleStore()
        let before = try await Fixtures.export(store)
        try await withServer(store: store) { client in
            let zeros = String(repeating: "0", count: 10_000)
            let leadingZeros = try await client.send(Target.rdsList("\(Self.i)&limit=\(zeros)5&offset=\(zeros)1"))
            #expect(leadingZeros.status == 200)
            #expect(try leadingZeros.page() == ListPage(ids: Array(RDSListBackupsTests.a48eIDs[1..<6]), total: 25))

            let widest = try await client.send(
                Target.rdsList("\(Self.i)&begin_time=0000-01-01T00:00:00+2359&end_time=9999-12-31T23:59:59-2359")
            )
            #expect(widest.status == 200)
            #expect(try widest.page().total == 25)

            let dcsWidest = try await client.send(Target.dcsV2("begin_time=00000101000000&end_time=99991231235959&limit=1000"))
            #expect(try dcsWidest.page(list: "backup_record_response", id: "backup_id", total: "total_num").total == 15)

            let maxOffset = try await client.send(Target.dcsV1("start=2147483647&limit=1000"))
            #expect(maxOffset.status == 200)
            #expect(
                try maxOffset.page(list: "backup_record_response", id: "backup_id", total: "total_num")
                    == ListPage(ids: [], total: 15)
            )

            // SQL-looking and LIKE-looking backup ids match nothing.
            for backupID in [
                "'%20OR%20'1'%3D'1", "%25", "_", "%25br01", "43e4feaab48f11e89039fa163ebaa7e4br0_",
                "43e4feaab48f11e89039fa163ebaa7e4br01%00",  // a real id followed by NUL is another id
            ] {
                let response = try await client.send(Target.rdsList("\(Self.i)&backup_id=\(backupID)"))
                try expectResponse(response, status: 200, json: #"{"backups": [], "total_count": 0}"#)
            }

            // Thousands of ignored parameters around a valid request.
            let noisy = try await client.send(
                Target.rdsList((0..<5000).map { "n\($0)=%FF" }.joined(separator: "&") + "&\(Self.i)&limit=1")
            )
            #expect(try noisy.page() == ListPage(ids: [RDSListBackupsTests.a48eIDs[0]], total: 25))
        }
        #expect(try await Fixtures.export(store) == before)
    }
}
