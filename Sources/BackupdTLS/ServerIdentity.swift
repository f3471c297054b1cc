public import Foundation
import NIOCore
public import NIOSSL
import SwiftASN1
import X509

/// The certificate chain and private key `serve --tls-cert/--tls-key` answers with, read from PEM
/// files and checked before the server listens, so that a wrong file is one clear line at start
/// instead of failed handshakes later (README, "TLS").
public struct ServerIdentity: Sendable {
    /// When the server's certificate expires.
    public let notValidAfter: Date
    let nioChain: [NIOSSLCertificate]
    let nioKey: NIOSSLPrivateKey

    /// - Parameters:
    ///   - certificatePath: a PEM file of one or more certificates, the server's first.
    ///   - keyPath: a PEM file of the private key (PKCS #8, SEC 1 or PKCS #1).
    ///   - now: the instant the server's certificate must be valid at.
    /// - Throws: `TLSSetupError`, saying which file and why.
    public init(certificatePath: String, keyPath: String, now: Date = Date()) throws(TLSSetupError) {
        let certificateText = try Self.read(certificatePath, what: "certificate")
        let keyText = try Self.read(keyPath, what: "key")
        let chain: [Certificate]
        do {
            chain = try PEMDocument.parseMultiple(pemString: certificateText).map { try Certificate(pemDocument: $0) }
        } catch {
            throw TLSSetupError("the certificate file \(certificatePath) holds no PEM certificate: \(error)")
        }
        guard let leaf = chain.first else {
            throw TLSSetupError("the certificate file \(certificatePath) holds no PEM certificate")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: keyText)
        } catch {
            // Never the key's text: only that it could not be read.
            throw TLSSetupError("the key file \(keyPath) holds no PEM private key this server can read")
        }
        guard key.publicKey == leaf.publicKey else {
            throw TLSSetupError("the key in \(keyPath) does not belong to the certificate in \(certificatePath)")
        }
        guard now <= leaf.notValidAfter else {
            throw TLSSetupError("the certificate in \(certificatePath) expired at \(leaf.notValidAfter)")
        }
        guard now >= leaf.notValidBefore else {
            throw TLSSetupError("the certificate in \(certificatePath) is valid only from \(leaf.notValidBefore)")
        }
        do {
            nioChain = try NIOSSLCertificate.fromPEMBytes(Array(certificateText.utf8))
            nioKey = try NIOSSLPrivateKey(bytes: Array(keyText.utf8), format: .pem)
        } catch {
            throw TLSSetupError("the TLS library cannot use \(certificatePath) and \(keyPath): \(error)")
        }
        notValidAfter = leaf.notValidAfter
    }

    /// A TLS 1.2+ server configuration answering HTTP/1.1.
    public var configuration: TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: nioChain.map { .certificate($0) },
            privateKey: .privateKey(nioKey)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        // How long a closing connection waits for the client's close_notify (5 s by default): a
        // client holding an idle keep-alive connection would hold up a SIGTERM that long.
        configuration.shutdownTimeout = .milliseconds(500)
        return configuration
    }

    private static func read(_ path: String, what: String) throws(TLSSetupError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSSetupError("cannot read the \(what) file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TLSSetupError("the \(what) file \(path) is not PEM text")
        }
        return text
    }
}

/// Why TLS cannot be set up, in one line.
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
