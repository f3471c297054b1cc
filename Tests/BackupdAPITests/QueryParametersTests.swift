import BackupdAPI
import Testing

/// Query strings as `docs/api.md` §1.3 reads them.
@Suite struct QueryParametersTests {
    static func parse(_ raw: String) -> QueryParameters { QueryParameters(rawQuery: raw) }

    @Test("+ is a literal plus, whether sent bare or as %2B")
    func plusIsLiteral() {
        let bare = Self.parse("begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800")
        #expect(bare["begin_time"] == .one("2018-08-06T10:41:14+0800"))
        #expect(bare["end_time"] == .one("2018-08-16T10:41:14+0800"))
        let encoded = Self.parse("begin_time=2018-08-06T10%3A41%3A14%2B0800")
        #expect(encoded["begin_time"] == .one("2018-08-06T10:41:14+0800"))
        #expect(Self.parse("a=%2b")["a"] == .one("+"))
        #expect(Self.parse("a=1+1")["a"] == .one("1+1"))
        #expect(Self.parse("a=+")["a"] == .one("+"))
        // Not form-urlencoded: + never becomes a space, in names either.
        #expect(Self.parse("a+b=1")["a+b"] == .one("1"))
        #expect(Self.parse("a+b=1")["a b"] == .absent)
        #expect(Self.parse("a=%20")["a"] == .one(" "))
    }

    @Test("empty pieces are ignored")
    func emptyPieces() {
        let query = Self.parse("&&limit=5&&offset=2&")
        #expect(query["limit"] == .one("5"))
        #expect(query["offset"] == .one("2"))
        #expect(query[""] == .absent)
        #expect(Self.parse("")["limit"] == .absent)
        #expect(Self.parse("&")["limit"] == .absent)
    }

    @Test("a piece without = has the empty value, which counts as absent")
    func noEquals() {
        #expect(Self.parse("limit")["limit"] == .absent)
        #expect(Self.parse("limit&limit")["limit"] == .absent)
        #expect(Self.parse("limit&limit=7")["limit"] == .one("7"))
        #expect(Self.parse("limit=")["limit"] == .absent)
        #expect(Self.parse("limit=&limit=")["limit"] == .absent)
        #expect(Self.parse("limit=&limit=5")["limit"] == .one("5"))
        #expect(Self.parse("limit=5&limit=")["limit"] == .one("5"))
    }

    @Test("a piece splits at its first =")
    func firstEquals() {
        #expect(Self.parse("a=b=c")["a"] == .one("b=c"))
        #expect(Self.parse("a==")["a"] == .one("="))
        #expect(Self.parse("=5")[""] == .one("5"))
        #expect(Self.parse("a%3Db=c")["a=b"] == .one("c"))
        #expect(Self.parse("a%3Db=c")["a"] == .absent)
    }

    @Test("a parameter given twice with non-empty values is repeated, even with equal values")
    func repeated() {
        #expect(Self.parse("limit=5&limit=6")["limit"] == .repeated)
        #expect(Self.parse("limit=5&limit=5")["limit"] == .repeated)
        #expect(Self.parse("limit=5&offset=1&limit=5")["limit"] == .repeated)
        #expect(Self.parse("limit=5&offset=1&limit=5")["offset"] == .one("1"))
        #expect(Self.parse("limit=5&%6Cimit=6")["limit"] == .repeated)
        #expect(Self.parse("a=1&a=2&a=3")["a"] == .repeated)
    }

    @Test("names are case-sensitive; unknown names are simply never asked for")
    func caseSensitiveNames() {
        let query = Self.parse("Limit=5&BEGINTIME=x&beginTime=20190510000000")
        #expect(query["limit"] == .absent)
        #expect(query["Limit"] == .one("5"))
        #expect(query["beginTime"] == .one("20190510000000"))
        #expect(query["begin_time"] == .absent)
        #expect(query["begintime"] == .absent)
        #expect(Self.parse("limit=5&Limit=6")["limit"] == .one("5"))
    }

    @Test("names and values are percent-decoded as UTF-8")
    func percentDecoding() {
        #expect(Self.parse("%6C%69%6D%69%74=%35")["limit"] == .one("5"))
        #expect(Self.parse("a=x%26y%3Dz")["a"] == .one("x&y=z"))
        #expect(Self.parse("a=x%26y%3Dz")["y"] == .absent)
        #expect(Self.parse("name=caf%C3%A9")["name"] == .one("café"))
        #expect(Self.parse("name=%E2%82%AC")["name"] == .one("€"))
        #expect(Self.parse("name=%F0%9F%98%80")["name"] == .one("😀"))
        #expect(Self.parse("name=%e2%82%ac")["name"] == .one("€"))
        #expect(Self.parse("id=%00")["id"] == .one("\u{0}"))
    }

    /// Expected strings from Python's `urllib.parse.unquote`, which the decoder follows.
    @Test(
        "invalid UTF-8 from percent escapes becomes U+FFFD",
        arguments: [
            ("a=%FF", "\u{FFFD}"),
            ("a=%C3", "\u{FFFD}"),
            ("a=%C3x", "\u{FFFD}x"),
            ("a=%E2%82", "\u{FFFD}"),
            ("a=%F0%9F%98", "\u{FFFD}"),
            ("a=%C0%AF", "\u{FFFD}\u{FFFD}"),
            ("a=%ED%A0%80", "\u{FFFD}\u{FFFD}\u{FFFD}"),
            ("a=%E2%82%ACx%FFy", "€x\u{FFFD}y"),
        ]
    )
    func invalidUTF8(raw: String, value: String) {
        #expect(Self.parse(raw)["a"] == .one(value))
    }

    @Test(
        "a % not followed by two hex digits stays as it is",
        arguments: [
            ("a=%", "%"),
            ("a=100%", "100%"),
            ("a=%4", "%4"),
            ("a=%zz", "%zz"),
            ("a=%4g", "%4g"),
            ("a=%g4", "%g4"),
            ("a=%%41", "%A"),
            ("a=%2", "%2"),
            ("a=%-1", "%-1"),
            ("a=%+0800", "%+0800"),
            ("a=%%", "%%"),
            ("a=%25", "%"),
            ("a=%2541", "%41"),
        ]
    )
    func lonePercent(raw: String, value: String) {
        #expect(Self.parse(raw)["a"] == .one(value))
    }

    @Test("a lone % in a name stays in the name")
    func lonePercentInName() {
        #expect(Self.parse("%=1")["%"] == .one("1"))
    }

    /// `docs/api.md` §1.3 splits the raw query on the byte `&` and each piece at the byte `=`.
    /// A raw (unencoded) combining mark right after the separator must not glue it to the
    /// next character.
    @Test("the query splits on & and = even when a raw combining mark follows them")
    func splitsOnBytes() {
        let query = Self.parse("a=1&\u{301}b=2")
        #expect(query["a"] == .one("1"))
        #expect(query["\u{301}b"] == .one("2"))
        let value = Self.parse("x=\u{301}")
        #expect(value["x"] == .one("\u{301}"))
    }

    // MARK: - Integers (api.md §1.3)

    @Test(
        "integers are ASCII digits, leading zeros allowed, at most 2147483647",
        arguments: [
            ("0", 0), ("1", 1), ("0010", 10), ("100", 100), ("2147483647", 2_147_483_647),
            ("0002147483647", 2_147_483_647), ("000000000000000000000000000000", 0),
        ]
    )
    func validIntegers(text: String, value: Int) {
        #expect(IntegerParameter.parse(text) == value)
    }

    @Test(
        "anything else is not an integer",
        arguments: [
            "", "+1", "-1", "-0", "1.0", "1e3", " 1", "1 ", "0x10", "2147483648", "9999999999",
            "99999999999999999999999999999999", "١", "１", "1_000", "1,000", "\u{0}", "1\n",
        ]
    )
    func invalidIntegers(text: String) {
        #expect(IntegerParameter.parse(text) == nil)
    }
}
