import Foundation
import Logging

extension Logging {
    /// Bootstraps swift-log once for the process (only the executable does this) and returns
    /// the root logger. `LOG_LEVEL` (trace … critical) sets the level; the default is info.
    /// Lines go to standard error in batches (`BufferedLogHandler`).
    static func bootstrapped(label: String) -> Logger {
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label) }
        var logger = Logger(label: label)
        if let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) {
            logger.logLevel = level
        }
        return logger
    }
}

/// Namespace for the bootstrap helper.
enum Logging {}
