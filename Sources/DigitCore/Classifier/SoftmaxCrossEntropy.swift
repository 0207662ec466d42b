/// Softmax cross-entropy averaged over a batch, as PyTorch's nn.CrossEntropyLoss (mean):
///
///     loss = (1/B) sum_b [ logsumexp(logits_b) - logits_b[y_b] ]
///     dloss/dlogits_b = (softmax(logits_b) - onehot(y_b)) / B
public enum SoftmaxCrossEntropy {
    /// logits (B, C), labels (B). Returns the mean loss; when `gradient` is given writes
    /// dloss/dlogits (B, C) into it (it may be `logits` itself).
    @inline(__always)
    public static func forwardBackward(logits: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int>,
                                       batch: Int, classes: Int,
                                       gradient: UnsafeMutablePointer<Float>?) -> Double {
        var total = 0.0
        let scale = 1 / Float(batch)
        for b in 0..<batch {
            let row = logits + b * classes
            var top = row[0]
            for c in 1..<classes { top = max(top, row[c]) }
            var sum: Float = 0
            for c in 0..<classes { sum += (row[c] - top).exp }
            let logSum = top + _logf(sum)
            total += Double(logSum - row[labels[b]])
            if let gradient {
                let g = gradient + b * classes
                for c in 0..<classes { g[c] = (row[c] - logSum).exp * scale }
                g[labels[b]] -= scale
            }
        }
        return total / Double(batch)
    }
}
