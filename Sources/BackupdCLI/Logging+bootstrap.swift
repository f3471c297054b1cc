import Foundation
import Logging

extension Logging {
    /// Bootstraps swift-log once for the process (only the executable does this) and returns
    /// the root logger. `LOG_LEVEL` (trace … critical) sets the level, info by default;
    /// `LOG_FORMAT` (`text`, the default, or `json`) the shape of a line (`LogFormat`).
    /// Lines go to standard error in batches (`BufferedLogHandler`).
    /// - Throws: `CommandFailure` for a value that is neither, before anything is logged.
    static func bootstrapped(label: String) throws -> Logger {
        let environment = ProcessInfo.processInfo.environment
        let format = try parse(environment[LogFormat.variable], as: LogFormat.self, variable: LogFormat.variable)
        let level = try parse(environment["LOG_LEVEL"], as: Logger.Level.self, variable: "LOG_LEVEL")
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, format: format ?? .text) }
        var logger = Logger(label: label)
        if let level { logger.logLevel = level }
        return logger
    }

    private static func parse<Value: RawRepresentable & CaseIterable>(
        _ text: String?,
        as _: Value.Type,
        variable: String
    ) throws -> Value? where Value.RawValue == String {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Value(rawValue: text) else {
            let accepted = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure("\(variable) must be one of \(accepted), not '\(text)'")
        }
        return value
    }
}

/// Namespace for the bootstrap helper.
enum Logging {}
