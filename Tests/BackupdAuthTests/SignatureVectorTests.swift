import BackupdAuth
import Foundation
import Testing

/// The `SDK-HMAC-SHA256` signer against the 8 vectors the official Python SDK produced
/// (`docs/auth.md` §8): from each vector's wire form, the canonical request, the string to sign,
/// the signature and the whole `Authorization` header must come out exactly.
@Suite struct SignatureVectorTests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        struct Inputs: Decodable, Sendable {
            let access_key: String
            let secret_key: String
            let method: String
            let body: String
        }

        struct Wire: Decodable, Sendable {
            let request_target: String
            let headers: [String: String]
        }

        let name: String
        let inputs: Inputs
        let wire: Wire
        let canonical_request: String
        let signed_headers: String
        let string_to_sign: String
        let signature: String
        let authorization: String
        let equivalent_request_targets: [String]?

        var testDescription: String { name }

        func request(target: String? = nil) -> SignableRequest {
            SignableRequest(
                method: inputs.method,
                target: target ?? wire.request_target,
                headers: wire.headers.filter { $0.key != "Authorization" }.map { ($0.key, $0.value) },
                body: Array(inputs.body.utf8)
            )
        }

        var signedHeaderList: [String] { signed_headers.split(separator: ";").map(String.init) }
    }

    struct VectorFile: Decodable {
        let vectors: [Vector]
    }

    static let vectors: [Vector] = {
        let url = Bundle.module.url(forResource: "signing-vectors", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: url)).vectors
    }()

    /// The client side: given the request the SDK would send before signing (its headers, minus
    /// `X-Sdk-Date` and `Authorization`), `sign` adds exactly the SDK's date and Authorization.
    @Test(arguments: vectors)
    func signingProducesTheSDKsAuthorization(_ vector: Vector) throws {
        var request = vector.request()
        request.headers.removeAll { $0.name.lowercased() == "x-sdk-date" }
        SDKHMACSHA256.sign(
            &request,
            accessKey: vector.inputs.access_key,
            secretKey: vector.inputs.secret_key,
            date: try #require(SignatureVerifier.parseSDKDate("20240301T080000Z"))
        )
        #expect(request.values(of: "X-Sdk-Date") == ["20240301T080000Z"])
        #expect(request.values(of: "Authorization") == [vector.authorization])
    }

    @Test func thereAreEightVectors() {
        #expect(Self.vectors.count == 8)
    }

    @Test(arguments: vectors)
    func canonicalRequestStringToSignAndSignature(_ vector: Vector) throws {
        let canonical = try SDKHMACSHA256.canonicalRequest(vector.request(), signedHeaders: vector.signedHeaderList)
        #expect(canonical == vector.canonical_request)
        let date = try #require(vector.wire.headers["X-Sdk-Date"])
        let stringToSign = SDKHMACSHA256.stringToSign(canonicalRequest: canonical, date: date)
        #expect(stringToSign == vector.string_to_sign)
        #expect(SDKHMACSHA256.signature(stringToSign: stringToSign, secretKey: vector.inputs.secret_key) == vector.signature)
    }

    @Test(arguments: vectors)
    func wholeAuthorizationHeader(_ vector: Vector) throws {
        let authorization = try SDKHMACSHA256.authorization(
            for: vector.request(),
            accessKey: vector.inputs.access_key,
            secretKey: vector.inputs.secret_key,
            signedHeaders: vector.signedHeaderList
        )
        #expect(authorization == vector.authorization)
        #expect(authorization == vector.wire.headers["Authorization"])
    }

    /// V1: the wire order of the query, hex case and raw versus encoded `+`/`:` do not matter.
    @Test func equivalentRequestTargetsGiveTheSameCanonicalRequest() throws {
        let vector = try #require(Self.vectors.first { $0.equivalent_request_targets != nil })
        let targets = try #require(vector.equivalent_request_targets)
        #expect(!targets.isEmpty)
        for target in targets {
            let canonical = try SDKHMACSHA256.canonicalRequest(
                vector.request(target: target),
                signedHeaders: vector.signedHeaderList
            )
            #expect(canonical == vector.canonical_request, "\(target)")
        }
    }

    @Test func aChangedQueryOrPathChangesTheSignature() throws {
        let vector = Self.vectors[0]
        for target in [vector.wire.request_target + "&limit=11", vector.wire.request_target.replacingOccurrences(of: "/backups", with: "/backupz")] {
            let canonical = try SDKHMACSHA256.canonicalRequest(vector.request(target: target), signedHeaders: vector.signedHeaderList)
            let signature = SDKHMACSHA256.signature(
                stringToSign: SDKHMACSHA256.stringToSign(canonicalRequest: canonical, date: "20240301T080000Z"),
                secretKey: vector.inputs.secret_key
            )
            #expect(signature != vector.signature)
        }
    }

    @Test func aMissingOrRepeatedSignedHeaderCannotBeCanonicalized() {
        let vector = Self.vectors[0]
        var missing = vector.request()
        missing.headers.removeAll { $0.name == "X-Project-Id" }
        #expect(throws: SDKHMACSHA256.CanonicalizationError.signedHeader("x-project-id")) {
            try SDKHMACSHA256.canonicalRequest(missing, signedHeaders: vector.signedHeaderList)
        }
        var repeated = vector.request()
        repeated.headers.append(("x-project-id", "0483b6b16e954cb88930a360d2c4e663"))
        #expect(throws: SDKHMACSHA256.CanonicalizationError.signedHeader("x-project-id")) {
            try SDKHMACSHA256.canonicalRequest(repeated, signedHeaders: vector.signedHeaderList)
        }
    }

    @Test func percentEncodingMatchesPythonsQuoteWithTildeSafe() {
        #expect(PercentEncoding.encode("a b+c:d/e*f'g~h-i.j_k") == "a%20b%2Bc%3Ad%2Fe%2Af%27g~h-i.j_k")
        #expect(PercentEncoding.encode("ü") == "%C3%BC")
    }
}
