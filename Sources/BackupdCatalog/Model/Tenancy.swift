/// An account (IAM domain). It owns projects and users.
public struct Domain: Sendable, Hashable {
    /// 32 lower-case hex digits.
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A project: a region of an account, optionally a sub-project (`cn-north-4_billing`).
public struct Project: Sendable, Hashable {
    /// 32 lower-case hex digits.
    public var id: String
    public var domainID: String
    /// The region id, optionally followed by `_` and a sub-project name.
    public var name: String

    public init(id: String, domainID: String, name: String) {
        self.id = id
        self.domainID = domainID
        self.name = name
    }

    /// The region is the name up to the first `_` (`docs/seed-format.md` §domains).
    public var region: String {
        String(name.prefix { $0 != "_" })
    }
}

/// An IAM user of a domain.
public struct User: Sendable, Hashable {
    public var domainID: String
    public var name: String
    /// A salted, slow digest of the password; `nil` when the user has no password
    /// (for example after an export, which never carries passwords).
    public var passwordDigest: String?
    /// The projects the user may use; `nil` means every project of the domain, `[]` none.
    public var projectIDs: [String]?

    public init(domainID: String, name: String, passwordDigest: String?, projectIDs: [String]?) {
        self.domainID = domainID
        self.name = name
        self.passwordDigest = passwordDigest
        self.projectIDs = projectIDs
    }
}

/// An access key (AK) of a user. The secret (SK) is kept because verifying an
/// SDK-HMAC-SHA256 signature needs it; it never leaves the store in an export.
public struct AccessKey: Sendable, Hashable {
    public var access: String
    public var domainID: String
    public var userName: String
    /// `nil` when the key was loaded without its secret (an exported catalog).
    public var secret: String?

    public init(access: String, domainID: String, userName: String, secret: String?) {
        self.access = access
        self.domainID = domainID
        self.userName = userName
        self.secret = secret
    }
}
