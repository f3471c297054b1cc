import BackupdAPI
import Testing

/// The response writer: key order, escaping, and the number forms of `docs/api.md` §1.5.
@Suite struct JSONWriterTests {
    static func text(_ body: (inout JSONWriter) -> Void) -> String {
        var json = JSONWriter()
        body(&json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func string(_ value: String) -> String { text { $0.string(value) } }
    static func number(_ value: Double) -> String { text { $0.number(value) } }

    // MARK: Structure

    @Test("objects keep the order of their keys and separate members with commas")
    func objectOrder() {
        let written = Self.text { json in
            json.object { json in
                json.field("z", "last-letter")
                json.field("a", 1)
                json.field("m", nil as String?)
                json.key("nested")
                json.object { json in
                    json.key("list")
                    json.array { json in
                        json.integer(1)
                        json.bool(true)
                        json.null()
                        json.object { _ in }
                        json.array { _ in }
                        json.string("s")
                    }
                }
                json.key("flag")
                json.bool(false)
            }
        }
        #expect(written == #"{"z":"last-letter","a":1,"m":null,"nested":{"list":[1,true,null,{},[],"s"]},"flag":false}"#)
    }

    @Test("empty containers and top-level sequences of values")
    func emptyContainers() {
        #expect(Self.text { $0.object { _ in } } == "{}")
        #expect(Self.text { $0.array { _ in } } == "[]")
        #expect(
            Self.text { json in
                json.array { json in
                    json.array { _ in }
                    json.array { _ in }
                }
            } == "[[],[]]"
        )
        #expect(Self.text { json in json.optionalString(nil) } == "null")
        #expect(Self.text { json in json.optionalString("x") } == #""x""#)
    }

    @Test("integers of every width")
    func integers() {
        #expect(Self.text { $0.integer(0) } == "0")
        #expect(Self.text { $0.integer(-5) } == "-5")
        #expect(Self.text { $0.integer(Int64.max) } == "9223372036854775807")
        #expect(Self.text { $0.integer(Int64.min) } == "-9223372036854775808")
        #expect(Self.text { $0.integer(UInt8(255)) } == "255")
        #expect(Self.text { $0.field("size", Int64(880_232)) } == #""size":880232"#)
    }

    // MARK: Strings

    @Test("quotes, backslashes and control characters are escaped")
    func escaping() throws {
        #expect(Self.string(#"say "hi""#) == #""say \"hi\"""#)
        #expect(Self.string(#"C:\dir"#) == #""C:\\dir""#)
        #expect(Self.string("a\nb") == #""a\nb""#)
        #expect(Self.string("a\rb") == #""a\rb""#)
        #expect(Self.string("a\tb") == #""a\tb""#)
        #expect(Self.string("\u{0}") == #""\u0000""#)
        #expect(Self.string("\u{1F}") == #""\u001f""#)
        #expect(Self.string("\u{1}x") == #""\u0001x""#)
        // Not escaped: slash, DEL, non-ASCII.
        #expect(Self.string("a/b") == #""a/b""#)
        #expect(Self.string("é€😀") == "\"é€😀\"")
        #expect(Self.string("") == #""""#)
        // Keys are escaped the same way.
        #expect(Self.text { $0.field("k\"\n", "v") } == #""k\"\n":"v""#)
    }

    @Test("every control character is escaped and reads back as itself")
    func allControlCharacters() throws {
        var value = ""
        for scalar in 0..<0x20 { value.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        value += "\"\\/\u{7F}\u{2028}\u{FFFD}"
        let written = Self.text { $0.string(value) }
        let bytes = Array(written.utf8)
        #expect(bytes.dropFirst().dropLast().allSatisfy { $0 >= 0x20 }, "raw control byte in \(written)")
        #expect(try JSONValue(parsing: written) == .string(value))
    }

    // MARK: Numbers

    @Test(
        "numbers take the shortest form that reads back, with no fraction when integral",
        arguments: [
            (0.109375, "0.109375"),
            (2048.0, "2048"),
            (1_048_576.5, "1048576.5"),
            (1_049_001.25, "1049001.25"),
            (0.0, "0"),
            (1.0, "1"),
            (0.5, "0.5"),
            (0.1, "0.1"),
            (12.375, "12.375"),
            (0.015625, "0.015625"),
            (-3.0, "-3"),
            (-0.25, "-0.25"),
            (123_456_789.0, "123456789"),
            (999_999_999_999_999.0, "999999999999999"),
        ]
    )
    func numberForms(value: Double, expected: String) {
        #expect(Self.number(value) == expected)
    }

    @Test("integral numbers beyond 1e15 are still written without a fraction", arguments: [1e15, 1_234_567_890_123_456.0, 4_503_599_627_370_496.0])
    func largeIntegralNumbers(value: Double) throws {
        let written = Self.number(value)
        #expect(!written.contains("."), "\(written)")
        #expect(Double(written) == value)
    }

    @Test("non-integral numbers read back to the same value", arguments: [1e-7, 3.141592653589793, 1.5e300, 5e-324, 123456.789])
    func readBack(value: Double) throws {
        let written = Self.number(value)
        #expect(Double(written) == value, "\(written)")
        if case .number(let parsed) = try JSONValue(parsing: written) {
            #expect(parsed == value)
        } else {
            Issue.record("\(written) did not parse as a fractional number")
        }
    }
}
