import Crypto
public import Foundation
import SwiftASN1
import X509

/// What `backupd dev-cert` writes: a throw-away certificate authority and a server certificate
/// it signed for `127.0.0.1`, `::1` and `localhost`, in PEM. The authority's key is never kept,
/// so nothing else can ever be signed with it: trusting `ca.pem` trusts this one server
/// certificate only (README, "TLS").
public struct DevelopmentCertificates: Sendable {
    /// The authority clients trust (`ca.pem`).
    public let authorityPEM: String
    /// The server's certificate (`cert.pem`).
    public let certificatePEM: String
    /// The server's private key, PKCS #8 (`key.pem`).
    public let keyPEM: String
    /// When both certificates expire.
    public let notValidAfter: Date

    /// How long both certificates are valid from their making.
    public static let validity: TimeInterval = 365 * 24 * 3600

    /// The names the server certificate is valid for.
    public static let dnsNames = ["localhost"]
    public static let ipAddresses: [[UInt8]] = [[127, 0, 0, 1], Array(repeating: 0, count: 15) + [1]]

    public init(now: Date = Date()) throws {
        // A little before now, so that a client whose clock lags a few minutes accepts it.
        let notBefore = now.addingTimeInterval(-300)
        let notAfter = now.addingTimeInterval(Self.validity)

        let authorityKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let authorityName = try DistinguishedName {
            OrganizationName("backupd")
            CommonName("backupd development CA")
        }
        let authorityKeyID = SubjectKeyIdentifier(hash: authorityKey.publicKey)
        let authority = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: authorityKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: authorityName,
            subject: authorityName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                authorityKeyID
            },
            issuerPrivateKey: authorityKey
        )

        let serverKey = P256.Signing.PrivateKey()
        let serverPublicKey = Certificate.PrivateKey(serverKey).publicKey
        let names: [GeneralName] =
            Self.dnsNames.map { .dnsName($0) } + Self.ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let server = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: serverPublicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: authorityName,
            subject: try DistinguishedName {
                OrganizationName("backupd")
                CommonName("localhost")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: serverPublicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID.keyIdentifier)
            },
            issuerPrivateKey: authorityKey
        )
        authorityPEM = try authority.serializeAsPEM().pemString + "\n"
        certificatePEM = try server.serializeAsPEM().pemString + "\n"
        keyPEM = serverKey.pemRepresentation + "\n"
        self.notValidAfter = server.notValidAfter
    }
}
