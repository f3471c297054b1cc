/// SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit state, an add and a mix per output.
/// The generator derives every other seed with it, and gives each record a generator of its
/// own, so that a record is a function of (instance, stream, index) alone.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for a sub-stream `stream` of `seed`: distinct streams give unrelated sequences.
    public static func derive(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (stream &* 0xD605_BBB5_8C8A_BBAB))
        return generator.next()
    }
}

/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64 as its authors advise:
/// the generator of the catalog-level choices (services, budgets, projects).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    public mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// Draws built only on `next()`: the standard library's `random(in:using:)` may change its
/// algorithm between Swift releases, and a seed must give the same catalog with any toolchain.
extension RandomNumberGenerator {
    /// A value in `0..<bound` (`bound` > 0), by multiply-shift (Lemire); the bias is below 2⁻⁴⁰ here.
    mutating func below(_ bound: UInt64) -> UInt64 {
        bound.multipliedFullWidth(by: next()).high
    }

    /// A value in `0..<bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int {
        Int(below(UInt64(bound)))
    }

    /// A value in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True `numerator` times in `denominator`.
    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        below(denominator) < numerator
    }

    /// A uniform value in [0, 1) with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// One of `items` (not empty).
    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// An index of `weights`, each as likely as its weight (all ≥ 0, at least one > 0).
    mutating func weighted(_ weights: [Int]) -> Int {
        var draw = below(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            if draw < weight { return index }
            draw -= weight
        }
        return weights.count - 1
    }
}
