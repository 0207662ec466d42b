/// All of a model's parameters in one contiguous Float buffer, with a named view per tensor
/// (PyTorch's names and [out, in] layout). Adam, gradient zeroing, checkpoints and safetensors
/// each loop over the one buffer.
public final class ParameterStore: @unchecked Sendable {
    public struct View: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public let views: [View]
    public let count: Int
    public let data: UnsafeMutablePointer<Float>
    /// Counts changes of the values: `set`, `zero`, `Adam.update` and checkpoint restores bump it,
    /// and code that writes through `data` calls `markChanged()`. Derived copies of the weights
    /// (the decoder's packed fc3/fc4) are rebuilt when it moves, so nobody has to invalidate them.
    public private(set) var generation: UInt64 = 0

    /// Records that the values changed (after writing through `data`).
    public func markChanged() { generation &+= 1 }

    /// Total element count of `specs`, or nil when a dimension is negative or the count
    /// overflows Int. Loaders check it (and every shape) before creating a store.
    public static func checkedCount(_ specs: [(name: String, shape: [Int])]) -> Int? {
        var total = 0
        for s in specs {
            var count = 1
            for d in s.shape {
                guard d >= 0 else { return nil }
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else { return nil }
                count = product
            }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }

    /// A zeroed store for `specs`. Sizes from files must be validated first (`checkedCount`,
    /// the shapes); here an impossible layout is a programming error.
    public init(specs: [(name: String, shape: [Int])]) {
        guard let total = ParameterStore.checkedCount(specs) else {
            preconditionFailure("parameter layout overflows or has a negative dimension: \(specs.map(\.shape))")
        }
        var vs: [View] = []
        var off = 0
        for s in specs {
            vs.append(View(name: s.name, shape: s.shape, offset: off))
            off += s.shape.reduce(1, *)
        }
        assert(off == total)
        views = vs
        count = off
        data = .allocate(capacity: max(off, 1))
        data.initialize(repeating: 0, count: max(off, 1))
    }

    /// A store with the same layout and a copy of the values.
    public convenience init(copying other: ParameterStore) {
        self.init(specs: other.views.map { ($0.name, $0.shape) })
        data.update(from: other.data, count: count)
        markChanged()
    }

    deinit { data.deallocate() }

    public func view(_ name: String) -> View? { views.first { $0.name == name } }

    /// Pointer to the first element of the named tensor. Names come from CVAEConfig.tensorSpecs.
    public func pointer(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let v = view(name) else { preconditionFailure("no parameter named \(name)") }
        return data + v.offset
    }

    public func values(_ name: String) -> [Float] {
        guard let v = view(name) else { return [] }
        return Array(UnsafeBufferPointer(start: data + v.offset, count: v.count))
    }

    public func set(_ name: String, _ values: [Float]) {
        guard let v = view(name) else { preconditionFailure("no parameter named \(name)") }
        precondition(values.count == v.count, "\(name): \(values.count) values for \(v.count)")
        values.withUnsafeBufferPointer { (data + v.offset).update(from: $0.baseAddress!, count: v.count) }
        markChanged()
    }

    public func zero() { data.update(repeating: 0, count: count); markChanged() }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: data, count: count) }

    /// Name of the first tensor holding NaN or infinity, if any.
    public func firstNonFiniteTensor() -> String? {
        for v in views {
            for i in 0..<v.count where !data[v.offset + i].isFinite { return v.name }
        }
        return nil
    }
}
