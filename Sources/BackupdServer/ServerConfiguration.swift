public import BackupdAPI
public import BackupdAuth
public import BackupdCatalog
public import BackupdTLS

/// How to run the server; the CLI fills it from flags, tests from their fixtures.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// `<scheme>://<host>[:port]` the IAM answers point clients to; `nil` means `scheme` and the
    /// request's `Host` (`docs/auth.md` §2.2).
    public var publicBaseURL: String?
    /// The certificate and key to answer with over TLS; `nil` serves plain HTTP.
    public var tls: ServerIdentity?
    /// The clock of token lifetimes, signature skew, lockouts and the rate limit's buckets.
    public var clock: WallClock
    public var lockoutPolicy: LockoutPolicy
    /// Checks passwords when tokens are issued (the digest itself says how many rounds).
    public var passwordHasher: PasswordHasher
    /// The largest request body read (signatures cover bodies; no API takes a large one).
    public var maximumBodySize: Int
    /// How many bytes of backup-API answers are kept for repeated requests (0: none). Each is
    /// dropped as soon as a write touches what it read, through this node or any other.
    public var responseCacheBytes: Int
    /// About how many bytes of lookups (keys, tokens, principals, instances) are kept for repeated
    /// requests (0: none; `StoreAccess`).
    public var lookupCacheBytes: Int
    /// Where the response cache counts its hits and misses.
    public var responseCacheCounters = CacheCounters()
    /// The operator's bearer token for the control API; `nil` leaves the API out entirely
    /// (`docs/lifecycle.md` §5.2).
    public var controlToken: ControlToken?
    /// Which services token catalogs list: the Huawei Cloud table, or also the OpenStack types
    /// (`docs/auth.md` §2.2, §2.6).
    public var tokenCatalog: TokenCatalogStyle
    /// How long a connection may stay open without a request (README, "Connections").
    public var idleTimeout: Duration
    /// How long a request's head may take to arrive once its first byte has (slowloris).
    public var headerReadTimeout: Duration
    /// The per-credential request-rate limit; `nil` (the default) limits nothing (`docs/api.md` §1.11).
    public var requestLimit: RequestThrottle.Limit?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicBaseURL: String? = nil,
        clock: WallClock = .system,
        lockoutPolicy: LockoutPolicy = .gateway,
        passwordHasher: PasswordHasher = PasswordHasher(),
        maximumBodySize: Int = 1 << 20,
        responseCacheBytes: Int = 64 << 20,
        lookupCacheBytes: Int = StoreAccess.defaultLookupCacheBytes,
        controlToken: ControlToken? = nil,
        tokenCatalog: TokenCatalogStyle = .huaweiCloud,
        requestLimit: RequestThrottle.Limit? = nil,
        idleTimeout: Duration = .seconds(60),
        headerReadTimeout: Duration = .seconds(10),
        tls: ServerIdentity? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.clock = clock
        self.lockoutPolicy = lockoutPolicy
        self.passwordHasher = passwordHasher
        self.maximumBodySize = maximumBodySize
        self.responseCacheBytes = responseCacheBytes
        self.lookupCacheBytes = lookupCacheBytes
        self.controlToken = controlToken
        self.tokenCatalog = tokenCatalog
        self.requestLimit = requestLimit
        self.idleTimeout = idleTimeout
        self.headerReadTimeout = headerReadTimeout
    }

    /// `https` over TLS, else `http`: the scheme of every URL the server writes.
    public var scheme: String {
        tls == nil ? "http" : "https"
    }
}
