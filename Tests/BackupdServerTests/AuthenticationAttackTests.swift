import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdSQLite
import BackupdServer
import BackupdTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Attacks on the backup routes' authentication (auth.md §1, §3, §4, §5): each refused with
/// the gateway's exact body (§4.6), never with a 5xx, and never echoing a secret, a token or a
/// signature. The server's clock is pinned at 2024-03-01T08:00:00Z and moved only by the tests.
@Suite struct AuthenticationAttackTests {
    /// Alice's and bob's RDS list in cn-north-4.
    static let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
    static let now = exampleIssueTime

    /// Every text no answer may contain: the example's secret keys and passwords.
    static let secrets = [
        Fixtures.Alice.secret, Fixtures.Bob.secret, Fixtures.Carol.secret,
        Fixtures.Alice.password, Fixtures.Bob.password, Fixtures.Carol.password,
    ]

    /// A lockout that never locks, for tests that send more bad signatures in a row than the
    /// gateway's five and then check a request that must pass; the lock has tests of its own.
    static let noLockout = LockoutPolicy(threshold: .max, duration: 0)

    /// A server over a fresh example store, its clock at 2024-03-01T08:00:00Z.
    static func withAttackServer<T: Sendable>(
        lockout: LockoutPolicy = .gateway,
        _ body: @Sendable (any TestClientProtocol, TestClock) async throws -> T
    ) async throws -> T {
        let clock = TestClock(seconds: now)
        var configuration = ServerConfiguration.testing(clock: clock.wallClock)
        configuration.lockoutPolicy = lockout
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        return try await app.test(.router) { client in try await body(client, clock) }
    }

    /// Sends `headers` (adding `credential`'s) and checks what every answer must be: no 5xx,
    /// no secret, and neither the signature nor the token the request carried.
    static func attempt(
        _ client: any TestClientProtocol,
        _ target: String = target,
        headers: HTTPFields = [:],
        body: [UInt8] = [],
        as credential: TestCredential = .none,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> BackupdTestSupport.TestResponse {
        let sent = credential.apply(method: .get, target: target, headers: headers, body: body)
        let response = try await client.send(target, headers: sent, body: body, as: .none)
        #expect(response.status < 500, "a 5xx: \(response.body)", sourceLocation: sourceLocation)
        var forbidden = secrets
        for authorization in sent[values: .authorization] {
            if let signature = authorization.firstRange(of: "Signature=").map({ authorization[$0.upperBound...] }), signature.count >= 16 {
                forbidden.append(String(signature.prefix(64)))
            }
        }
        for token in sent[values: HTTPField.Name("X-Auth-Token")!] where token.count >= 16 {
            forbidden.append(token)
        }
        for text in forbidden {
            #expect(!response.body.contains(text), "the answer holds a secret: \(response.body)", sourceLocation: sourceLocation)
        }
        return response
    }

    /// Headers of a request to `target` signed by `user` at `seconds` as the SDK signs it.
    static func signed(
        _ target: String = target,
        as user: ExampleUser = .alice,
        at seconds: Int64,
        headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json")],
        body: [UInt8] = []
    ) -> HTTPFields {
        handSigned(target, headers: headers, body: body, date: sdkDate(seconds), access: user.access, secret: user.secret)
    }

    /// A request signed with the wrong secret: a signature mismatch for `user`'s AK.
    static func badlySigned(_ target: String = target, as user: ExampleUser = .alice, at seconds: Int64) -> HTTPFields {
        handSigned(target, date: sdkDate(seconds), access: user.access, secret: user.secret + "x")
    }

    /// Sends `count` mismatched signatures for `user`, each refused as a bad signature.
    static func failSignatures(
        _ count: Int,
        _ client: any TestClientProtocol,
        as user: ExampleUser = .alice,
        at seconds: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for _ in 0..<count {
            let response = try await attempt(client, headers: badlySigned(as: user, at: seconds))
            expectAuthenticationFailure(response, Expected.badSignature, sourceLocation: sourceLocation)
        }
    }

    /// Whether a correctly signed request of `user` gets through now (200), or is refused as a bad signature.
    static func expectGoodRequest(
        _ client: any TestClientProtocol,
        as user: ExampleUser = .alice,
        at seconds: Int64,
        passes: Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let response = try await attempt(client, headers: signed(as: user, at: seconds))
        if passes {
            #expect(response.status == 200, "body: \(response.body)", sourceLocation: sourceLocation)
        } else {
            expectAuthenticationFailure(response, Expected.badSignature, sourceLocation: sourceLocation)
        }
    }

    // MARK: No credential (§1)

    @Test func requestsWithoutCredentialsAreRefused() async throws {
        try await Self.withAttackServer { client, _ in
            let targets = [
                Self.target,
                Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto"),
                Target.taurus(""),
                Target.dcsV1(""),
                Target.dcsV2(""),
                Target.ddm(backup: "09902ee7866649b8908ec209bfee2747br09"),
                Target.rdsList("instance_id=\(Acme.mysqlInstance)", project: unknownProject),
            ]
            let headerSets: [HTTPFields] = [
                [:],
                [HTTPField.Name("X-Auth-Token")!: ""],
                [HTTPField.Name("X-Sdk-Date")!: sdkDate(Self.now)],
                [HTTPField.Name("X-Project-Id")!: Acme.cnNorth4],
                [HTTPField.Name("X-Subject-Token")!: "MIIsomething"],
                [.cookie: "token=MIIsomething"],
            ]
            for target in targets {
                for headers in headerSets {
                    expectAuthenticationFailure(try await Self.attempt(client, target, headers: headers), Expected.noCredential)
                }
            }
        }
    }

    // MARK: Authorization that does not parse, or names another algorithm (§4.2, check 1)

    /// Authorization values built from a valid one: `{AK}`, `{SH}` (its SignedHeaders) and
    /// `{SIG}` (its right signature) are replaced, so that only the form is wrong.
    static let garbledAuthorizations: [RawValue] = [
        RawValue("empty", ""),
        RawValue("a word", "garbage"),
        RawValue("bearer", "Bearer {SIG}"),
        RawValue("basic", "Basic YWxpY2U6UGFzc3cwcmQhYWxpY2U="),
        RawValue("algorithm alone", "SDK-HMAC-SHA256"),
        RawValue("algorithm and a space", "SDK-HMAC-SHA256 "),
        RawValue("no space after the algorithm", "SDK-HMAC-SHA256Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("a tab after the algorithm", "SDK-HMAC-SHA256\tAccess={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("algorithm in lower case", "sdk-hmac-sha256 Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("no Signature", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}"),
        RawValue("no SignedHeaders", "SDK-HMAC-SHA256 Access={AK}, Signature={SIG}"),
        RawValue("no Access", "SDK-HMAC-SHA256 SignedHeaders={SH}, Signature={SIG}"),
        RawValue("empty Access", "SDK-HMAC-SHA256 Access=, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("Access twice", "SDK-HMAC-SHA256 Access={AK}, Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("Signature twice", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG}, Signature={SIG}"),
        RawValue("an unknown item", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG}, Foo=bar"),
        RawValue("an item without =", "SDK-HMAC-SHA256 Access {AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("a trailing comma", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG},"),
        RawValue("items separated by ;", "SDK-HMAC-SHA256 Access={AK}; SignedHeaders={SH}; Signature={SIG}"),
        RawValue("item names in lower case", "SDK-HMAC-SHA256 access={AK}, signedheaders={SH}, signature={SIG}"),
        RawValue("empty SignedHeaders", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=, Signature={SIG}"),
        RawValue("an empty signed header name", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=;{SH}, Signature={SIG}"),
        RawValue("63 hex digits", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG63}"),
        RawValue("65 hex digits", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG}0"),
        RawValue("a non-hex digit", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature=g{SIG63}"),
        RawValue("base64 signature", "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature=q1Rhg0c1Y8ZR3Z4m9R3nW7b2Yp8Q5Xw1aL0kT2vU6sE="),
        RawValue("another algorithm: SDK-HMAC-SM3", "SDK-HMAC-SM3 Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("another algorithm: SDK-ECDSA-P256-SHA256", "SDK-ECDSA-P256-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("another algorithm: SDK-SM2-SM3", "SDK-SM2-SM3 Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue("another algorithm: V11-HMAC-SHA256", "V11-HMAC-SHA256 Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
        RawValue(
            "another algorithm: AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 Credential={AK}/20240301/x/y/aws4_request, SignedHeaders={SH}, Signature={SIG}"
        ),
        RawValue("another algorithm: a longer name", "SDK-HMAC-SHA2567 Access={AK}, SignedHeaders={SH}, Signature={SIG}"),
    ]

    /// The parsed Authorization of signed headers.
    static func authorization(of fields: HTTPFields) throws -> AuthorizationHeader {
        let value = try #require(fields[.authorization])
        return try #require(AuthorizationHeader(parsing: value))
    }

    /// The headers of a valid request whose Authorization is `template` filled in.
    static func garbled(_ template: String, at seconds: Int64) throws -> HTTPFields {
        var fields = signed(at: seconds)
        let valid = try Self.authorization(of: fields)
        fields[.authorization] =
            template
            .replacing("{SIG63}", with: String(valid.signature.dropLast()))
            .replacing("{SIG}", with: valid.signature)
            .replacing("{SH}", with: valid.signedHeaders.joined(separator: ";"))
            .replacing("{AK}", with: valid.access)
        return fields
    }

    @Test(arguments: garbledAuthorizations)
    func unparsableAuthorizationIsABadSignature(example: RawValue) async throws {
        try await Self.withAttackServer { client, clock in
            let response = try await Self.attempt(client, headers: try Self.garbled(example.raw, at: clock.seconds))
            expectAuthenticationFailure(response, Expected.badSignature)
        }
    }

    @Test func twoAuthorizationHeadersAreABadSignature() async throws {
        try await Self.withAttackServer { client, clock in
            var fields = Self.signed(at: clock.seconds)
            fields.append(HTTPField(name: .authorization, value: try #require(fields[.authorization])))
            expectAuthenticationFailure(try await Self.attempt(client, headers: fields), Expected.badSignature)
        }
    }

    // MARK: Unknown AK (check 2)

    @Test(arguments: [
        "HPUAEXAMPLEAK9999999", "hpuaexampleak0000001", "HPUAEXAMPLEAK00000011", "HPUAEXAMPLEAK000000", #"HPUA"quoted\AK"#,
        String(repeating: "K", count: 300),
    ])
    func anUnknownAccessKeyIsNamedInTheAnswer(access: String) async throws {
        try await Self.withAttackServer { client, clock in
            let response = try await Self.attempt(
                client,
                headers: handSigned(Self.target, date: sdkDate(clock.seconds), access: access, secret: Fixtures.Alice.secret)
            )
            expectAuthenticationFailure(response, Expected.unknownAccessKey(access))
            // Check 2 comes before the date's checks (3 and 4).
            for date in [sdkDate(clock.seconds - 3600), "yesterday"] {
                let stale = try await Self.attempt(client, headers: handSigned(Self.target, date: date, access: access))
                expectAuthenticationFailure(stale, Expected.unknownAccessKey(access))
            }
        }
    }

    // MARK: The signature itself (checks 5 and 6)

    @Test(arguments: [0, 1, 31, 32, 62, 63])
    func aSignatureOneHexDigitOffIsRefused(position: Int) async throws {
        try await Self.withAttackServer { client, clock in
            var fields = Self.signed(at: clock.seconds)
            let valid = try Self.authorization(of: fields)
            var digits = Array(valid.signature)
            digits[position] = digits[position] == "0" ? "1" : "0"
            fields[.authorization] =
                "SDK-HMAC-SHA256 Access=\(valid.access), SignedHeaders=\(valid.signedHeaders.joined(separator: ";")), Signature=\(String(digits))"
            expectAuthenticationFailure(try await Self.attempt(client, headers: fields), Expected.badSignature)
        }
    }

    @Test func anUpperCaseSignatureAndBlanksAroundItemsAreAccepted() async throws {
        try await Self.withAttackServer { client, clock in
            var fields = Self.signed(at: clock.seconds)
            let valid = try Self.authorization(of: fields)
            let headers = valid.signedHeaders.joined(separator: ";")
            for authorization in [
                "SDK-HMAC-SHA256 Access=\(valid.access), SignedHeaders=\(headers), Signature=\(valid.signature.uppercased())",
                "SDK-HMAC-SHA256   Access=\(valid.access) ,SignedHeaders=\(headers),\tSignature=\(valid.signature)  ",
                "SDK-HMAC-SHA256 Signature=\(valid.signature), Access=\(valid.access), SignedHeaders=\(headers)",
            ] {
                fields[.authorization] = authorization
                let response = try await Self.attempt(client, headers: fields)
                #expect(response.status == 200, "\(authorization): \(response.body)")
            }
        }
    }

    // MARK: X-Sdk-Date (checks 3 and 4)

    @Test(arguments: [-901, 901, -3600, 3600, -86400, 365 * 86400])
    func aDateMoreThan15MinutesOffIsRefusedWithBothTimes(offset: Int64) async throws {
        try await Self.withAttackServer { client, clock in
            let date = sdkDate(clock.seconds + offset)
            let response = try await Self.attempt(client, headers: Self.signed(at: clock.seconds + offset))
            expectAuthenticationFailure(response, Expected.clockSkew(signedAt: date, serverTime: "20240301T080000Z"))
            // The server's time is its clock's, wherever the clock stands.
            clock.advance(seconds: 7)
            let later = try await Self.attempt(client, headers: Self.signed(at: clock.seconds - 7 + offset * 2))
            if abs(offset * 2 - 7) > 900 {
                expectAuthenticationFailure(
                    later,
                    Expected.clockSkew(signedAt: sdkDate(clock.seconds - 7 + offset * 2), serverTime: "20240301T080007Z")
                )
            }
        }
    }

    @Test(arguments: [-900, 900, -899, 899, -1, 0, 1])
    func aDateUpTo15MinutesOffIsAccepted(offset: Int64) async throws {
        try await Self.withAttackServer { client, clock in
            let response = try await Self.attempt(client, headers: Self.signed(at: clock.seconds + offset))
            #expect(response.status == 200, "body: \(response.body)")
        }
    }

    /// `X-Sdk-Date` values that are no `yyyyMMddTHHmmssZ` UTC time; each is signed as sent.
    static let malformedDates = [
        "2024-03-01T08:00:00Z", "20240301T080000", "20240301080000Z", "20240301T080000z", "20240301t080000Z",
        "20240230T080000Z", "20240301T240000Z", "20240301T086000Z", "20240301T080060Z", "20241301T080000Z",
        "20240301T080000+0000", "Fri, 01 Mar 2024 08:00:00 GMT", "1709280000", "2024031T080000Z", "x",
    ]

    @Test(arguments: malformedDates)
    func aMalformedDateIsABadSignature(date: String) async throws {
        try await Self.withAttackServer { client, _ in
            let response = try await Self.attempt(client, headers: handSigned(Self.target, date: date))
            expectAuthenticationFailure(response, Expected.badSignature)
        }
    }

    @Test func aMissingUnsignedOrRepeatedDateIsABadSignature() async throws {
        try await Self.withAttackServer { client, clock in
            let date = sdkDate(clock.seconds)
            // Signed without x-sdk-date although the header is sent.
            let unsigned = handSigned(Self.target, date: date, signedHeaders: ["content-type", "host"])
            expectAuthenticationFailure(try await Self.attempt(client, headers: unsigned), Expected.badSignature)
            // Signed with x-sdk-date, then not sent.
            var missing = handSigned(Self.target, date: date)
            missing[HTTPField.Name("X-Sdk-Date")!] = nil
            expectAuthenticationFailure(try await Self.attempt(client, headers: missing), Expected.badSignature)
            // Sent twice.
            var twice = handSigned(Self.target, date: date)
            twice.append(HTTPField(name: HTTPField.Name("X-Sdk-Date")!, value: date))
            expectAuthenticationFailure(try await Self.attempt(client, headers: twice), Expected.badSignature)
            // Empty.
            expectAuthenticationFailure(try await Self.attempt(client, headers: handSigned(Self.target, date: "")), Expected.badSignature)
        }
    }

    // MARK: Replays (§4.3)

    @Test func aSignedRequestReplayedElsewhereIsRefused() async throws {
        try await Self.withAttackServer(lockout: Self.noLockout) { client, clock in
            let original = Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=10&offset=0")
            let fields = Self.signed(original, at: clock.seconds)
            #expect(try await Self.attempt(client, original, headers: fields).status == 200)
            let replays = [
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=11&offset=0"),
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=10&offset=0&backup_type=auto"),
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=10"),
                Target.rdsList("instance_id=\(Acme.mysqlProd)&limit=10&offset=0"),
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=10&offset=0", project: Acme.cnEast3),
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=10&offset=0", project: Acme.billing),
                Target.offsite("instance_id=\(Acme.mysqlInstance)&limit=10&offset=0"),
            ]
            for replay in replays {
                expectAuthenticationFailure(try await Self.attempt(client, replay, headers: fields), Expected.badSignature)
            }
            // Signed for another Host: the signature covers Host as received.
            for host in ["backupd.example.com:8443", "localhost:8080", "LOCALHOST", "127.0.0.1"] {
                let elsewhere = handSigned(original, host: host, date: sdkDate(clock.seconds))
                expectAuthenticationFailure(try await Self.attempt(client, original, headers: elsewhere), Expected.badSignature)
            }
        }
    }

    /// A signed request as raw HTTP/1.1 bytes, its `Host` header first (`hosts` may repeat it).
    static func rawRequest(_ target: String, signedFor host: String, hosts: [String], date: String) -> [UInt8] {
        let fields = handSigned(target, host: host, date: date)
        var text = "GET \(target) HTTP/1.1\r\n"
        for sent in hosts { text += "Host: \(sent)\r\n" }
        for field in fields { text += "\(field.name.rawName): \(field.value)\r\n" }
        return Array((text + "Connection: close\r\n\r\n").utf8)
    }

    @Test func overARealSocketTheHostIsSignedAsReceivedPortIncluded() async throws {
        let clock = TestClock(seconds: Self.now)
        var configuration = ServerConfiguration.testing(clock: clock.wallClock)
        configuration.lockoutPolicy = Self.noLockout
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let host = "127.0.0.1:\(port)"
            let date = sdkDate(clock.seconds)
            func status(_ bytes: [UInt8]) async throws -> (String, String) {
                let (head, body) = try #require(UnparsableRequestTests.split(try await UnparsableRequestTests.exchange(bytes, port: port)))
                #expect(!Self.secrets.contains { body.contains($0) })
                return (String(head.prefix(12)), body)
            }
            #expect(try await status(Self.rawRequest(Self.target, signedFor: host, hosts: [host], date: date)).0 == "HTTP/1.1 200")
            // The same request arriving with another Host, or with the port left out, or with Host twice.
            for hosts in [["127.0.0.1:1"], ["127.0.0.1"], ["localhost:\(port)"], [host, host]] {
                let (head, body) = try await status(Self.rawRequest(Self.target, signedFor: host, hosts: hosts, date: date))
                #expect(head == "HTTP/1.1 401", "Host \(hosts)")
                #expect(try JSONValue(parsing: body)["error_msg"] == .string("Incorrect IAM authentication information: " + Expected.badSignature))
            }
        }
    }

    @Test func scopeIsCheckedBeforeTheQueryAndAuthenticationBeforeScope() async throws {
        try await Self.withAttackServer { client, clock in
            let badLimit = Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=-1", project: Acme.cnEast3)
            expectAuthenticationFailure(try await Self.attempt(client, badLimit), Expected.noCredential)
            expectNotAuthorized(try await Self.attempt(client, badLimit, as: ExampleUser.bob.signing(at: clock.seconds)))
            let alice = try await Self.attempt(client, badLimit, as: ExampleUser.alice.signing(at: clock.seconds))
            #expect(alice.status == 400)
            // An unknown project and a malformed query: still the authentication failure first, then the scope.
            let unknown = Target.rdsList("limit=abc", project: unknownProject)
            expectAuthenticationFailure(try await Self.attempt(client, unknown, as: .token("MIIunknown")), Expected.unknownToken)
            expectNotAuthorized(try await Self.attempt(client, unknown, as: ExampleUser.alice.signing(at: clock.seconds)))
        }
    }

    @Test func theQueryMaySendItsPairsInAnyOrderAndEncoding() async throws {
        try await Self.withAttackServer { client, clock in
            let signedTarget = Target.rdsList(
                "begin_time=2018-08-06T10%3A41%3A14%2B0800&end_time=2018-08-16T10%3A41%3A14%2B0800&instance_id=\(Acme.mysqlInstance)&limit=10&offset=0"
            )
            let fields = Self.signed(signedTarget, at: clock.seconds)
            let reference = try await Self.attempt(client, signedTarget, headers: fields)
            #expect(reference.status == 200)
            for variant in [
                "instance_id=\(Acme.mysqlInstance)&offset=0&limit=10&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800",
                "limit=10&offset=0&end_time=2018-08-16T10%3a41%3a14%2b0800&begin_time=2018-08-06T10%3a41%3a14%2b0800&instance_id=\(Acme.mysqlInstance)",
                "&&instance_id=\(Acme.mysqlInstance)&begin_time=2018-08-06T10:41:14%2B0800&limit=10&end_time=2018-08-16T10:41:14+0800&offset=0&",
            ] {
                let response = try await Self.attempt(client, Target.rdsList(variant), headers: fields)
                #expect(response.status == 200, "\(variant): \(response.body)")
                #expect(response.body == reference.body)
            }
        }
    }

    // MARK: Signed headers (check 5, §4.7)

    @Test func aSignedHeaderMissingOrRepeatedIsRefused() async throws {
        try await Self.withAttackServer(lockout: Self.noLockout) { client, clock in
            let sent: [(name: String, value: String)] = [
                (name: "Content-Type", value: "application/json"),
                (name: "User-Agent", value: "huaweicloud-usdk-python/3.0"),
                (name: "X-Language", value: "en-us"),
                (name: "X-Project-Id", value: Acme.cnNorth4),
            ]
            let fields = Self.signed(at: clock.seconds, headers: sent)
            #expect(try await Self.attempt(client, headers: fields).status == 200)
            for (name, _) in sent {
                var missing = fields
                missing[HTTPField.Name(name)!] = nil
                expectAuthenticationFailure(try await Self.attempt(client, headers: missing), Expected.badSignature)
                var repeated = fields
                repeated.append(HTTPField(name: HTTPField.Name(name)!, value: try #require(fields[HTTPField.Name(name)!])))
                expectAuthenticationFailure(try await Self.attempt(client, headers: repeated), Expected.badSignature)
            }
            // A changed value of a signed header.
            var changed = fields
            changed[HTTPField.Name("X-Language")!] = "zh-cn"
            expectAuthenticationFailure(try await Self.attempt(client, headers: changed), Expected.badSignature)
            // Headers outside SignedHeaders may be added, repeated or changed.
            var extra = fields
            extra.append(HTTPField(name: HTTPField.Name("X-Trace")!, value: "1"))
            extra.append(HTTPField(name: HTTPField.Name("X-Trace")!, value: "2"))
            extra.append(HTTPField(name: .accept, value: "*/*"))
            #expect(try await Self.attempt(client, headers: extra).status == 200)
        }
    }

    @Test(arguments: [
        ["x-sdk-date"], ["host", "x-sdk-date"], ["content-type", "host", "x-sdk-date"], ["x-sdk-date", "host"],
        ["X-Sdk-Date", "Host"], ["content-length", "content-type", "host", "x-sdk-date"],
    ])
    func shortSignedHeaderListsAreAccepted(names: [String]) async throws {
        try await Self.withAttackServer { client, clock in
            let fields = handSigned(
                Self.target,
                headers: [(name: "Content-Type", value: "application/json"), (name: "Content-Length", value: "0")],
                date: sdkDate(clock.seconds),
                signedHeaders: names
            )
            let response = try await Self.attempt(client, headers: fields)
            #expect(response.status == 200, "body: \(response.body)")
        }
    }

    // MARK: Bodies (§4.3 PayloadHash, §4.7)

    @Test func aGetWithASignedBodyVerifiesAndAChangedBodyDoesNot() async throws {
        try await Self.withAttackServer(lockout: Self.noLockout) { client, clock in
            let body = Array("{}".utf8)
            let fields = Self.signed(at: clock.seconds, body: body)
            let response = try await Self.attempt(client, headers: fields, body: body)
            #expect(response.status == 200, "body: \(response.body)")
            for other in ["{ }", "[]", "{}\n", ""] {
                let changed = try await Self.attempt(client, headers: fields, body: Array(other.utf8))
                expectAuthenticationFailure(changed, Expected.badSignature)
            }
            // Signed without a body, sent with one.
            let empty = Self.signed(at: clock.seconds)
            expectAuthenticationFailure(try await Self.attempt(client, headers: empty, body: body), Expected.badSignature)
            // With X-Sdk-Content-Sha256 the body is not hashed: its value is the payload hash (V8).
            let unsigned = Self.signed(
                at: clock.seconds,
                headers: [(name: "Content-Type", value: "application/octet-stream"), (name: "X-Sdk-Content-Sha256", value: "UNSIGNED-PAYLOAD")],
                body: Array("raw".utf8)
            )
            #expect(try await Self.attempt(client, headers: unsigned, body: Array("raw".utf8)).status == 200)
            #expect(try await Self.attempt(client, headers: unsigned, body: Array("other".utf8)).status == 200)
        }
    }

    // MARK: Scope (§5)

    @Test func xProjectIdMustNameThePathsProject() async throws {
        try await Self.withAttackServer { client, clock in
            for (user, declared, allowed) in [
                (ExampleUser.alice, Acme.cnNorth4, true),
                (.alice, Acme.cnEast3, false),
                (.alice, Globex.cnNorth4, false),
                (.alice, Acme.cnNorth4.uppercased(), false),
                (.alice, "", false),
                (.bob, Acme.cnNorth4, true),
                (.bob, Acme.cnEast3, false),
            ] {
                let response = try await Self.attempt(client, as: user.signing(at: clock.seconds, projectID: declared))
                if allowed {
                    #expect(response.status == 200, "\(user.name) X-Project-Id \(declared): \(response.body)")
                } else {
                    expectNotAuthorized(response)
                }
            }
            // Unsigned X-Project-Id is checked all the same.
            var unsigned = Self.signed(at: clock.seconds)
            unsigned[HTTPField.Name("X-Project-Id")!] = Acme.cnEast3
            expectNotAuthorized(try await Self.attempt(client, headers: unsigned))
            unsigned[HTTPField.Name("X-Project-Id")!] = Acme.cnNorth4
            #expect(try await Self.attempt(client, headers: unsigned).status == 200)
            // Naming the path's project does not give a user a project it may not use.
            let east = Target.taurus("")
            expectNotAuthorized(try await Self.attempt(client, east, as: ExampleUser.bob.signing(at: clock.seconds, projectID: Acme.cnEast3)))
        }
    }

    static let projectsBobMayNotUse: [RawValue] = [
        RawValue("ap-southeast-1", Acme.apSoutheast1),
        RawValue("ap-southeast-3", Acme.apSoutheast3),
        RawValue("cn-east-3", Acme.cnEast3),
        RawValue("cn-north-4_billing", Acme.billing),
        RawValue("globex's cn-north-4", Globex.cnNorth4),
        RawValue("unknown", unknownProject),
        RawValue("not hex", "not-a-project-id"),
        RawValue("his own in upper case", Acme.cnNorth4.uppercased()),
        RawValue("his own and a digit", Acme.cnNorth4 + "0"),
        RawValue("his own less a digit", String(Acme.cnNorth4.dropLast())),
        RawValue("percent-encoded slash", "\(Acme.cnNorth4)%2F.."),
        RawValue("dot dot", ".."),
    ]

    @Test(arguments: projectsBobMayNotUse)
    func bobIsRefusedOutsideHisProject(project: RawValue) async throws {
        try await Self.withAttackServer { client, clock in
            let targets = [
                Target.rdsList("instance_id=\(Acme.mysqlInstance)", project: project.raw),
                Target.dcsV2("", project: project.raw),
                Target.taurus("", project: project.raw),
            ]
            for target in targets {
                expectNotAuthorized(try await Self.attempt(client, target, as: ExampleUser.bob.signing(at: clock.seconds)))
                // With X-Project-Id naming the path's project, as the SDK sends it.
                expectNotAuthorized(
                    try await Self.attempt(client, target, as: ExampleUser.bob.signing(at: clock.seconds, projectID: project.raw))
                )
            }
        }
    }

    // MARK: Lockout (§4.5)

    @Test func fiveSignatureFailuresLockTheAccessKey() async throws {
        try await Self.withAttackServer { client, clock in
            try await Self.failSignatures(4, client, at: clock.seconds)
            try await Self.failSignatures(1, client, at: clock.seconds)
            // Even a right signature now gets the bad-signature answer.
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
            // So does an IAM read, in Keystone's shape.
            let iam = try await Self.attempt(client, "/v3/auth/domains", as: ExampleUser.alice.signing(at: clock.seconds))
            expectIAMResponse(iam, status: 401, body: Expected.keystoneUnauthorized)
            // The lock is the AK's: other keys and alice's tokens still work.
            try await Self.expectGoodRequest(client, as: .bob, at: clock.seconds, passes: true)
            let token = try await client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            #expect(try await Self.attempt(client, as: .token(token)).status == 200)
            let carol = Target.rdsList("instance_id=\(Globex.mysqlInstance)", project: Globex.cnNorth4)
            #expect(try await Self.attempt(client, carol, as: ExampleUser.carol.signing(at: clock.seconds)).status == 200)
        }
    }

    @Test func theLockLastsFiveMinutesFromTheFifthFailureAndRefusalsDoNotExtendIt() async throws {
        try await Self.withAttackServer { client, clock in
            try await Self.failSignatures(4, client, at: clock.seconds)
            clock.advance(seconds: 60)
            try await Self.failSignatures(1, client, at: clock.seconds)  // the fifth, at T+60: locked until T+360
            clock.advance(seconds: 100)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
            try await Self.failSignatures(3, client, at: clock.seconds)
            clock.advance(seconds: 199)  // T+359
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
            try await Self.failSignatures(2, client, at: clock.seconds)
            clock.advance(seconds: 1)  // T+360
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: true)
        }
    }

    @Test func theCountStartsAgainAtZeroWhenTheLockRunsOut() async throws {
        try await Self.withAttackServer { client, clock in
            try await Self.failSignatures(5, client, at: clock.seconds)
            clock.advance(seconds: 300)
            // Four more failures after the lock: four, not nine.
            try await Self.failSignatures(4, client, at: clock.seconds)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: true)
            // And five lock it again.
            try await Self.failSignatures(5, client, at: clock.seconds)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
            clock.advance(seconds: 299)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
            clock.advance(seconds: 1)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: true)
        }
    }

    @Test func aSuccessResetsTheCount() async throws {
        try await Self.withAttackServer { client, clock in
            for _ in 0..<3 {
                try await Self.failSignatures(4, client, at: clock.seconds)
                try await Self.expectGoodRequest(client, at: clock.seconds, passes: true)
            }
            // A success that is then refused by the scope check still resets the count.
            try await Self.failSignatures(4, client, at: clock.seconds)
            let outside = Target.rdsList("instance_id=\(Acme.mysqlInstance)", project: Globex.cnNorth4)
            expectNotAuthorized(try await Self.attempt(client, outside, as: ExampleUser.alice.signing(at: clock.seconds)))
            try await Self.failSignatures(4, client, at: clock.seconds)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: true)
            try await Self.failSignatures(5, client, at: clock.seconds)
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
        }
    }

    @Test func onlyMismatchedOrMissingSignedHeadersCountTowardTheLock() async throws {
        try await Self.withAttackServer { client, clock in
            let date = sdkDate(clock.seconds)
            for _ in 0..<6 {
                // Check 1: unparsable, and another algorithm.
                let garbled = try Self.garbled("SDK-HMAC-SHA256 Access={AK}, SignedHeaders={SH}", at: clock.seconds)
                expectAuthenticationFailure(try await Self.attempt(client, headers: garbled), Expected.badSignature)
                let sm3 = try Self.garbled("SDK-HMAC-SM3 Access={AK}, SignedHeaders={SH}, Signature={SIG}", at: clock.seconds)
                expectAuthenticationFailure(try await Self.attempt(client, headers: sm3), Expected.badSignature)
                // Check 3: malformed and unsigned dates, each with a wrong secret too.
                let malformed = handSigned(Self.target, date: "2024-03-01", secret: "wrong")
                expectAuthenticationFailure(try await Self.attempt(client, headers: malformed), Expected.badSignature)
                let unsigned = handSigned(Self.target, date: date, signedHeaders: ["host"], secret: "wrong")
                expectAuthenticationFailure(try await Self.attempt(client, headers: unsigned), Expected.badSignature)
                // Check 4: a stale date with a wrong secret.
                let stale = handSigned(Self.target, date: sdkDate(clock.seconds - 1000), secret: "wrong")
                let staleResponse = try await Self.attempt(client, headers: stale)
                #expect(staleResponse.status == 401)
            }
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: true)
            // Checks 5 and 6 share the count: three mismatches and two missing signed headers lock.
            try await Self.failSignatures(3, client, at: clock.seconds)
            for _ in 0..<2 {
                var missing = Self.signed(at: clock.seconds, headers: [(name: "X-Language", value: "en-us")])
                missing[HTTPField.Name("X-Language")!] = nil
                expectAuthenticationFailure(try await Self.attempt(client, headers: missing), Expected.badSignature)
            }
            try await Self.expectGoodRequest(client, at: clock.seconds, passes: false)
        }
    }

    @Test func theLockIsSharedByEveryApplicationOverTheStore() async throws {
        let clock = TestClock(seconds: Self.now)
        let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
        let first = try SQLiteCatalogStore(path: path)
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: first)
        // Two nodes: two stores over one database file, two applications, one clock.
        let second = try SQLiteCatalogStore(path: path)
        try await withServer(store: first, clock: clock) { one in
            try await withServer(store: second, clock: clock) { two in
                try await Self.failSignatures(3, one, at: clock.seconds)
                try await Self.failSignatures(2, two, at: clock.seconds)
                try await Self.expectGoodRequest(one, at: clock.seconds, passes: false)
                try await Self.expectGoodRequest(two, at: clock.seconds, passes: false)
                clock.advance(seconds: 300)
                try await Self.expectGoodRequest(one, at: clock.seconds, passes: true)
                // A success on one node resets the count the other sees.
                try await Self.failSignatures(4, one, at: clock.seconds)
                try await Self.expectGoodRequest(two, at: clock.seconds, passes: true)
                try await Self.failSignatures(4, one, at: clock.seconds)
                try await Self.expectGoodRequest(one, at: clock.seconds, passes: true)
            }
        }
    }
}
