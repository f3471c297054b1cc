/// New secrets for accounts backupd creates itself (the first account, `backupd credentials`),
/// drawn uniformly from the system's cryptographically secure generator.
public enum CredentialGenerator {
    private static let upperDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// An access key id shaped like Huawei Cloud's: 20 upper-case letters and digits.
    public static func accessKey() -> String {
        random(20, from: upperDigits)
    }

    /// A secret access key shaped like Huawei Cloud's: 40 letters and digits.
    public static func secretKey() -> String {
        random(40, from: alphanumerics)
    }

    /// A 24-character password with an upper-case letter, a lower-case letter and a digit.
    public static func password() -> String {
        while true {
            let candidate = random(24, from: alphanumerics)
            if candidate.contains(where: \.isUppercase), candidate.contains(where: \.isLowercase),
                candidate.contains(where: \.isNumber)
            {
                return candidate
            }
        }
    }

    /// 32 lower-case hex digits, the shape of domain and project ids.
    public static func hexID() -> String {
        random(32, from: Array("0123456789abcdef"))
    }

    private static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
