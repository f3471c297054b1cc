import BackupdTime
import Crypto

/// The incremental backups of one instance's chain (`docs/lifecycle.md` §8.2): one every five
/// minutes, each `COMPLETED` from its instant, each fixed by its instant. They are computed, not
/// stored: a chain is an arithmetic series, so counting, windowing and paging it cost the same
/// whatever its length, and catching up days of them writes nothing.
///
/// The series holds the begins `lowest`, `lowest + 5 min`, …, `highest`, newest first.
public struct IncrementalSeries: Sendable, Hashable {
    public static let step: Int64 = 300_000

    public let instance: Instance
    /// The earliest and latest `begin_time` held (milliseconds, multiples of five minutes).
    public let lowest: Int64
    public let highest: Int64
    /// The project holding these records when they are cross-region copies (§8.3); `nil` at home.
    public let holder: String?
    /// How its ids are made, worked out once: a page makes a hundred of them.
    private let ids: IncrementalIDKey

    /// The incrementals retained at `t` of a chain started at `chainStart` (§8.1 rule 3): those
    /// that began at or after `floor`, and after `t - keep` unless the retention base (the
    /// newest full backup past retention) began no later than they did. `nil` when none.
    public static func retained(
        of instance: Instance,
        chainStart: Int64,
        floor: Int64?,
        keep: Int64,
        base: Int64?,
        at t: Int64
    ) -> IncrementalSeries? {
        // begin = s − 5 min for every multiple s of five minutes with chainStart < s ≤ t.
        let highest = (t >= 0 ? t / step : (t - step + 1) / step) * step - step
        var lowest = chainStart
        let young = t - keep + 1
        let bound = base.map { min($0, young) } ?? young
        lowest = max(lowest, bound, floor ?? bound)
        lowest = (lowest + step - 1) / step * step
        guard lowest <= highest else { return nil }
        return IncrementalSeries(instance: instance, lowest: lowest, highest: highest)
    }

    /// The cross-region copies held in `holder` of the incrementals that began from `first`
    /// through `last` (or, while the segment is open, the newest completed by `t`), kept while
    /// `begin + keep > t` and never below `floor` (§8.3).
    public static func copies(
        of instance: Instance,
        in holder: String,
        first: Int64,
        last: Int64?,
        floor: Int64?,
        keep: Int64,
        at t: Int64
    ) -> IncrementalSeries? {
        let newest = (t >= 0 ? t / step : (t - step + 1) / step) * step - step
        let highest = min(last ?? newest, newest)
        var lowest = max(first, t - keep + 1, floor ?? Int64.min)
        lowest = (lowest + step - 1) / step * step
        guard lowest <= highest else { return nil }
        return IncrementalSeries(instance: instance, lowest: lowest, highest: highest, holder: holder)
    }

    init(instance: Instance, lowest: Int64, highest: Int64, holder: String? = nil) {
        self.init(instance: instance, lowest: lowest, highest: highest, holder: holder, ids: IncrementalIDKey(instance, holder: holder))
    }

    private init(instance: Instance, lowest: Int64, highest: Int64, holder: String?, ids: IncrementalIDKey) {
        self.instance = instance
        self.lowest = lowest
        self.highest = highest
        self.holder = holder
        self.ids = ids
    }

    public var count: Int { Int((highest - lowest) / Self.step) + 1 }

    /// The begin of element `index` (0 is the newest).
    public func begin(at index: Int) -> Int64 { highest - Int64(index) * Self.step }

    /// The part whose begins (in whole seconds) lie in `window`, both ends included; `nil` when none.
    public func restricted(to window: TimeWindow?) -> IncrementalSeries? {
        guard let window else { return self }
        var low = lowest
        var high = highest
        if let lower = window.lowerBound { low = max(low, ((lower * 1000) + Self.step - 1) / Self.step * Self.step) }
        if let upper = window.upperBound {
            let limit = upper * 1000 + 999
            high = min(high, (limit >= 0 ? limit / Self.step : (limit - Self.step + 1) / Self.step) * Self.step)
        }
        guard low <= high else { return nil }
        return IncrementalSeries(instance: instance, lowest: low, highest: high, holder: holder, ids: ids)
    }

    /// The element whose id is `id`; `nil` when it is not one of this series.
    public func index(ofID id: String) -> Int? {
        guard let begin = ids.begin(ofID: id), begin >= lowest, begin <= highest,
            (begin - lowest) % Self.step == 0
        else { return nil }
        return Int((highest - begin) / Self.step)
    }

    /// The id of the incremental that begins at `begin`: a prefix fixed by the instance and the
    /// 5-minute slot masked by it, so that the id is the same on every node and leads back to
    /// its instant (§8.7).
    public static func id(of instance: Instance, begin: Int64, holder: String? = nil) -> String {
        IncrementalIDKey(instance, holder: holder).id(begin: begin)
    }

    /// The begin `id` stands for, when it is an incremental id of `instance`.
    public static func begin(ofID id: String, instance: Instance, holder: String? = nil) -> Int64? {
        IncrementalIDKey(instance, holder: holder).begin(ofID: id)
    }

    /// The id of element `index`.
    public func id(at index: Int) -> String { ids.id(begin: begin(at: index)) }

    /// The instance's id prefix (20 hex digits) and slot mask, from SHA-256 of what the chain is.
    public static func key(of instance: Instance) -> (prefix: String, mask: UInt64) {
        key(instanceID: instance.id)
    }

    /// The same, from the instance id alone (the store indexes chains by their prefix); copies
    /// held in another project have a key of their own, so that ids stay unique in the catalog.
    public static func key(instanceID: String, holder: String? = nil) -> (prefix: String, mask: UInt64) {
        let name = holder.map { "backupd:incremental-copy:\($0):\(instanceID)" } ?? "backupd:incremental:\(instanceID)"
        let digest = Array(SHA256.hash(data: Array(name.utf8)))
        let digits = Array("0123456789abcdef".utf8)
        let prefix = String(decoding: digest.prefix(10).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
        let mask = digest[10..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (prefix, mask)
    }

    /// The name of the incremental that begins at `begin`: the instance name and its instant (§8.6).
    public func name(begin: Int64) -> String {
        instance.name + "-" + TimeText.compactUTC(epochSeconds: (begin + Self.step) / 1000) + "000"
    }

    /// The begin of the incremental named `name`, if it has the form of this chain's names.
    public func begin(ofName name: String) -> Int64? {
        let prefix = instance.name + "-"
        guard name.hasPrefix(prefix) else { return nil }
        let digits = Array(name.utf8.dropFirst(prefix.utf8.count))
        guard digits.count == 17, digits.suffix(3) == Array("000".utf8),
            let seconds = TimeGrammar.parseCompactUTC(String(decoding: digits.prefix(14), as: UTF8.self))
        else { return nil }
        return seconds * 1000 - Self.step
    }

    /// Element `index` as an RDS record.
    public func rdsBackup(at index: Int) -> RDSBackup {
        let begin = begin(at: index)
        let isMySQL = instance.datastore?.type.lowercased() == "mysql"
        return RDSBackup(
            id: ids.id(begin: begin),
            instanceID: instance.id,
            name: name(begin: begin),
            type: .incremental,
            status: .completed,
            size: Self.size,
            beginTime: Self.time(begin),
            endTime: Self.time(begin + Self.step),
            associatedWithDDM: isMySQL ? false : nil,
            offsiteProjectID: holder
        )
    }

    /// Element `index` as a TaurusDB record.
    public func taurusDBBackup(at index: Int) -> TaurusDBBackup {
        let begin = begin(at: index)
        return TaurusDBBackup(
            id: ids.id(begin: begin),
            instanceID: instance.id,
            name: name(begin: begin),
            type: .incremental,
            beginTime: Self.time(begin),
            endTime: Self.time(begin + Self.step),
            size: Double(Self.size)
        )
    }

    /// What an incremental holds, in KB (§6.1).
    public static let size: Int64 = 16

    private static func time(_ instant: Int64) -> RecordedTime {
        RecordedTime(instant: instant, text: TimeText.offsetTime(epochSeconds: instant / 1000))
    }
}

/// Disjoint series of one instance, newest first, seen as one: the cross-region copies of
/// incrementals may come from several chains (§8.3).
public struct SeriesSet: Sendable, Hashable {
    public let parts: [IncrementalSeries]

    /// - Parameter parts: disjoint series of one instance, in any order.
    public init(_ parts: [IncrementalSeries]) {
        self.parts = parts.sorted { $0.highest > $1.highest }
    }

    public var count: Int { parts.reduce(0) { $0 + $1.count } }
    public var isEmpty: Bool { parts.isEmpty }

    /// The part and index in it of element `index` (0 is the newest of all).
    public func locate(_ index: Int) -> (IncrementalSeries, Int) {
        var rest = index
        for part in parts {
            if rest < part.count { return (part, rest) }
            rest -= part.count
        }
        return (parts[parts.count - 1], parts[parts.count - 1].count - 1)
    }

    public func begin(at index: Int) -> Int64 {
        let (part, local) = locate(index)
        return part.begin(at: local)
    }

    public func id(at index: Int) -> String {
        let (part, local) = locate(index)
        return part.id(at: local)
    }

    public func restricted(to window: TimeWindow?) -> SeriesSet {
        SeriesSet(parts.compactMap { $0.restricted(to: window) })
    }

    /// The element whose id is `id`, as an index of the whole set.
    public func index(ofID id: String) -> Int? {
        var before = 0
        for part in parts {
            if let local = part.index(ofID: id) { return before + local }
            before += part.count
        }
        return nil
    }

    public func rdsBackup(at index: Int) -> RDSBackup {
        let (part, local) = locate(index)
        return part.rdsBackup(at: local)
    }
}

/// The ids of one chain (or of its copies in one project): prefix, slot mask and suffix, from
/// SHA-256 of what the chain is (`docs/lifecycle.md` §8.7).
struct IncrementalIDKey: Sendable, Hashable {
    let prefix: [UInt8]
    let mask: UInt64
    let suffix: [UInt8]

    init(_ instance: Instance, holder: String?) {
        let (prefix, mask) = IncrementalSeries.key(instanceID: instance.id, holder: holder)
        self.prefix = Array(prefix.utf8)
        self.mask = mask
        self.suffix = Array(BackupIdentifiers.suffix(for: instance).utf8)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// The prefix, the 5-minute slot of `begin` masked (12 lower-case hex digits), the suffix.
    func id(begin: Int64) -> String {
        let slot = (UInt64(truncatingIfNeeded: begin / IncrementalSeries.step) ^ mask) & 0xFFFF_FFFF_FFFF
        return String(unsafeUninitializedCapacity: prefix.count + 12 + suffix.count) { buffer in
            var at = 0
            for byte in prefix {
                buffer[at] = byte
                at += 1
            }
            for shift in stride(from: 44, through: 0, by: -4) {
                buffer[at] = Self.digits[Int((slot >> UInt64(shift)) & 0xF)]
                at += 1
            }
            for byte in suffix {
                buffer[at] = byte
                at += 1
            }
            return at
        }
    }

    /// The begin `id` stands for, when it is one of these ids in its canonical spelling
    /// (lower-case hex digits, as stored ids are compared by bytes).
    func begin(ofID id: String) -> Int64? {
        let bytes = Array(id.utf8)
        guard bytes.count == prefix.count + 12 + suffix.count, bytes[..<prefix.count].elementsEqual(prefix),
            bytes[(prefix.count + 12)...].elementsEqual(suffix)
        else { return nil }
        var masked: UInt64 = 0
        for byte in bytes[prefix.count..<(prefix.count + 12)] {
            switch byte {
            case 0x30...0x39: masked = masked << 4 | UInt64(byte - 0x30)
            case 0x61...0x66: masked = masked << 4 | UInt64(byte - 0x61 + 10)
            default: return nil
            }
        }
        return Int64((masked ^ mask) & 0xFFFF_FFFF_FFFF) * IncrementalSeries.step
    }
}
