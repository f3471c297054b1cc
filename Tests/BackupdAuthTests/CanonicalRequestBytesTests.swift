import BackupdCatalog
import Testing

@testable import BackupdAuth

/// The canonical request written as bytes (`CanonicalRequestBytes`, with its copy of unreserved
/// targets) against the general path that decodes and re-encodes every piece: the same bytes for
/// every target, and the same signature whichever way it is computed.
@Suite struct CanonicalRequestBytesTests {
    /// What the canonical request was before the byte writer: each part through the general path.
    static func reference(_ request: SignableRequest, signedHeaders: [String]) -> String {
        let target = Substring(request.target)
        let question = target.firstIndex(of: "?")
        let path = question.map { target[..<$0] } ?? target
        let query = question.map { target[target.index(after: $0)...] } ?? ""
        let headers = signedHeaders.map { name in
            let value = request.values(of: name)[0]
            return name + ":" + value.trimmingBlanks + "\n"
        }
        return [
            request.method.uppercased(),
            SDKHMACSHA256.canonicalURI(path),
            SDKHMACSHA256.canonicalQuery(query),
            headers.joined(),
            signedHeaders.joined(separator: ";"),
            SDKHMACSHA256.payloadHash(request),
        ].joined(separator: "\n")
    }

    static func request(_ target: String, method: String = "get") -> SignableRequest {
        SignableRequest(
            method: method,
            target: target,
            headers: [("Host", "127.0.0.1:8080"), ("X-Sdk-Date", "20301231T235959Z"), ("Content-Type", " application/json \t")]
        )
    }

    static let signed = ["content-type", "host", "x-sdk-date"]

    @Test(arguments: [
        "/v3/0483b6b16e954cb88930a360d2c4e663/backups?instance_id=a48e43ff268f4c0e879652d65e63d0fbin01&limit=100",
        "/v3/p/backups", "/v3/p/backups/", "/", "", "/a//b/", "/v3/p/backups?", "/v3/p/backups?&&",
        "/v3/p/backups?b=2&a=1&a=0&a", "/v3/p/backups?=x&a=", "/v3/p/backups?a=b=c", "/v3/p/backups?a=%41&a=A",
        "/v3/p/backups?begin_time=2030-01-01T00:00:00+0800", "/v3/p/backups?name=a%20b&name=a+b",
        "/v3/p/ba%2Fckups", "/v3/p/bäckups?ü=1", "/v3/p/backups?x=~._-&X=1", "/v3/p/backups?a=%zz&b=%4",
    ])
    func theBytesAreTheGeneralPathsCanonicalRequest(target: String) throws {
        let request = Self.request(target)
        #expect(try SDKHMACSHA256.canonicalRequest(request, signedHeaders: Self.signed) == Self.reference(request, signedHeaders: Self.signed))
    }

    /// Targets drawn from the bytes that matter to each path (bounded: 5,000 of them, seeded, so
    /// that a failure names a target that comes back every run).
    @Test func generatedTargetsAgree() throws {
        let alphabet = Array("ab0Z-._~/&==?%2F+ :é".utf8)
        var generator = SplitMix64(seed: 12)
        for round in 0..<5_000 {
            let length = Int(generator.next() % 24)
            var bytes = Array("/v3/".utf8)
            for _ in 0..<length { bytes.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let target = String(decoding: bytes, as: UTF8.self)
            let request = Self.request(target, method: round % 2 == 0 ? "GET" : "delete")
            let canonical = try SDKHMACSHA256.canonicalRequest(request, signedHeaders: Self.signed)
            #expect(canonical == Self.reference(request, signedHeaders: Self.signed), "target \(target)")
        }
    }

    @Test func theOneBufferSignatureIsTheThreeStepOne() throws {
        let request = Self.request("/v3/p/backups?limit=10&instance_id=x")
        let secret = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
        let stepByStep = SDKHMACSHA256.signature(
            stringToSign: SDKHMACSHA256.stringToSign(
                canonicalRequest: Self.reference(request, signedHeaders: Self.signed),
                date: "20301231T235959Z"
            ),
            secretKey: secret
        )
        let oneBuffer = try SDKHMACSHA256.signature(of: request, signedHeaders: Self.signed, date: "20301231T235959Z", secretKey: secret)
        #expect(oneBuffer == stepByStep)
    }

    @Test func aMissingOrRepeatedSignedHeaderIsRefused() {
        var request = Self.request("/v3/p/backups")
        #expect(throws: SDKHMACSHA256.CanonicalizationError.signedHeader("x-missing")) {
            try SDKHMACSHA256.canonicalRequest(request, signedHeaders: ["host", "x-missing"])
        }
        request.headers.append(("host", "again"))
        #expect(throws: SDKHMACSHA256.CanonicalizationError.signedHeader("host")) {
            try SDKHMACSHA256.canonicalRequest(request, signedHeaders: ["host"])
        }
    }
}

extension String {
    /// Without the spaces and tabs at either end, as the signer trims header values.
    fileprivate var trimmingBlanks: String {
        let bytes = Array(utf8)
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
