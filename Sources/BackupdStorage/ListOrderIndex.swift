public import BackupdCatalog

/// Deep pages and windowed totals of large lists in time independent of their depth, for every
/// engine: the one paging algorithm both engines share; they supply how to read a list's order
/// and how to fetch rows by handle.
///
/// Databases page with `OFFSET`, which walks every skipped index entry, and count a window by
/// walking it: at 250,000 backups that is tens of milliseconds. For a large list an engine keeps
/// its order in memory instead: one compact entry per backup (sort key, a row handle the engine
/// can fetch the row by, a tag for the filters), built once from the list's index. A window is
/// then two binary searches, a total without filters a subtraction, one with filters a scan of one
/// byte per entry, and a page a slice of row handles.
///
/// Lists are kept for one change marker of the store (`ChangeMarking.changeMarker`) and dropped
/// when it changes; a page is served from a list only if the marker is the same after its rows
/// were read, so nothing stale is ever answered.
public final class ListOrderIndex: Sendable {
    private let lists: CacheGeneration<ListKey, OrderedList>
    private let policy: ListIndexPolicy

    /// - Parameters:
    ///   - policy: which requests are served from the order in memory.
    ///   - budget: the most entries kept at once (17 bytes each).
    public init(policy: ListIndexPolicy, budget: Int = 3_000_000) {
        self.policy = policy
        self.lists = CacheGeneration(budget: budget) { $0.keys.count }
    }

    /// One page of a list and its total from the order in memory.
    /// - Parameters:
    ///   - key: which list.
    ///   - tags: the filter tags accepted (`RDSListTag`); `nil` when the request has no filter.
    ///   - marker: reads the store's change marker.
    ///   - build: reads the list's size and, when it holds at least `minimumSize` entries, its
    ///     order (`nil` otherwise), in one read of the store.
    ///   - fetch: the rows of `handles`, in their order; `nil` when any is gone.
    /// - Returns: `nil` when the database should answer instead: a shallow page, a small list,
    ///   or a write committed meanwhile.
    public func page<Item: Sendable>(
        of key: ListKey,
        window: TimeWindow?,
        tags: Set<UInt8>?,
        page: PageRequest,
        marker: () async throws -> UInt64,
        build: @Sendable (_ minimumSize: Int) async throws -> OrderedList?,
        fetch: @Sendable (_ handles: [Int64]) async throws -> [Item]?
    ) async throws -> Page<Item>? {
        guard policy.applies(to: page, window: window, filtered: tags != nil) else { return nil }
        let current = try await marker()
        let list: OrderedList
        if let cached = lists.value(for: key, marker: current) {
            list = cached
        } else {
            guard let built = try await build(policy.minimumListSize) else { return nil }
            lists.keep(built, for: key, marker: current)
            list = built
        }
        let (handles, total) = list.select(window: window, tags: tags, page: page)
        // Rows gone, or anything written since the list was read: let the database answer instead.
        guard let items = try await fetch(handles), try await marker() == current else { return nil }
        return Page(items: items, total: total)
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
}

/// One list in API order: newest key first, ties by id.
public struct OrderedList: Sendable {
    public private(set) var keys: [Int64] = []
    /// What the engine fetches a row by (SQLite's rowid, PostgreSQL's sequence number).
    public private(set) var rowHandles: [Int64] = []
    /// Filter tags (RDS: `RDSListTag`), 0 where the list has no filters.
    public private(set) var tags: [UInt8] = []

    /// An empty list with room for `capacity` entries, to be filled in API order.
    public init(capacity: Int = 0) {
        keys.reserveCapacity(capacity)
        rowHandles.reserveCapacity(capacity)
        tags.reserveCapacity(capacity)
    }

    /// Adds the next entry in API order.
    public mutating func append(key: Int64, rowHandle: Int64, tag: Int64) {
        keys.append(key)
        rowHandles.append(rowHandle)
        tags.append(UInt8(truncatingIfNeeded: tag))
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
