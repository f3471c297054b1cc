import Crypto
import Foundation
import _CryptoExtras

/// Turns passwords into salted PBKDF2-SHA256 digests and checks them, so the store never
/// holds a password in clear. A digest reads `pbkdf2-sha256$<rounds>$<salt b64>$<key b64>`,
/// which lets the round count grow later without invalidating stored digests.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public static let recommendedRounds = 210_000

    public let rounds: Int

    /// - Parameter rounds: iterations for new digests; lower it only in tests.
    public init(rounds: Int = PasswordHasher.recommendedRounds) {
        self.rounds = max(1, rounds)
    }

    /// A new digest of `password` with a fresh random salt.
    public func digest(_ password: String) -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        return Self.format(rounds: rounds, salt: salt, key: Self.derive(password, salt: salt, rounds: rounds))
    }

    /// Whether `password` produced `digest`; compares in constant time. A malformed digest never matches.
    public func verify(_ password: String, against digest: String) -> Bool {
        let parts = digest.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        let derived = Self.derive(password, salt: salt, rounds: rounds)
        return derived.count == expected.count && zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func derive(_ password: String, salt: Data, rounds: Int) -> Data {
        // BoringSSL's PBKDF2 fails only on parameters fixed here (output size, hash); a failure is a bug.
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Data(password.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            unsafeUncheckedRounds: rounds
        )
        return key.withUnsafeBytes { Data($0) }
    }

    private static func format(rounds: Int, salt: Data, key: Data) -> String {
        "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }
}
