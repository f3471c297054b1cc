import BackupdCatalog
import BackupdTestSupport
import Testing

/// The credential part of the `CatalogStore` contract, on every engine: principals read in
/// one go, access keys with their lockout, the lockout counted atomically, tokens kept by
/// digest and purged a day after they expire, keys revoked.
@Suite struct CatalogStoreCredentialTests {
    typealias Acme = Fixtures.Acme

    @Test(arguments: StoreEngine.all)
    func principalsCarryTheirDomainAndUsableProjects(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        let alice = try #require(try await store.principal(domainID: Acme.domainID, userName: "alice"))
        #expect(alice.domain == Domain(id: Acme.domainID, name: "acme"))
        #expect(alice.user.passwordDigest != nil)
        // Every acme project, ordered by name.
        #expect(alice.usableProjects.map(\.name) == ["ap-southeast-1", "ap-southeast-3", "cn-east-3", "cn-north-4", "cn-north-4_billing"])
        let bob = try #require(try await store.principal(domainID: Acme.domainID, userName: "bob"))
        #expect(bob.usableProjects.map(\.id) == [Acme.cnNorth4])
        #expect(bob.mayUse(projectID: Acme.cnNorth4) && !bob.mayUse(projectID: Acme.cnEast3))
        let carol = try #require(try await store.principal(domainID: Fixtures.Globex.domainID, userName: "carol"))
        #expect(carol.usableProjectIDs == [Fixtures.Globex.cnNorth4])

        #expect(try await store.principal(domainID: Acme.domainID, userName: "carol") == nil)
        #expect(try await store.principal(domainID: Acme.domainID, userName: "ali\u{0}ce") == nil)
        #expect(try await store.domain(id: Acme.domainID)?.name == "acme")
        #expect(try await store.domain(id: "ffffffffffffffffffffffffffffffff") == nil)
    }

    @Test(arguments: StoreEngine.all)
    func regionsAreTheDistinctRegionsOfEveryProject(_ engine: StoreEngine) async throws {
        let empty = try await engine.makeStore()
        #expect(try await empty.regions() == [])
        #expect(try await empty.isEmpty())
        let store = try await Fixtures.exampleStore(engine)
        #expect(try await store.isEmpty() == false)
        #expect(try await store.accountStatistics() == AccountStatistics(domains: 2, projects: 6, users: 3, accessKeys: 3))
        #expect(try await store.regions() == ["ap-southeast-1", "ap-southeast-3", "cn-east-3", "cn-north-4"])
    }

    @Test(arguments: StoreEngine.all)
    func aSigningCredentialIsTheKeyItsOwnerAndItsLockout(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        let alice = try #require(try await store.signingCredential(access: Fixtures.Alice.access))
        #expect(alice.accessKey.secret == Fixtures.Alice.secret)
        #expect(alice.principal.user.name == "alice")
        #expect(alice.lockout == .clear)
        #expect(try await store.signingCredential(access: "HPUAEXAMPLEAK9999999") == nil)
        #expect(try await store.signingCredential(access: "HPUAEXAMPLE\u{0}") == nil)
    }

    @Test(arguments: StoreEngine.all)
    func fiveFailuresLockAKeyForFiveMinutesThenTheCountRestarts(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        let access = Fixtures.Bob.access
        let policy = LockoutPolicy.gateway
        let start: Int64 = 1_700_000_000
        for failure in 1...4 {
            let state = try await store.recordSignatureFailure(access: access, at: start + Int64(failure), policy: policy)
            #expect(state == SignatureLockout(consecutiveFailures: failure, lockedUntil: nil))
        }
        let locked = try await store.recordSignatureFailure(access: access, at: start + 10, policy: policy)
        #expect(locked == SignatureLockout(consecutiveFailures: 5, lockedUntil: start + 310))
        #expect(try await store.signingCredential(access: access)?.lockout == locked)
        // During the lock a failure neither counts nor extends it.
        let during = try await store.recordSignatureFailure(access: access, at: start + 309, policy: policy)
        #expect(during == locked)
        #expect(locked.isLocked(at: start + 309) && !locked.isLocked(at: start + 310))
        // When it runs out, counting starts again at 0.
        let after = try await store.recordSignatureFailure(access: access, at: start + 310, policy: policy)
        #expect(after == SignatureLockout(consecutiveFailures: 1, lockedUntil: nil))
        // A success clears it; other keys were never touched.
        try await store.clearSignatureFailures(access: access)
        #expect(try await store.signingCredential(access: access)?.lockout == .clear)
        #expect(try await store.signingCredential(access: Fixtures.Alice.access)?.lockout == .clear)
        // An unknown key records nothing.
        #expect(try await store.recordSignatureFailure(access: "NOSUCHKEY", at: start, policy: policy) == .clear)
    }

    @Test(arguments: StoreEngine.all)
    func concurrentFailuresAreEachCounted(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        let policy = LockoutPolicy(threshold: 1_000, duration: 300)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    _ = try await store.recordSignatureFailure(access: Fixtures.Carol.access, at: 1_700_000_000, policy: policy)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.signingCredential(access: Fixtures.Carol.access)?.lockout.consecutiveFailures == 40)
    }

    @Test(arguments: StoreEngine.all)
    func tokensAreFoundByDigestAndPurgedADayAfterExpiry(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        let issued: Int64 = 1_709_280_000_000_000  // 2024-03-01T08:00:00Z
        let projectToken = IssuedToken(
            digest: String(repeating: "a", count: 64),
            domainID: Acme.domainID,
            userName: "alice",
            scope: .project(id: Acme.cnNorth4),
            issuedAt: issued,
            expiresAt: issued + IssuedToken.lifetime
        )
        let domainToken = IssuedToken(
            digest: String(repeating: "b", count: 64),
            domainID: Acme.domainID,
            userName: "bob",
            scope: .domain,
            issuedAt: issued + 1,
            expiresAt: issued + 1 + IssuedToken.lifetime
        )
        try await store.saveToken(projectToken)
        try await store.saveToken(domainToken)
        #expect(try await store.token(digest: projectToken.digest) == projectToken)
        #expect(try await store.token(digest: domainToken.digest) == domainToken)
        #expect(try await store.token(digest: String(repeating: "c", count: 64)) == nil)
        #expect(projectToken.hasExpired(at: projectToken.expiresAt) && !projectToken.hasExpired(at: projectToken.expiresAt - 1))

        // Issued just under a day after both expired: both are still kept (they answer "token expires").
        let later = IssuedToken(
            digest: String(repeating: "d", count: 64),
            domainID: Acme.domainID,
            userName: "alice",
            scope: .domain,
            issuedAt: projectToken.expiresAt + IssuedToken.retentionAfterExpiry,
            expiresAt: projectToken.expiresAt + IssuedToken.retentionAfterExpiry + IssuedToken.lifetime
        )
        try await store.saveToken(later)
        #expect(try await store.token(digest: projectToken.digest) != nil)
        // A day and a bit after: the first is purged, the second (expiring 1 µs later) is not yet.
        var laterStill = later
        laterStill.digest = String(repeating: "e", count: 64)
        laterStill.issuedAt += 1
        laterStill.expiresAt += 1
        try await store.saveToken(laterStill)
        #expect(try await store.token(digest: projectToken.digest) == nil)
        #expect(try await store.token(digest: domainToken.digest) != nil)
    }

    @Test(arguments: StoreEngine.all)
    func revokingAKeyRemovesItAndItsLockout(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        for _ in 0..<5 {
            _ = try await store.recordSignatureFailure(access: Fixtures.Bob.access, at: 1_700_000_000, policy: .gateway)
        }
        #expect(try await store.deleteAccessKey(access: Fixtures.Bob.access))
        #expect(try await store.signingCredential(access: Fixtures.Bob.access) == nil)
        #expect(try await store.deleteAccessKey(access: Fixtures.Bob.access) == false)
        // The same AK given again starts with a clean slate.
        try await store.load(
            CatalogContent(
                accessKeys: [AccessKey(access: Fixtures.Bob.access, domainID: Acme.domainID, userName: "bob", secret: "s")]
            ),
            progress: { _ in }
        )
        #expect(try await store.signingCredential(access: Fixtures.Bob.access)?.lockout == .clear)
    }
}
