import BackupdAuth
import Testing

/// The checks of `docs/auth.md` §4.5, in order, on the official SDK's vectors with an injected clock.
@Suite struct SignatureVerifierTests {
    typealias Vector = SignatureVectorTests.Vector

    /// `20240301T080000Z`, the vectors' signing time.
    static let signedAt: Int64 = 1_709_280_000

    static func secretKey(_ access: String) -> String? {
        access == "HPUAEXAMPLEAK0000001" ? "exampleSecretKey0000000000000000000000001" : nil
    }

    /// A vector's wire request, with its Authorization.
    static func wireRequest(_ vector: Vector, target: String? = nil) -> SignableRequest {
        SignableRequest(
            method: vector.inputs.method,
            target: target ?? vector.wire.request_target,
            headers: vector.wire.headers.map { ($0.key, $0.value) },
            body: Array(vector.inputs.body.utf8)
        )
    }

    static func replacing(_ name: String, with value: String?, in request: SignableRequest) -> SignableRequest {
        var request = request
        request.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        if let value { request.headers.append((name, value)) }
        return request
    }

    @Test(arguments: SignatureVectorTests.vectors)
    func everyVectorVerifies(_ vector: Vector) {
        let result = SignatureVerifier.verify(Self.wireRequest(vector), secretKey: Self.secretKey, now: Self.signedAt)
        #expect(result == .success("HPUAEXAMPLEAK0000001"))
    }

    @Test func theEquivalentWireFormsOfV1Verify() throws {
        let vector = SignatureVectorTests.vectors[0]
        for target in try #require(vector.equivalent_request_targets) {
            let result = SignatureVerifier.verify(
                Self.wireRequest(vector, target: target),
                secretKey: Self.secretKey,
                now: Self.signedAt
            )
            #expect(result == .success("HPUAEXAMPLEAK0000001"), "\(target)")
        }
    }

    @Test(
        arguments: [
            nil,
            "",
            "SDK-HMAC-SM3 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date, Signature=\(String(repeating: "a", count: 64))",
            "SDK-HMAC-SHA256  Access=HPUAEXAMPLEAK0000001",
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date",
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, Access=X, SignedHeaders=host;x-sdk-date, Signature=\(String(repeating: "a", count: 64))",
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;;x-sdk-date, Signature=\(String(repeating: "a", count: 64))",
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date, Signature=\(String(repeating: "a", count: 63))",
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date, Signature=\(String(repeating: "g", count: 64))",
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date, Signature=\(String(repeating: "a", count: 64)), Extra=1",
        ] as [String?]
    )
    func anUnparsableAuthorizationFailsFirst(_ authorization: String?) {
        let request = Self.replacing(
            "Authorization",
            with: authorization,
            in: Self.wireRequest(SignatureVectorTests.vectors[0])
        )
        let result = SignatureVerifier.verify(request, secretKey: Self.secretKey, now: 0)
        #expect(result == .failure(.malformedAuthorization))
        #expect(SignatureVerifier.Failure.malformedAuthorization.detail == "verify aksk signature fail")
    }

    @Test func anUnknownAccessKeyIsNamedAsSent() {
        let result = SignatureVerifier.verify(
            Self.wireRequest(SignatureVectorTests.vectors[0]),
            secretKey: { _ in nil },
            now: Self.signedAt
        )
        #expect(result == .failure(.unknownAccessKey("HPUAEXAMPLEAK0000001")))
        #expect(
            SignatureVerifier.Failure.unknownAccessKey("AK1").detail == "Get secretKey failed,ak:AK1,err:ak not exist"
        )
    }

    @Test(arguments: ["20240230T080000Z", "20240301T080000", "2024-03-01T08:00:00Z", "20240301T246000Z", ""])
    func aMalformedDateFailsBeforeTheSignature(_ date: String) {
        let request = Self.replacing("X-Sdk-Date", with: date, in: Self.wireRequest(SignatureVectorTests.vectors[0]))
        #expect(SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt) == .failure(.malformedDate))
    }

    @Test func anUnsignedDateFails() {
        let vector = SignatureVectorTests.vectors[0]
        let authorization = vector.authorization.replacingSignedHeaders("content-type;host;user-agent;x-project-id")
        let request = Self.replacing("Authorization", with: authorization, in: Self.wireRequest(vector))
        #expect(SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt) == .failure(.malformedDate))
    }

    @Test(arguments: [-900, 0, 900] as [Int64])
    func fifteenMinutesEitherWayIsAccepted(_ offset: Int64) {
        let result = SignatureVerifier.verify(
            Self.wireRequest(SignatureVectorTests.vectors[1]),
            secretKey: Self.secretKey,
            now: Self.signedAt + offset
        )
        #expect(result == .success("HPUAEXAMPLEAK0000001"))
    }

    @Test func aStaleOrFutureDateIsRefusedWithBothTimes() {
        let request = Self.wireRequest(SignatureVectorTests.vectors[1])
        #expect(
            SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt + 901)
                == .failure(.clockSkew(signatureTime: "20240301T080000Z", serverTime: "20240301T081501Z"))
        )
        #expect(
            SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt - 901)
                == .failure(.clockSkew(signatureTime: "20240301T080000Z", serverTime: "20240301T074459Z"))
        )
        #expect(
            SignatureVerifier.Failure.clockSkew(signatureTime: "a", serverTime: "b").detail
                == "signature expired, signature time:a,server time:b"
        )
    }

    @Test func aSignatureOneDigitOffFails() {
        let vector = SignatureVectorTests.vectors[0]
        let last = vector.signature.last == "0" ? "1" : "0"
        let wrong = String(vector.signature.dropLast()) + last
        let request = Self.replacing(
            "Authorization",
            with: vector.authorization.replacingOccurrences(vector.signature, with: wrong),
            in: Self.wireRequest(vector)
        )
        #expect(SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt) == .failure(.signatureMismatch))
    }

    @Test func anUpperCaseSignatureIsAccepted() {
        let vector = SignatureVectorTests.vectors[0]
        let request = Self.replacing(
            "Authorization",
            with: vector.authorization.replacingOccurrences(vector.signature, with: vector.signature.uppercased()),
            in: Self.wireRequest(vector)
        )
        #expect(SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt) == .success("HPUAEXAMPLEAK0000001"))
    }

    @Test func aReplayWithAnotherQueryPathOrHostFails() {
        let vector = SignatureVectorTests.vectors[0]
        let changedQuery = Self.wireRequest(vector, target: vector.wire.request_target.replacingOccurrences("limit=10", with: "limit=100"))
        let changedPath = Self.wireRequest(vector, target: vector.wire.request_target.replacingOccurrences("/backups", with: "/offsite-backups"))
        let changedHost = Self.replacing("Host", with: "backupd.example.com:8444", in: Self.wireRequest(vector))
        let missingHeader = Self.replacing("X-Project-Id", with: nil, in: Self.wireRequest(vector))
        for request in [changedQuery, changedPath, changedHost, missingHeader] {
            #expect(SignatureVerifier.verify(request, secretKey: Self.secretKey, now: Self.signedAt) == .failure(.signatureMismatch))
        }
    }

    @Test func theWrongSecretFails() {
        let result = SignatureVerifier.verify(
            Self.wireRequest(SignatureVectorTests.vectors[2]),
            secretKey: { _ in "anotherSecret" },
            now: Self.signedAt
        )
        #expect(result == .failure(.signatureMismatch))
    }

    @Test func sdkDatesRoundTrip() {
        #expect(SignatureVerifier.parseSDKDate("20240301T080000Z") == Self.signedAt)
        #expect(SignatureVerifier.formatSDKDate(Self.signedAt) == "20240301T080000Z")
        #expect(SignatureVerifier.parseSDKDate("20240229T235959Z") == Self.signedAt - 8 * 3600 - 1)
        // Calendar rules without a Foundation calendar: leap years, month lengths, the epoch, before it.
        #expect(SignatureVerifier.parseSDKDate("19700101T000000Z") == 0)
        #expect(SignatureVerifier.parseSDKDate("19691231T235959Z") == -1)
        #expect(SignatureVerifier.parseSDKDate("20000229T000000Z") == 951_782_400)
        for invalid in [
            "20230229T000000Z", "19000229T000000Z", "20240431T000000Z", "20241301T000000Z", "20240001T000000Z",
            "20240100T000000Z", "20240101T240000Z", "20240101T236000Z", "20240101T235960Z",
        ] {
            #expect(SignatureVerifier.parseSDKDate(invalid) == nil, "\(invalid)")
        }
        // Every day of four years, formatted and read back.
        for day in stride(from: Int64(-800), to: 800, by: 1) {
            let seconds = 1_700_000_000 + day * 86_400 + day * 37
            #expect(SignatureVerifier.parseSDKDate(SignatureVerifier.formatSDKDate(seconds)) == seconds)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    fileprivate func replacingSignedHeaders(_ headers: String) -> String {
        let parts = split(separator: ", ").map { part in
            part.hasPrefix("SignedHeaders=") ? "SignedHeaders=\(headers)" : String(part)
        }
        return parts.joined(separator: ", ")
    }
}
