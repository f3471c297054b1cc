import Crypto

/// The operator's bearer token for the control API (`docs/lifecycle.md` §5.2). Only its SHA-256
/// is kept, and a presented `Authorization` header is compared digest to digest without stopping
/// at the first difference, so neither its bytes nor its length show in the answer's timing. It
/// never prints itself.
public struct ControlToken: Sendable, CustomStringConvertible {
    private let digest: [UInt8]

    /// - Parameter secret: the token, as `--control-token` or `BACKUPD_CONTROL_TOKEN` gives it.
    public init(_ secret: String) {
        self.digest = Array(SHA256.hash(data: Array("Bearer \(secret)".utf8)))
    }

    /// Whether `authorization` (the header's value) is `Bearer <the token>`.
    public func admits(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        let presented = Array(SHA256.hash(data: Array(authorization.utf8)))
        return zip(presented, digest).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public var description: String { "ControlToken(redacted)" }
}
