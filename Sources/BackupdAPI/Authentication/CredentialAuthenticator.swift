public import BackupdAuth
public import BackupdCatalog

/// The credential a request presents, as the server read it off the wire: no HTTP type crosses
/// into the API, so the authenticator is a plain function of this, the store and the clock.
public struct PresentedCredential: Sendable {
    /// `X-Auth-Token`, when present and not empty.
    public var token: String?
    /// The request as signed, when it has an `Authorization` header.
    public var signedRequest: SignableRequest?
    /// `X-Project-Id`, which narrows where a signed request may act.
    public var declaredProjectID: String?

    public init(token: String?, signedRequest: SignableRequest?, declaredProjectID: String?) {
        self.token = token
        self.signedRequest = signedRequest
        self.declaredProjectID = declaredProjectID
    }
}

/// Establishes who sends a request (`docs/auth.md` §1): an `X-Auth-Token` (§3), else an
/// `SDK-HMAC-SHA256` `Authorization` (§4), else nothing. Everything it reads or writes is in
/// the store, so every node sharing it accepts the same tokens and sees the same locks.
public struct CredentialAuthenticator: Sendable {
    let clock: WallClock
    let lockoutPolicy: LockoutPolicy

    public init(clock: WallClock, lockoutPolicy: LockoutPolicy) {
        self.clock = clock
        self.lockoutPolicy = lockoutPolicy
    }

    /// - Throws: `AuthenticationFailure`; store failures as they come.
    public func authenticate(
        _ presented: PresentedCredential,
        with credentials: Cached<any CredentialStore>
    ) async throws -> Identity {
        if let token = presented.token {
            return try await authenticate(token: token, credentials)
        }
        if let signed = presented.signedRequest {
            return try await authenticate(signed: signed, declaredProjectID: presented.declaredProjectID, credentials)
        }
        throw AuthenticationFailure.noCredential
    }

    private func authenticate(token: String, _ credentials: Cached<any CredentialStore>) async throws -> Identity {
        switch try await TokenValidation.validate(token, credentials: credentials, now: clock.microseconds) {
        case .failure(let failure):
            throw AuthenticationFailure(failure)
        case .success(let grant):
            let credential: Identity.Credential =
                switch grant.token.scope {
                case .project(let id): .projectToken(projectID: id)
                case .domain: .domainToken
                }
            return Identity(principal: grant.principal, credential: credential)
        }
    }

    private func authenticate(
        signed request: SignableRequest,
        declaredProjectID: String?,
        _ credentials: Cached<any CredentialStore>
    ) async throws -> Identity {
        let authorization = SignatureVerifier.authorization(of: request)
        let credential: SigningCredential? =
            if let access = authorization?.access {
                try await credentials.signingCredential(access: access)
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
            guard let credential else { throw AuthenticationFailure(SignatureVerifier.Failure.signatureMismatch) }
            if credential.lockout.needsReset {
                try await credentials.store.clearSignatureFailures(access: access)
            }
            return Identity(
                principal: credential.principal,
                credential: .accessKey(access, declaredProjectID: declaredProjectID)
            )
        case .failure(let failure):
            if failure == .signatureMismatch, let credential {
                _ = try await credentials.store.recordSignatureFailure(
                    access: credential.accessKey.access,
                    at: now,
                    policy: lockoutPolicy
                )
            }
            throw AuthenticationFailure(failure)
        }
    }
}
