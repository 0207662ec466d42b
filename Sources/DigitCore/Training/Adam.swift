import CDigitKernels
import Foundation

/// Adam (Kingma & Ba 2015) as torch.optim.Adam computes it on CPU (single-tensor path,
/// no weight decay, no amsgrad), so a step matches PyTorch's to Float rounding:
///
///     m = m + (1 - beta1) (g - m)                   exp_avg.lerp_(grad, 1 - beta1)
///     v = beta2 v + (1 - beta2) g g                 exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
///     step_size = lr / (1 - beta1^t)                bias corrections in Double, as Python does
///     denom = sqrt(v) / sqrt(1 - beta2^t) + eps
///     p = p - step_size m / denom
///
/// The moments live in two stores with the parameters' layout; a step is one pass over
/// the flat buffers, in C (`dk_adam_update`, vectorised for AVX-512 and AVX2).
public final class Adam {
    public let m: ParameterStore
    public let v: ParameterStore
    /// Steps taken so far (PyTorch's `state['step']`).
    public var step: Int = 0
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(like parameters: ParameterStore, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        let specs = parameters.views.map { ($0.name, $0.shape) }
        m = ParameterStore(specs: specs)
        v = ParameterStore(specs: specs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Threads sharing the update loop (each takes a block of the flat buffer; the result
    /// does not depend on the count).
    public var threads = 1

    /// One update of `parameters` with `gradients` at learning rate `lr`. With `elements`, only
    /// those elements of the flat buffer (parameters and moments) change; the rest stay bit for
    /// bit as they were (a frozen decoder, `TrainingRecipe.TrainedParameters.encoder`).
    /// `weightDecay` > 0 makes it AdamW's step (torch.optim.AdamW): the parameters are first
    /// scaled by 1 - lr * weightDecay; at 0 they are multiplied by exactly 1, Adam's step.
    public func update(parameters: ParameterStore, gradients: ParameterStore, lr: Double, elements: Range<Int>? = nil,
                       weightDecay: Double = 0) {
        update(parameters: parameters, gradientParts: [gradients], lr: lr, elements: elements, weightDecay: weightDecay)
    }

    /// The same step with the gradient given in parts (one per block of the batch, see
    /// `DataParallelObjective`): the gradient is their sum, g0 + g1, formed inside the update's
    /// pass (with more parts, g2, g3 ... are first added into g0, in order, which then holds
    /// that sum).
    /// `afterPart(range)`, when given, runs on each part's thread right after that part has
    /// updated the elements `range` of the flat buffer (while they are in its cache), before
    /// `parameters.markChanged()`. With `clearingGradients`, the gradients' updated elements are
    /// set to zero as they are read (the next batch then needs no zeroing pass).
    public func update(parameters: ParameterStore, gradientParts: [ParameterStore], lr: Double, elements: Range<Int>? = nil,
                       weightDecay: Double = 0, clearingGradients: Bool = false, afterPart: ((Range<Int>) -> Void)? = nil) {
        let span = elements ?? 0..<parameters.count
        precondition(span.lowerBound >= 0 && span.upperBound <= parameters.count, "elements \(span) outside 0..<\(parameters.count)")
        precondition(!gradientParts.isEmpty && gradientParts.allSatisfy { $0.count == parameters.count },
                     "gradients must have the parameters' layout")
        step += 1
        let c = constants(step: step, lr: lr, weightDecay: weightDecay)
        let p = parameters.data + span.lowerBound, g = gradientParts[0].data + span.lowerBound
        let g2 = gradientParts.count > 1 ? gradientParts[1].data + span.lowerBound : nil
        let extra = gradientParts.dropFirst(2).map { $0.data + span.lowerBound }
        let m = m.data + span.lowerBound, v = v.data + span.lowerBound
        let n = span.count
        let parts = n >= 100_000 ? threads : 1, kernel = kernel.cKernel
        Parallel.forEachPart(parts) { part in
            // Blocks of 16 elements, so every part but the last runs whole vectors.
            let r = ParallelLinear.range(part: part, parts: parts, of: n)
            for e in extra {
                for i in r { g[i] += e[i] }
                if clearingGradients { (e + r.lowerBound).update(repeating: 0, count: r.count) }
            }
            var constants = c
            dk_adam_update(kernel, p + r.lowerBound, g + r.lowerBound, g2.map { $0 + r.lowerBound },
                           m + r.lowerBound, v + r.lowerBound, r.count, &constants, clearingGradients ? 1 : 0)
            afterPart?((span.lowerBound + r.lowerBound)..<(span.lowerBound + r.upperBound))
        }
        parameters.markChanged()
    }

    /// The constants of step `step` (counted from 1), for a caller that runs a step's passes
    /// itself (`update(constants:...)`, `LayerParallelObjective`) and counts the step.
    func constants(step: Int, lr: Double, weightDecay: Double = 0) -> dk_adam_constants {
        let t = Double(step)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2 = 1 - pow(beta2, t)
        return dk_adam_constants(step_size: Float(-(lr / biasCorrection1)), bc2_sqrt: Float(biasCorrection2.squareRoot()),
                                 w1: Float(1 - beta1), b2: Float(beta2), w2: Float(1 - beta2), eps: Float(epsilon),
                                 decay: Float(1 - lr * weightDecay))
    }

    /// Part of a step on the calling thread: the elements `elements` of `parameters` and of the
    /// moments, with `gradient` (the parameters' layout); with `clearing` the gradient's
    /// elements are set to zero as they are read. Marking the parameters changed is the caller's.
    func update(constants: dk_adam_constants, parameters: ParameterStore, gradient: ParameterStore,
                elements: Range<Int>, clearing: Bool) {
        guard !elements.isEmpty else { return }
        let o = elements.lowerBound
        var c = constants
        dk_adam_update(kernel.cKernel, parameters.data + o, gradient.data + o, nil, m.data + o, v.data + o,
                       elements.count, &c, clearing ? 1 : 0)
    }

    /// The C path of the update (`CDigitKernels/adam.c`): the best one this CPU runs, or the
    /// one `DIGITGEN_KERNEL` forces (`blas` forces no Adam path: it runs the best). Every path
    /// gives the same bits; the tests run each.
    var kernel: DecoderKernel = DecoderKernel.forced ?? .bestFused
}
