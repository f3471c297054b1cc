import Synchronization

/// Deep pages and windowed totals of large lists in time independent of their depth, for any
/// engine.
///
/// Databases page with `OFFSET`, which walks every skipped index entry, and count a window by
/// walking it: at 250,000 backups that is tens of milliseconds. For a large list an engine keeps
/// its order in memory instead: one compact entry per backup (sort key, a row handle the engine
/// can fetch the row by, a tag for the filters), built once from the list's index. A window is
/// then two binary searches, a total without filters a subtraction, one with filters a scan of one
/// byte per entry, and a page a slice of row handles.
///
/// Lists are kept for one change marker of the store (`CatalogStore.changeMarker`) and dropped
/// when it changes; an engine serves a page from a list only if the marker is the same after it
/// read the page's rows, so nothing stale is ever answered.
public final class ListOrderIndex: Sendable {
    /// One list in API order: newest key first, ties by id.
    public struct OrderedList: Sendable {
        public let keys: [Int64]
        /// What the engine fetches a row by (SQLite's rowid, PostgreSQL's sequence number).
        public let rowHandles: [Int64]
        /// Filter tags (RDS: `RDSListTag`), 0 where the list has no filters.
        public let tags: [UInt8]

        public init(keys: [Int64], rowHandles: [Int64], tags: [UInt8]) {
            self.keys = keys
            self.rowHandles = rowHandles
            self.tags = tags
        }

        /// The row handles of one page and the total of the list's entries in `window` whose
        /// tag is in `tags` (every entry when `tags` is `nil`).
        public func select(window: TimeWindow?, tags accepted: Set<UInt8>?, page: PageRequest) -> (rowHandles: [Int64], total: Int) {
            let range = range(window)
            guard let accepted else {
                let start = min(range.upperBound, range.lowerBound + page.offset)
                let end = min(range.upperBound, start + page.limit)
                return (Array(rowHandles[start..<end]), range.count)
            }
            var mask = [Bool](repeating: false, count: 256)
            for tag in accepted { mask[Int(tag)] = true }
            var total = 0
            var selected: [Int64] = []
            selected.reserveCapacity(min(page.limit, 1_000))
            for position in range where mask[Int(tags[position])] {
                if total >= page.offset, selected.count < page.limit { selected.append(rowHandles[position]) }
                total += 1
            }
            return (selected, total)
        }

        /// The positions whose key lies in `window`, both ends included.
        func range(_ window: TimeWindow?) -> Range<Int> {
            // Keys descend: entries with key > upper come first, entries with key < lower last.
            let start = window?.upperBound.map { upper in firstIndex { $0 <= upper } } ?? 0
            let end = window?.lowerBound.map { lower in firstIndex { $0 < lower } } ?? keys.count
            return start..<max(start, end)
        }

        /// The first position whose key satisfies `predicate`, which must hold for a suffix.
        private func firstIndex(where predicate: (Int64) -> Bool) -> Int {
            var low = 0
            var high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if predicate(keys[middle]) { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }

    /// Which list: the table and the rows of one partition of it.
    public struct ListKey: Hashable, Sendable {
        public let table: String
        public let partition: [String]

        public init(table: String, partition: [String]) {
            self.table = table
            self.partition = partition
        }
    }

    private struct State {
        var marker: UInt64?
        var lists: [ListKey: OrderedList] = [:]
        var entries = 0
    }

    private let state = Mutex(State())
    private let budget: Int

    /// - Parameter budget: the most entries kept at once (17 bytes each).
    public init(budget: Int = 3_000_000) {
        self.budget = budget
    }

    public func list(_ key: ListKey, marker: UInt64) -> OrderedList? {
        state.withLock { $0.marker == marker ? $0.lists[key] : nil }
    }

    public func keep(_ list: OrderedList, for key: ListKey, marker: UInt64) {
        state.withLock { state in
            if state.marker != marker { state = State(marker: marker) }
            if state.entries + list.keys.count > budget {
                state.lists.removeAll()
                state.entries = 0
            }
            guard list.keys.count <= budget else { return }
            state.lists[key] = list
            state.entries += list.keys.count
        }
    }
}

/// When a list is paged from its order in memory rather than by the database.
public struct ListIndexPolicy: Sendable, Hashable {
    /// Lists shorter than this are paged by the database, which is fast enough for them.
    public var minimumListSize: Int
    /// Pages nearer the top than this, without a window, are paged by the database.
    public var minimumOffset: Int

    public init(minimumListSize: Int, minimumOffset: Int) {
        self.minimumListSize = minimumListSize
        self.minimumOffset = minimumOffset
    }

    /// Whether a request may be served from the order in memory at all: a deep page, a window, or
    /// a filter (whose matches may lie far apart in the list, so that even the first page would
    /// walk much of it).
    public func applies(to page: PageRequest, window: TimeWindow?, filtered: Bool) -> Bool {
        page.offset >= minimumOffset || window != nil || filtered
    }

    /// Lists of 20,000 backups and more, at offsets of 1,000 and more, with a window or a filter.
    public static let standard = ListIndexPolicy(minimumListSize: 20_000, minimumOffset: 1_000)
    /// Every list, every page past the first record or with a window: for tests of the index path.
    public static let always = ListIndexPolicy(minimumListSize: 1, minimumOffset: 1)
}

/// The filter tag of an RDS backup in an ordered list: its type and status in one byte
/// (type × 4 + status), so that a filtered total is a scan of one byte per backup. Engines compute
/// it in SQL with `sqlExpression`.
public enum RDSListTag {
    private static let typeCodes: [RDSBackupType: UInt8] = [.auto: 0, .manual: 1, .fragment: 2, .incremental: 3]
    private static let statusCodes: [RDSBackupStatus: UInt8] = [.building: 0, .completed: 1, .failed: 2, .deleting: 3]

    /// The tag as SQL over the columns `type` and `status`, for SQLite and PostgreSQL alike.
    public static let sqlExpression = """
        CASE type WHEN 'auto' THEN 0 WHEN 'manual' THEN 4 WHEN 'fragment' THEN 8 ELSE 12 END
        + CASE status WHEN 'BUILDING' THEN 0 WHEN 'COMPLETED' THEN 1 WHEN 'FAILED' THEN 2 ELSE 3 END
        """

    /// The tags a query accepts; `nil` when it filters on neither type nor status.
    public static func accepted(types: Set<RDSBackupType>?, status: RDSBackupStatus?) -> Set<UInt8>? {
        guard types != nil || status != nil else { return nil }
        var tags: Set<UInt8> = []
        for type in types ?? Set(RDSBackupType.allCases) {
            for candidate in status.map({ [$0] }) ?? RDSBackupStatus.allCases {
                tags.insert(typeCodes[type]! * 4 + statusCodes[candidate]!)
            }
        }
        return tags
    }
}
