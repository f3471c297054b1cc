import BackupdAuth

/// Identifiers IAM answers carry that the seed format does not give (`docs/auth.md` §2.2, chosen
/// there): the first 32 hex digits of a SHA-256 of a fixed text, so they are stable across
/// restarts and nodes without being stored.
public enum IAMIdentifiers {
    /// `user:<domain id>/<user name>`.
    public static func userID(domainID: String, userName: String) -> String {
        derived("user:" + domainID + "/" + userName)
    }

    /// `service:<name>`.
    public static func serviceID(_ name: String) -> String {
        derived("service:" + name)
    }

    /// `endpoint:<name>:<region>`.
    public static func endpointID(service name: String, region: String) -> String {
        derived("endpoint:" + name + ":" + region)
    }

    private static func derived(_ text: String) -> String {
        String(SHA256Digest.hex(text).prefix(32))
    }
}
