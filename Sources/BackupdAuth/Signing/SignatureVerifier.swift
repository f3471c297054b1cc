import BackupdTime

/// Checks an `SDK-HMAC-SHA256` request in the order of `docs/auth.md` §4.5, as a pure function:
/// the request, the secret key the store holds for the AK (`nil` when the AK is unknown) and
/// the server's time go in; the first failed check comes out. The lockout state comes in
/// too, but recording failures and scope are the server's: they need the store.
public enum SignatureVerifier {
    /// The largest accepted difference between `X-Sdk-Date` and the server's clock, inclusive.
    public static let allowedClockSkew: Int64 = 900

    /// The first check a request failed (`docs/auth.md` §4.6 gives each its message).
    public enum Failure: Error, Sendable, Equatable {
        /// Check 1: no parsable `SDK-HMAC-SHA256` Authorization.
        case malformedAuthorization
        /// Check 2: the AK is not known.
        case unknownAccessKey(String)
        /// Check 3: `X-Sdk-Date` missing, unsigned or malformed.
        case malformedDate
        /// Check 4: more than 15 minutes from the server's clock; both times as `yyyyMMddTHHmmssZ`.
        case clockSkew(signatureTime: String, serverTime: String)
        /// Checks 5 and 6: a signed header missing or repeated, or a wrong signature. These count
        /// toward the lockout.
        case signatureMismatch
        /// The AK is locked after repeated failures: refused like a bad signature, but not counted.
        case locked

        /// The text after `Incorrect IAM authentication information: ` (`docs/auth.md` §4.6). No secret is ever in it.
        public var detail: String {
            switch self {
            case .malformedAuthorization, .malformedDate, .signatureMismatch, .locked: "verify aksk signature fail"
            case .unknownAccessKey(let access): "Get secretKey failed,ak:\(access),err:ak not exist"
            case .clockSkew(let signatureTime, let serverTime):
                "signature expired, signature time:\(signatureTime),server time:\(serverTime)"
            }
        }
    }

    /// - Parameters:
    ///   - secretKey: looks up the SK of an AK; `nil` means the AK is unknown.
    ///   - isLocked: whether the AK is locked out now; asked only once checks 1–4 passed, so that
    ///     a locked key still learns about a malformed or stale date.
    ///   - now: the server's time, in seconds since the epoch.
    /// - Returns: the verified AK.
    public static func verify(
        _ request: SignableRequest,
        secretKey: (String) -> String?,
        isLocked: (String) -> Bool = { _ in false },
        now: Int64
    ) -> Result<String, Failure> {
        verify(request, authorization: authorization(of: request), secretKey: secretKey, isLocked: isLocked, now: now)
    }

    /// `verify` for a request whose `Authorization` the caller already parsed with
    /// `authorization(of:)` (to look its key up first), so it is parsed once.
    public static func verify(
        _ request: SignableRequest,
        authorization: AuthorizationHeader?,
        secretKey: (String) -> String?,
        isLocked: (String) -> Bool = { _ in false },
        now: Int64
    ) -> Result<String, Failure> {
        guard let authorization else {
            return .failure(.malformedAuthorization)
        }
        guard let secret = secretKey(authorization.access) else {
            return .failure(.unknownAccessKey(authorization.access))
        }
        let dates = request.values(of: "X-Sdk-Date")
        guard authorization.signedHeaders.contains(where: { $0.lowercased() == "x-sdk-date" }), dates.count == 1,
            let signedAt = parseSDKDate(dates[0])
        else {
            return .failure(.malformedDate)
        }
        guard abs(now - signedAt) <= allowedClockSkew else {
            return .failure(.clockSkew(signatureTime: dates[0], serverTime: formatSDKDate(now)))
        }
        guard !isLocked(authorization.access) else {
            return .failure(.locked)
        }
        guard
            let expected = try? SDKHMACSHA256.signature(
                of: request,
                signedHeaders: authorization.signedHeaders,
                date: dates[0],
                secretKey: secret
            )
        else {
            return .failure(.signatureMismatch)
        }
        return constantTimeEqual(expected, authorization.signature)
            ? .success(authorization.access) : .failure(.signatureMismatch)
    }

    /// The request's single `Authorization`, parsed; `nil` when absent, repeated or malformed.
    public static func authorization(of request: SignableRequest) -> AuthorizationHeader? {
        let authorizations = request.values(of: "Authorization")
        guard authorizations.count == 1 else { return nil }
        return AuthorizationHeader(parsing: authorizations[0])
    }

    /// `yyyyMMddTHHmmssZ`, UTC, a real date and time (no leap second).
    public static func parseSDKDate(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        return CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).epochSeconds
    }

    /// Writes `yyyyMMddTHHmmssZ`.
    public static func formatSDKDate(_ seconds: Int64) -> String {
        TimeText.sdkDate(epochSeconds: seconds)
    }

    /// Compares two signatures without stopping at the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

}
