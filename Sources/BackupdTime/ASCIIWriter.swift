/// Writes ASCII straight into a new string's storage, one allocation per string: the generator
/// makes several strings per backup and the servers write times into every answer.
public struct ASCIIWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A string of at most `capacity` bytes, written by `body`; writing more traps.
    public static func string(capacity: Int, _ body: (inout ASCIIWriter) -> Void) -> String {
        String(unsafeUninitializedCapacity: capacity) { buffer in
            var writer = ASCIIWriter(buffer: buffer)
            body(&writer)
            return writer.count
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    public mutating func byte(_ value: UInt8) {
        buffer[count] = value
        count += 1
    }

    public mutating func text(_ value: String) {
        for byte in value.utf8 { self.byte(byte) }
    }

    /// `value` in decimal, zero-padded to at least `width` digits; a negative value is written
    /// with its sign after the padding zeros, as `String(value)` padded on the left would be.
    public mutating func decimal(_ value: Int, width: Int) {
        guard value >= 0 else {
            let digits = String(value)
            for _ in 0..<max(0, width - digits.utf8.count) { byte(UInt8(ascii: "0")) }
            text(digits)
            return
        }
        var divisor = 1
        var digits = 1
        while digits < width || value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        var rest = value
        while divisor > 0 {
            byte(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The low `digits` hex digits of `value`, most significant first, lower case.
    public mutating func hex(_ value: UInt64, digits: Int) {
        for position in stride(from: digits - 1, through: 0, by: -1) {
            byte(Self.hexDigits[Int((value >> UInt64(position * 4)) & 0xF)])
        }
    }
}
