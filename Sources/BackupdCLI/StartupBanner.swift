import BackupdAPI
import BackupdCatalog
import BackupdServer
import Foundation

/// What `backupd serve` prints on standard output once it listens: where, on which store,
/// that authentication is on, what the catalog holds, the environment that points the
/// official SDKs here, and, on the very first start only, the generated account's secrets.
struct StartupBanner {
    /// `https` over TLS, else `http`.
    let scheme: String
    let host: String
    let port: Int
    /// `--public-url`: the address clients use (a load balancer's), when it is not this node's.
    let publicURL: String?
    let store: StoreLocation
    let accounts: AccountStatistics
    let regions: [String]
    let firstAccount: FirstAccount?

    /// The SDK modules' names in `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`.
    private static let sdkServices = ["RDS", "GAUSSDB", "DCS", "DDM"]

    var text: String {
        // A wildcard address is reached through loopback from this machine.
        let reachableHost = ["0.0.0.0", "::", "[::]"].contains(host) ? "127.0.0.1" : host
        let base =
            publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "\(scheme)://\(reachableHost.contains(":") && !reachableHost.hasPrefix("[") ? "[\(reachableHost)]" : reachableHost):\(port)"
        var lines = [
            "",
            "backupd is listening on \(scheme)://\(host):\(port)",
            "  store:          \(store)",
            "  authentication: on; every API needs an IAM token (POST /v3/auth/tokens) or an SDK-HMAC-SHA256 signature",
            "  catalog:        \(accounts.domains) domains, \(accounts.users) users, \(accounts.accessKeys) access keys, "
                + "\(accounts.projects) projects",
        ]
        if let account = firstAccount {
            lines += [
                "",
                "The store was empty, so this account was created. Its secrets are shown now and never again:",
                "  domain:     \(account.domain.name) (\(account.domain.id))",
            ]
            for project in account.projects {
                lines.append("  project:    \(project.name) (\(project.id))")
            }
            lines += [
                "  user:       \(account.userName)",
                "  password:   \(account.password)",
                "  access key: \(account.accessKey)",
                "  secret key: \(account.secretKey)",
            ]
        }
        lines += ["", "Point the Huawei Cloud SDKs at this server:", "  export HUAWEICLOUD_SDK_IAM_ENDPOINT=\(base)"]
        for region in regions {
            let suffix = region.replacingOccurrences(of: "-", with: "_").uppercased()
            for service in Self.sdkServices {
                lines.append("  export HUAWEICLOUD_SDK_REGION_\(service)_\(suffix)=\(base)")
            }
        }
        if let account = firstAccount {
            lines += [
                "  export HUAWEICLOUD_SDK_AK=\(account.accessKey)",
                "  export HUAWEICLOUD_SDK_SK=\(account.secretKey)",
            ]
            if let project = account.projects.first {
                lines.append("  export HUAWEICLOUD_SDK_PROJECT_ID=\(project.id)")
            }
        }
        lines.append("")
        return lines.joined(separator: "\n") + "\n"
    }
}
