import BackupdAPI
import Logging

/// How a log line is written (`LOG_FORMAT`): `text`, the lines of swift-log's `StreamLogHandler`
/// (`<time> <level> <label>: <key>=<value>… [<source>] <message>`), or `json`, one object per line
/// for log shippers, with the same fields: `time`, `level`, `label`, `source`, `message`, then
/// each metadata key as a field of its own (README, "Logs").
enum LogFormat: String, CaseIterable, Sendable {
    case text
    case json

    static let variable = "LOG_FORMAT"

    func line(
        time: String,
        level: Logger.Level,
        label: String,
        metadata: Logger.Metadata,
        source: String,
        message: String
    ) -> String {
        let sorted = metadata.sorted { $0.key < $1.key }
        switch self {
        case .text:
            var line = time + " \(level)" + (label.isEmpty ? "" : " ") + label + ":"
            for (key, value) in sorted {
                line += " \(key)=\(value)"
            }
            return line + " [\(source)] \(message)\n"
        case .json:
            var json = JSONWriter(capacity: 256)
            json.object { json in
                json.field("time", time)
                json.field("level", level.rawValue)
                json.field("label", label)
                json.field("source", source)
                json.field("message", message)
                // A metadata key never replaces one of the line's own fields.
                for (key, value) in sorted where !Self.lineFields.contains(key) {
                    json.key(key)
                    Self.write(value, into: &json)
                }
            }
            return String(decoding: json.bytes, as: UTF8.self) + "\n"
        }
    }

    private static let lineFields: Set<String> = ["time", "level", "label", "source", "message"]

    private static func write(_ value: Logger.MetadataValue, into json: inout JSONWriter) {
        switch value {
        case .string(let text): json.string(text)
        case .stringConvertible(let convertible): json.string(convertible.description)
        case .array(let values):
            json.array { json in
                for element in values { write(element, into: &json) }
            }
        case .dictionary(let fields):
            json.object { json in
                for (key, element) in fields.sorted(by: { $0.key < $1.key }) {
                    json.key(key)
                    write(element, into: &json)
                }
            }
        }
    }
}
