/// Which slice of an ordered list to return (`docs/api.md` §1.9 step 5).
public struct PageRequest: Sendable, Hashable {
    /// Records to skip, 0-based.
    public var offset: Int
    /// At most this many records.
    public var limit: Int

    public init(offset: Int, limit: Int) {
        self.offset = offset
        self.limit = limit
    }
}

/// One page of a list and the number of records matching the whole query.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Every match before paging (`total_count`, `total_num`).
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

extension Page: Equatable where Item: Equatable {}

/// An inclusive window on a record's key, in whole seconds since the epoch; a missing
/// bound is unbounded (`docs/api.md` §1.9 step 2).
public struct TimeWindow: Sendable, Hashable {
    public var lowerBound: Int64?
    public var upperBound: Int64?

    public init(from lowerBound: Int64?, through upperBound: Int64?) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// Whether `key` lies inside, both ends included.
    public func contains(_ key: Int64) -> Bool {
        (lowerBound.map { $0 <= key } ?? true) && (upperBound.map { key <= $0 } ?? true)
    }
}
