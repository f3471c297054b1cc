import ArgumentParser
import BackupdAPI
import Foundation

/// `backupd credentials`: list users and their access keys (never secrets), create a key
/// (its secret shown once), revoke a key.
struct CredentialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "List users and access keys, create or revoke access keys.",
        subcommands: [List.self, CreateKey.self, RevokeKey.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every user and its access key ids (secrets are never shown)."
        )

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let users = try await AccessKeyAdministration(store: await storeOptions.open()).users()
            var lines = ["DOMAIN\tUSER\tPASSWORD\tPROJECTS\tACCESS KEYS"]
            for user in users {
                lines.append(
                    [
                        "\(user.domainName) (\(user.domainID))",
                        user.userName,
                        user.hasPassword ? "set" : "none",
                        user.projects.map { $0.isEmpty ? "none" : $0.joined(separator: ",") } ?? "all",
                        user.accessKeys.isEmpty ? "-" : user.accessKeys.joined(separator: ","),
                    ].joined(separator: "\t")
                )
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct CreateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-key",
            abstract: "Create an access key for a user and print it with its secret, once."
        )

        @Option(help: "The user's domain (account) name.")
        var domain: String

        @Option(help: "The user's name.")
        var user: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let administration = AccessKeyAdministration(store: try await storeOptions.open())
            do {
                let key = try await administration.create(domainName: domain, userName: user)
                print("access key: \(key.access)\nsecret key: \(key.secret)")
                FileHandle.standardError.write(Data("The secret key is shown only now; keep it.\n".utf8))
            } catch let error as AccountError {
                throw CommandFailure("\(error)")
            }
        }
    }

    struct RevokeKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-key",
            abstract: "Revoke an access key; requests signed with it fail from now on."
        )

        @Argument(help: "The access key id (AK).")
        var access: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            do {
                try await AccessKeyAdministration(store: try await storeOptions.open()).revoke(access: access)
                print("revoked \(access)")
            } catch let error as AccountError {
                throw CommandFailure("\(error)")
            }
        }
    }
}
