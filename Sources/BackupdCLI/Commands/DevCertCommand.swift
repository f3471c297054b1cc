import ArgumentParser
import BackupdTLS
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backupd dev-cert`: writes a throw-away local certificate authority and a server certificate
/// for `127.0.0.1`, `::1` and `localhost` (`DevelopmentCertificates`), and prints how to serve
/// with them and make clients trust them.
struct DevCertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-cert",
        abstract: "Write a local CA and a server certificate for 127.0.0.1, ::1 and localhost.",
        discussion: """
            Writes DIR/ca.pem (the authority clients trust), DIR/cert.pem and DIR/key.pem (the server's, \
            readable by its owner only). The authority's own key is not kept: nothing else can be signed with it.
            """
    )

    @Option(help: "The directory to write to (created when missing).")
    var out: String = "backupd-tls"

    @Flag(help: "Replace files that already exist.")
    var force = false

    static let files = (authority: "ca.pem", certificate: "cert.pem", key: "key.pem")

    func run() throws {
        let directory = URL(fileURLWithPath: out).standardizedFileURL
        let paths = [Self.files.authority, Self.files.certificate, Self.files.key].map {
            directory.appendingPathComponent($0).path
        }
        let manager = FileManager.default
        if !force, let existing = paths.first(where: { manager.fileExists(atPath: $0) }) {
            throw CommandFailure("\(existing) exists; --force replaces it")
        }
        let made: DevelopmentCertificates
        do {
            made = try DevelopmentCertificates()
        } catch {
            throw CommandFailure("cannot make the certificates: \(error)")
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            try writeFile(made.authorityPEM, to: paths[0], permissions: 0o644)
            try writeFile(made.certificatePEM, to: paths[1], permissions: 0o644)
            try writeFile(made.keyPEM, to: paths[2], permissions: 0o600)
        } catch {
            throw CommandFailure("cannot write to \(directory.path): \(error)")
        }
        print(
            """
            Wrote a development CA and a server certificate for 127.0.0.1, ::1 and localhost, valid until \
            \(made.notValidAfter.formatted(.iso8601)):
              \(paths[0])
              \(paths[1])
              \(paths[2])  (private key, owner only)

            Serve HTTPS with them:
              backupd serve --tls-cert \(paths[1]) --tls-key \(paths[2]) --port 8443

            Make clients trust the CA (Python requests and the Huawei Cloud Python SDK, OpenSSL-based tools, curl):
              export REQUESTS_CA_BUNDLE=\(paths[0])
              export SSL_CERT_FILE=\(paths[0])
              export CURL_CA_BUNDLE=\(paths[0])
            and point the Huawei Cloud SDKs at the HTTPS endpoint:
              export HUAWEICLOUD_SDK_IAM_ENDPOINT=https://127.0.0.1:8443
            """
        )
    }

    /// Writes `text` to a new file created with `permissions` (`O_EXCL`, after removing an old one):
    /// the key is never readable by others, not even for a moment.
    private func writeFile(_ text: String, to path: String, permissions: mode_t) throws {
        if unlink(path) != 0, errno != ENOENT { throw POSIXFailure(operation: "remove", path: path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw POSIXFailure(operation: "create", path: path) }
        defer { close(descriptor) }
        // The mode given to open(2) is narrowed by the umask, never widened: set it exactly.
        guard fchmod(descriptor, permissions) == 0 else { throw POSIXFailure(operation: "set the mode of", path: path) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw POSIXFailure(operation: "write", path: path) }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw POSIXFailure(operation: "sync", path: path) }
    }
}

/// A failed system call on a file, with `errno`'s text.
private struct POSIXFailure: Error, CustomStringConvertible {
    let description: String

    init(operation: String, path: String) {
        description = "cannot \(operation) \(path): \(String(cString: strerror(errno)))"
    }
}
