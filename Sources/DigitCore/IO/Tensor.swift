/// A tensor as the file formats hand it over: a shape and its values in row-major order,
/// always as Float in memory whatever the file's dtype.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }

    /// Number of elements the shape describes (1 for a scalar, shape []).
    public var elementCount: Int { shape.reduce(1, *) }
}
