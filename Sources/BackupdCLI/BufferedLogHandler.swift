import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that writes standard error in batches: the server logs one line per
/// request, and a `write(2)` per line under the stream's lock cost it a tenth of its throughput.
/// Lines wait at most `LogOutput.interval`; warnings and worse, and every line at exit, go out at once.
/// A line is `StreamLogHandler`'s text or one JSON object (`LogFormat`).
struct BufferedLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: LogFormat = .text, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let line = format.line(
            time: LogOutput.shared.timestamp(),
            level: event.level,
            label: label,
            metadata: merged,
            source: event.source,
            message: "\(event.message)"
        )
        LogOutput.shared.append(line, flushNow: event.level >= .warning)
    }
}

/// The process's standard error, batched: lines collect in memory and a background thread writes
/// them every `interval`; `flush()` writes them at once (at exit, and for important lines).
final class LogOutput: Sendable {
    static let shared = LogOutput()
    static let interval: Duration = .milliseconds(100)

    private let pending = Mutex<[UInt8]>([])
    private let clock = Mutex<(second: Int, text: String)>((-1, ""))

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                self.flush()
            }
        }
        thread.name = "backupd-log"
        thread.start()
        atexit { LogOutput.shared.flush() }
    }

    func append(_ line: String, flushNow: Bool) {
        let size = pending.withLock { buffer in
            buffer.append(contentsOf: line.utf8)
            return buffer.count
        }
        if flushNow || size >= 64 << 10 { flush() }
    }

    /// Writes every pending line to standard error.
    func flush() {
        let bytes = pending.withLock { buffer in
            let taken = buffer
            buffer.removeAll(keepingCapacity: true)
            return taken
        }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if result <= 0 { break }
            written += result
        }
    }

    /// `yyyy-MM-ddTHH:mm:ss±hhmm` in local time, formatted once per second.
    func timestamp() -> String {
        var now = time(nil)
        return clock.withLock { cached in
            if cached.second == Int(now) { return cached.text }
            var local = tm()
            localtime_r(&now, &local)
            var buffer = [UInt8](repeating: 0, count: 64)
            let written = buffer.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { strftime($0.baseAddress, $0.count, "%Y-%m-%dT%H:%M:%S%z", &local) }
            }
            let text = String(decoding: buffer.prefix(written), as: UTF8.self)
            cached = (Int(now), text)
            return text
        }
    }
}
