import BackupdAPI
import BackupdAuth
import BackupdCatalog
import HTTPTypes
import Hummingbird

/// Establishes who sends a request (`auth.md` §1): an `X-Auth-Token` (§3), else an
/// `SDK-HMAC-SHA256` `Authorization` (§4), else nothing. Everything it reads or writes is in
/// the store, so every node sharing it accepts the same tokens and sees the same locks.
struct CredentialAuthenticator: Sendable {
    let store: any CatalogStore
    let clock: WallClock
    let lockoutPolicy: LockoutPolicy

    /// - Throws: `AuthenticationFailure`; store failures as they come.
    func authenticate(_ request: Request, body: [UInt8]) async throws -> Identity {
        if let token = request.headers[.xAuthToken], !token.isEmpty {
            return try await authenticate(token: token)
        }
        if request.headers[.authorization] != nil {
            return try await authenticate(signed: SignableRequest(request, body: body), headers: request.headers)
        }
        throw AuthenticationFailure.noCredential
    }

    private func authenticate(token: String) async throws -> Identity {
        switch try await TokenValidation.validate(token, store: store, now: clock.microseconds) {
        case .failure(let failure):
            throw AuthenticationFailure(detail: failure.detail)
        case .success(let grant):
            let credential: Identity.Credential =
                switch grant.token.scope {
                case .project(let id): .projectToken(projectID: id)
                case .domain: .domainToken
                }
            return Identity(principal: grant.principal, credential: credential)
        }
    }

    private func authenticate(signed request: SignableRequest, headers: HTTPFields) async throws -> Identity {
        let authorization = SignatureVerifier.authorization(of: request)
        let credential: SigningCredential? =
            if let access = authorization?.access {
                try await store.signingCredential(access: access)
            } else {
                nil
            }
        let now = clock.seconds
        let verdict = SignatureVerifier.verify(
            request,
            authorization: authorization,
            secretKey: { access in credential.flatMap { $0.accessKey.access == access ? $0.accessKey.secret : nil } },
            isLocked: { _ in credential?.lockout.isLocked(at: now) ?? false },
            now: now
        )
        switch verdict {
        case .success(let access):
            // Known to exist: the verifier found its secret.
            guard let credential else { throw AuthenticationFailure(detail: "verify aksk signature fail") }
            if credential.lockout.needsReset {
                try await store.clearSignatureFailures(access: access)
            }
            return Identity(
                principal: credential.principal,
                credential: .accessKey(access, declaredProjectID: headers[.xProjectID])
            )
        case .failure(let failure):
            if failure == .signatureMismatch, let credential {
                _ = try await store.recordSignatureFailure(
                    access: credential.accessKey.access,
                    at: now,
                    policy: lockoutPolicy
                )
            }
            throw AuthenticationFailure(detail: failure.detail)
        }
    }
}

extension HTTPField.Name {
    static let xAuthToken = HTTPField.Name("X-Auth-Token")!
    static let xProjectID = HTTPField.Name("X-Project-Id")!
    static let xSubjectToken = HTTPField.Name("X-Subject-Token")!
    static let xIAMTraceID = HTTPField.Name("X-IAM-Trace-Id")!
}
