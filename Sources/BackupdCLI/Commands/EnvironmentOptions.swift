import Foundation

/// Command-line options that may also come from the environment (`BACKUPD_PORT=8443` for
/// `--port 8443`), as container and service managers set them. The command line wins: a
/// variable is used only when its option is not on it. README, "Configuration", lists them.
struct EnvironmentOption: Sendable {
    enum Kind: Sendable {
        /// `--name VALUE`.
        case value
        /// `--name VALUE` once per comma-separated item (a repeatable option).
        case list
        /// `--name` when the value is `1`, `true` or `yes`; nothing for `0`, `false` or `no`.
        case flag
    }

    let variable: String
    /// The long option, without its dashes.
    let option: String
    let kind: Kind

    init(_ variable: String, _ option: String, _ kind: Kind = .value) {
        self.variable = variable
        self.option = option
        self.kind = kind
    }

    /// `arguments` (a subcommand's, without the program name) with the options the environment
    /// gives and the command line does not appended.
    /// - Throws: `CommandFailure` for a flag variable that is neither true nor false.
    static func arguments(
        _ arguments: [String],
        adding options: [EnvironmentOption],
        from environment: [String: String]
    ) throws -> [String] {
        var result = arguments
        // Only what stands before `--` is an option.
        let given = arguments.prefix { $0 != "--" }
        for option in options {
            guard let value = environment[option.variable], !value.isEmpty else { continue }
            let spelled = "--" + option.option
            guard !given.contains(where: { $0 == spelled || $0.hasPrefix(spelled + "=") }) else { continue }
            switch option.kind {
            case .value:
                result.append(spelled + "=" + value)
            case .list:
                for item in value.split(separator: ",") {
                    result.append(spelled + "=" + item.trimmingCharacters(in: .whitespaces))
                }
            case .flag:
                switch value.lowercased() {
                case "1", "true", "yes": result.append(spelled)
                case "0", "false", "no": break
                default: throw CommandFailure("\(option.variable) must be true or false, not '\(value)'")
                }
            }
        }
        return result
    }
}
