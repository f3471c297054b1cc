import BackupdStorage
import NIOCore

/// Rows in the text format of `COPY … FROM STDIN` (PostgreSQL's "Text Format"): columns separated
/// by tabs, rows by newlines, `\N` for NULL, and backslash, tab, newline and carriage return
/// escaped in text, so that any stored text goes through unchanged.
struct PostgresCopyRows {
    private(set) var buffer: ByteBuffer
    private(set) var count = 0

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func append(_ row: [StoredValue]) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .text(let text?): appendEscaped(text)
            case .integer(let integer?): buffer.writeString(String(integer))
            case .real(let real): buffer.writeString(real.description)
            case .boolean(let boolean?): buffer.writeInteger(boolean ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .text(nil), .integer(nil), .boolean(nil): buffer.writeStaticString("\\N")
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
        count += 1
    }

    private mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            // Most text needs no escape: one copy.
            guard bytes.contains(where: Self.needsEscape) else {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Empties the buffer for the next rows, keeping its memory.
    mutating func clear() {
        buffer.clear()
        count = 0
    }
}
