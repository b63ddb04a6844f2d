//! The multilayer perceptron: parameters in one flat vector, forward pass,
//! softmax cross-entropy and backpropagation.
//!
//! Layer l computes zˡ = aˡ⁻¹ Wˡ + bˡ with aˡ = ReLU(zˡ) for hidden layers;
//! the logits are s·z_L, where s is 1 (standard), 1/√width (NTK) or 1/width
//! (mean-field). Wˡ is stored row-major (n_in × n_out), followed by bˡ.

use nalgebra::DMatrix;

use super::confusion::Confusion;
use super::real::Precision;
use crate::data::{Dataset, CLASSES};
use crate::random::{self, ChaCha8Rng};

/// How weights are drawn at the start (biases start at 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Xavier (Glorot) normal: W ~ N(0, 2/(n_in + n_out)).
    Xavier,
    /// He (Kaiming) normal: W ~ N(0, 2/n_in).
    He,
    /// A random orthogonal matrix (QR of a Gaussian one, signs fixed as in PyTorch).
    Orthogonal,
    /// Glorot uniform: W ~ U(−a, a), a = √(6/(n_in + n_out)).
    GlorotUniform,
    /// PyTorch's default for `nn.Linear`: W and b ~ U(−1/√n_in, 1/√n_in). The
    /// only one with non-zero biases, so first-layer units do not all pass
    /// through the origin.
    PyTorch,
}

/// How the network is scaled with its width (the lectures' regimes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Parametrization {
    /// Logits as computed; weights drawn by the chosen [`Init`].
    Standard,
    /// Hidden W ~ N(0, 1/n_in), output W ~ N(0, 1)·`output_scale`, logits divided by √width.
    Ntk {
        /// Scale of the output layer's initial weights.
        output_scale: f64,
    },
    /// Output W ~ N(0, 1) and fixed (not trained), logits divided by width.
    MeanField,
}

/// The shape of the network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Architecture {
    /// Units per hidden layer.
    pub width: usize,
    /// Number of hidden layers (1 to 3).
    pub depth: usize,
    /// Scaling regime.
    pub parametrization: Parametrization,
}

/// One dense layer's place in the flat parameter vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Inputs.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
    /// Offset of W (n_in × n_out, row-major).
    pub w: usize,
    /// Offset of b (n_out).
    pub b: usize,
}

/// The network: its layers and how its logits are scaled.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// The layers, input first.
    pub layers: Vec<Layer>,
    /// The factor s on the last layer's output.
    pub logit_scale: f64,
    /// Whether the output layer is fixed (mean-field).
    pub frozen_output: bool,
    /// The arithmetic of the fused loss and gradient (one hidden layer).
    pub precision: Precision,
    arch: Architecture,
    params: usize,
}

/// Buffers reused between passes: activations and their gradients per layer.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    acts: Vec<Vec<f64>>,
    deltas: Vec<Vec<f64>>,
    fused: super::fused::Scratch,
}

/// Loss and correct predictions over a batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Eval {
    /// Mean cross-entropy.
    pub loss: f64,
    /// Fraction of points classified correctly.
    pub accuracy: f64,
    /// Points by true and predicted class (the prediction is the first largest logit).
    pub confusion: Confusion,
}

impl Mlp {
    /// The network 2 → width (× depth) → 5.
    pub fn new(arch: Architecture) -> Self {
        let mut sizes = vec![2];
        sizes.extend(std::iter::repeat_n(arch.width, arch.depth.max(1)));
        sizes.push(CLASSES);
        let mut offset = 0;
        let layers = sizes
            .windows(2)
            .map(|pair| {
                let layer = Layer {
                    n_in: pair[0],
                    n_out: pair[1],
                    w: offset,
                    b: offset + pair[0] * pair[1],
                };
                offset = layer.b + pair[1];
                layer
            })
            .collect();
        let (logit_scale, frozen_output) = match arch.parametrization {
            Parametrization::Standard => (1.0, false),
            Parametrization::Ntk { .. } => (1.0 / (arch.width as f64).sqrt(), false),
            Parametrization::MeanField => (1.0 / arch.width as f64, true),
        };
        Self {
            layers,
            logit_scale,
            frozen_output,
            arch,
            params: offset,
            precision: Precision::F64,
        }
    }

    /// The same network computing its fused loss and gradient in `precision`.
    pub fn with_precision(self, precision: Precision) -> Self {
        Self { precision, ..self }
    }

    /// The number of parameters p.
    pub fn param_count(&self) -> usize {
        self.params
    }

    /// The architecture.
    pub fn architecture(&self) -> Architecture {
        self.arch
    }

    /// Initial parameters drawn from `seed`.
    pub fn init(&self, init: Init, seed: u64) -> Vec<f64> {
        let mut rng = random::stream(seed, 1 << 41);
        let mut theta = vec![0.0; self.params];
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let weights = &mut theta[layer.w..layer.b];
            let (n_in, n_out) = (layer.n_in as f64, layer.n_out as f64);
            let output = l == last;
            match (self.arch.parametrization, output) {
                (Parametrization::Ntk { output_scale }, true) => {
                    normal(&mut rng, weights, output_scale)
                }
                (Parametrization::Ntk { .. }, false) => {
                    normal(&mut rng, weights, (1.0 / n_in).sqrt())
                }
                (Parametrization::MeanField, true) => normal(&mut rng, weights, 1.0),
                _ => match init {
                    Init::Xavier => normal(&mut rng, weights, (2.0 / (n_in + n_out)).sqrt()),
                    Init::He => normal(&mut rng, weights, (2.0 / n_in).sqrt()),
                    Init::GlorotUniform => {
                        let a = (6.0 / (n_in + n_out)).sqrt();
                        for w in weights.iter_mut() {
                            *w = a * (2.0 * random::open_unit(&mut rng) - 1.0);
                        }
                    }
                    Init::Orthogonal => orthogonal(&mut rng, weights, layer.n_in, layer.n_out),
                    Init::PyTorch => {
                        let bound = 1.0 / n_in.sqrt();
                        for v in theta[layer.w..layer.b + layer.n_out].iter_mut() {
                            *v = bound * (2.0 * random::open_unit(&mut rng) - 1.0);
                        }
                    }
                },
            }
        }
        theta
    }

    /// The forward pass over `inputs`; afterwards the workspace holds every
    /// layer's activations, the last being the (scaled) logits.
    pub fn forward(&self, theta: &[f64], inputs: &[[f64; 2]], ws: &mut Workspace) {
        let n = inputs.len();
        ws.acts.resize(self.layers.len() + 1, Vec::new());
        ws.acts[0].clear();
        ws.acts[0].extend(inputs.iter().flatten());
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate() {
            let (before, after) = ws.acts.split_at_mut(l + 1);
            let (input, out) = (&before[l], &mut after[0]);
            out.clear();
            out.resize(n * layer.n_out, 0.0);
            let w = &theta[layer.w..layer.b];
            let b = &theta[layer.b..layer.b + layer.n_out];
            for row in out.chunks_exact_mut(layer.n_out) {
                row.copy_from_slice(b);
            }
            // z = a·W + b.
            if layer.n_in <= FEW_INPUTS {
                // The input layer sees (x, y): two scaled rows of W per point,
                // one pass over the output instead of a blocked product.
                for (row_in, row_out) in input
                    .chunks_exact(layer.n_in)
                    .zip(out.chunks_exact_mut(layer.n_out))
                {
                    for (a, w_row) in row_in.iter().zip(w.chunks_exact(layer.n_out)) {
                        for (o, wv) in row_out.iter_mut().zip(w_row) {
                            *o += a * wv;
                        }
                    }
                }
            } else if layer.n_out <= FEW_INPUTS * 2 && layer.n_in >= WIDE {
                // Few outputs (the logits): one dot product per output and row.
                let wt = transpose(w, layer.n_in, layer.n_out);
                for (row_in, row_out) in input
                    .chunks_exact(layer.n_in)
                    .zip(out.chunks_exact_mut(layer.n_out))
                {
                    for (o, wt_row) in row_out.iter_mut().zip(wt.chunks_exact(layer.n_in)) {
                        *o += dot(row_in, wt_row);
                    }
                }
            } else {
                matmul(
                    n,
                    layer.n_in,
                    layer.n_out,
                    input,
                    Strides::row_major(layer.n_in),
                    w,
                    Strides::row_major(layer.n_out),
                    1.0,
                    out,
                );
            }
            if l < last {
                out.iter_mut().for_each(|v| *v = v.max(0.0));
            } else if self.logit_scale != 1.0 {
                out.iter_mut().for_each(|v| *v *= self.logit_scale);
            }
        }
    }

    /// The logits of the last forward pass (N × 5, row-major).
    pub fn logits<'w>(&self, ws: &'w Workspace) -> &'w [f64] {
        ws.acts.last().map_or(&[], Vec::as_slice)
    }

    /// Mean cross-entropy and accuracy on `inputs`/`labels`; with `grad`, also
    /// backpropagates and writes ∂loss/∂θ there.
    pub fn loss_and_gradient(
        &self,
        theta: &[f64],
        inputs: &[[f64; 2]],
        labels: &[usize],
        grad: Option<&mut [f64]>,
        ws: &mut Workspace,
    ) -> Eval {
        self.forward(theta, inputs, ws);
        let n = inputs.len().max(1) as f64;
        let last = self.layers.len();
        let mut loss = 0.0;
        let mut correct = 0usize;
        let mut confusion = Confusion::default();
        let mut dlogits = std::mem::take(&mut ws.deltas);
        dlogits.resize(last + 1, Vec::new());
        let top = &mut dlogits[last];
        top.clear();
        top.resize(inputs.len() * CLASSES, 0.0);
        for ((row, d), &label) in ws.acts[last]
            .chunks_exact(CLASSES)
            .zip(top.chunks_exact_mut(CLASSES))
            .zip(labels)
        {
            // Softmax with the largest logit subtracted, one exponential per logit.
            let (argmax, max) =
                row.iter()
                    .copied()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |best, (k, z)| {
                        if z > best.1 {
                            (k, z)
                        } else {
                            best
                        }
                    });
            let mut sum = 0.0;
            for (dk, &z) in d.iter_mut().zip(row) {
                *dk = libm::exp(z - max);
                sum += *dk;
            }
            loss += max + libm::log(sum) - row[label];
            correct += usize::from(argmax == label);
            confusion.count(label, argmax);
            // ∂(mean CE)/∂logit = (softmax − one-hot)/N.
            let scale = 1.0 / (sum * n);
            for dk in d.iter_mut() {
                *dk *= scale;
            }
            d[label] -= 1.0 / n;
        }
        ws.deltas = dlogits;
        if let Some(grad) = grad {
            self.backward(theta, ws, grad);
        }
        Eval {
            loss: loss / n,
            accuracy: correct as f64 / n,
            confusion,
        }
    }

    /// Backpropagation from ∂loss/∂logits (in the workspace's last delta) to ∂loss/∂θ.
    fn backward(&self, theta: &[f64], ws: &mut Workspace, grad: &mut [f64]) {
        grad.fill(0.0);
        let last = self.layers.len() - 1;
        // logits = s·z_L, so ∂/∂z_L = s·∂/∂logits.
        if self.logit_scale != 1.0 {
            let s = self.logit_scale;
            ws.deltas[last + 1].iter_mut().for_each(|d| *d *= s);
        }
        for l in (0..self.layers.len()).rev() {
            let layer = self.layers[l];
            let (lower, upper) = ws.deltas.split_at_mut(l + 1);
            let delta = &upper[0];
            let input = &ws.acts[l];
            let n = delta.len() / layer.n_out;
            if !(l == last && self.frozen_output) {
                let (gw, gb) =
                    grad[layer.w..layer.b + layer.n_out].split_at_mut(layer.n_in * layer.n_out);
                // ∂W = aᵀ·δ, ∂b = Σₙ δₙ.
                if layer.n_in <= FEW_INPUTS {
                    for (row_in, d) in input
                        .chunks_exact(layer.n_in)
                        .zip(delta.chunks_exact(layer.n_out))
                    {
                        for (a, gw_row) in row_in.iter().zip(gw.chunks_exact_mut(layer.n_out)) {
                            for (g, dv) in gw_row.iter_mut().zip(d) {
                                *g += a * dv;
                            }
                        }
                    }
                } else if layer.n_out <= FEW_INPUTS * 2 && layer.n_in >= WIDE {
                    // Few outputs: accumulate ∂Wᵀ row by row, streaming a once.
                    let mut gwt = vec![0.0; layer.n_out * layer.n_in];
                    for (row_in, d) in input
                        .chunks_exact(layer.n_in)
                        .zip(delta.chunks_exact(layer.n_out))
                    {
                        for (dk, g_row) in d.iter().zip(gwt.chunks_exact_mut(layer.n_in)) {
                            for (g, a) in g_row.iter_mut().zip(row_in) {
                                *g += dk * a;
                            }
                        }
                    }
                    gw.copy_from_slice(&transpose(&gwt, layer.n_out, layer.n_in));
                } else {
                    matmul(
                        layer.n_in,
                        n,
                        layer.n_out,
                        input,
                        Strides::transposed(layer.n_in),
                        delta,
                        Strides::row_major(layer.n_out),
                        0.0,
                        gw,
                    );
                }
                for d in delta.chunks_exact(layer.n_out) {
                    for (g, dv) in gb.iter_mut().zip(d) {
                        *g += dv;
                    }
                }
            }
            if l == 0 {
                break;
            }
            // ∂/∂a = δ·Wᵀ, then through the ReLU: zero where the unit was off.
            let below = &mut lower[l];
            below.clear();
            below.resize(input.len(), 0.0);
            let w = &theta[layer.w..layer.b];
            if layer.n_out <= FEW_INPUTS * 2 && layer.n_in >= WIDE {
                // Few outputs (the logits): each row is a sum of n_out scaled
                // rows of Wᵀ, masked in the same pass.
                let wt = transpose(w, layer.n_in, layer.n_out);
                for ((out, d), a) in below
                    .chunks_exact_mut(layer.n_in)
                    .zip(delta.chunks_exact(layer.n_out))
                    .zip(input.chunks_exact(layer.n_in))
                {
                    for (dk, wt_row) in d.iter().zip(wt.chunks_exact(layer.n_in)) {
                        for (o, wv) in out.iter_mut().zip(wt_row) {
                            *o += dk * wv;
                        }
                    }
                    for (o, av) in out.iter_mut().zip(a) {
                        if *av <= 0.0 {
                            *o = 0.0;
                        }
                    }
                }
            } else {
                matmul(
                    n,
                    layer.n_out,
                    layer.n_in,
                    delta,
                    Strides::row_major(layer.n_out),
                    w,
                    Strides::transposed(layer.n_out),
                    0.0,
                    below,
                );
                for (d, a) in below.iter_mut().zip(input) {
                    if *a <= 0.0 {
                        *d = 0.0;
                    }
                }
            }
        }
    }

    /// The input of layer `l` in the last forward pass (N × n_in, row-major).
    pub fn layer_input<'w>(&self, ws: &'w Workspace, l: usize) -> &'w [f64] {
        ws.acts.get(l).map_or(&[], Vec::as_slice)
    }

    /// ∂loss/∂zˡ from the last backward pass (N × n_out, row-major): the
    /// gradient of the mean loss with respect to layer `l`'s pre-activations.
    pub fn layer_delta<'w>(&self, ws: &'w Workspace, l: usize) -> &'w [f64] {
        ws.deltas.get(l + 1).map_or(&[], Vec::as_slice)
    }

    /// Loss and accuracy over a whole data set (the fast path).
    pub fn evaluate(&self, theta: &[f64], data: &Dataset, ws: &mut Workspace) -> Eval {
        self.loss_and_gradient_fast(theta, &data.x, &data.labels, None, ws)
    }

    /// What [`loss_and_gradient`](Self::loss_and_gradient) computes, by the
    /// fused pass of `fused.rs` for one hidden layer (equal to it within
    /// rounding, the same bits on every machine) and by the reference
    /// otherwise. Training uses this; Jacobians and curvature use the
    /// reference's stored activations.
    pub fn loss_and_gradient_fast(
        &self,
        theta: &[f64],
        inputs: &[[f64; 2]],
        labels: &[usize],
        grad: Option<&mut [f64]>,
        ws: &mut Workspace,
    ) -> Eval {
        if super::fused::applies(self) {
            let scratch = &mut ws.fused;
            match self.precision {
                Precision::F64 => super::fused::loss_and_gradient::<f64, { super::fused::LANES }>(
                    self,
                    theta,
                    inputs,
                    labels,
                    grad,
                    &mut scratch.double,
                ),
                Precision::F32 => {
                    super::fused::loss_and_gradient_f32(self, theta, inputs, labels, grad, scratch)
                }
            }
        } else {
            self.loss_and_gradient(theta, inputs, labels, grad, ws)
        }
    }

    /// The predicted class of each input.
    pub fn predict(&self, theta: &[f64], inputs: &[[f64; 2]], ws: &mut Workspace) -> Vec<u8> {
        self.forward(theta, inputs, ws);
        self.logits(ws)
            .chunks_exact(CLASSES)
            .map(|row| log_softmax_parts(row).1 as u8)
            .collect()
    }

    /// The softmax probabilities of the last forward pass (N × 5).
    pub fn probabilities(&self, ws: &Workspace) -> Vec<f64> {
        let mut probs = Vec::with_capacity(self.logits(ws).len());
        for row in self.logits(ws).chunks_exact(CLASSES) {
            let (lse, _) = log_softmax_parts(row);
            probs.extend(row.iter().map(|z| libm::exp(z - lse)));
        }
        probs
    }

    /// Writes the Jacobian of one input's logits, ∂logits/∂θ (5 × p, row-major),
    /// into `out` by five reverse passes, one per logit; returns its softmax probabilities.
    pub fn logit_jacobian(
        &self,
        theta: &[f64],
        input: [f64; 2],
        ws: &mut Workspace,
        out: &mut [f64],
    ) -> [f64; CLASSES] {
        self.forward(theta, &[input], ws);
        let mut probs = [0.0; CLASSES];
        let row = self.logits(ws).to_vec();
        let (lse, _) = log_softmax_parts(&row);
        for (p, z) in probs.iter_mut().zip(&row) {
            *p = libm::exp(z - lse);
        }
        let last = self.layers.len();
        ws.deltas.resize(last + 1, Vec::new());
        for (c, jacobian_row) in out.chunks_exact_mut(self.params).enumerate() {
            ws.deltas[last].clear();
            ws.deltas[last].extend((0..CLASSES).map(|k| f64::from(u8::from(k == c))));
            self.backward(theta, ws, jacobian_row);
        }
        probs
    }

    /// Jᵀu: backpropagates `dlogits` (N × 5, a vector per input of the last
    /// forward pass) to parameter space, writing it into `out`.
    pub fn vector_jacobian_product(
        &self,
        theta: &[f64],
        ws: &mut Workspace,
        dlogits: &[f64],
        out: &mut [f64],
    ) {
        let last = self.layers.len();
        ws.deltas.resize(last + 1, Vec::new());
        ws.deltas[last].clear();
        ws.deltas[last].extend_from_slice(dlogits);
        self.backward(theta, ws, out);
    }

    /// Jv: the change of every input's logits (N × 5) along the parameter
    /// direction `v`, by forward-mode propagation of tangents through the
    /// activations of the last forward pass (at θ).
    pub fn jacobian_vector_product(&self, theta: &[f64], ws: &Workspace, v: &[f64]) -> Vec<f64> {
        let last = self.layers.len() - 1;
        let mut tangent: Vec<f64> = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            let input = &ws.acts[l];
            let n = input.len() / layer.n_in;
            let mut out = vec![0.0; n * layer.n_out];
            // A frozen output layer is not trained: only the hidden layers' directions count.
            let trained = !(l == last && self.frozen_output);
            if trained {
                let (vw, vb) = (&v[layer.w..layer.b], &v[layer.b..layer.b + layer.n_out]);
                for row in out.chunks_exact_mut(layer.n_out) {
                    row.copy_from_slice(vb);
                }
                // ṫ = t·W + a·V + c: the inputs through V (and c) here, the tangent through W below.
                matmul(
                    n,
                    layer.n_in,
                    layer.n_out,
                    input,
                    Strides::row_major(layer.n_in),
                    vw,
                    Strides::row_major(layer.n_out),
                    1.0,
                    &mut out,
                );
            }
            if l > 0 {
                let w = &theta[layer.w..layer.b];
                matmul(
                    n,
                    layer.n_in,
                    layer.n_out,
                    &tangent,
                    Strides::row_major(layer.n_in),
                    w,
                    Strides::row_major(layer.n_out),
                    1.0,
                    &mut out,
                );
            }
            if l < last {
                // Through the ReLU: the tangent passes where the unit is on.
                for (t, a) in out.iter_mut().zip(&ws.acts[l + 1]) {
                    if *a <= 0.0 {
                        *t = 0.0;
                    }
                }
            } else {
                out.iter_mut().for_each(|t| *t *= self.logit_scale);
            }
            tangent = out;
        }
        tangent
    }
}

/// Layers with at most this many inputs skip the blocked matrix product,
/// whose packing costs more than it saves when the inner dimension is tiny.
const FEW_INPUTS: usize = 4;

/// Layers at least this wide with few outputs stream their activations once
/// per pass instead of going through the blocked product.
const WIDE: usize = 256;

/// The transpose of a row-major `rows × cols` matrix.
fn transpose(m: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; rows * cols];
    for (r, row) in m.chunks_exact(cols).enumerate() {
        for (c, v) in row.iter().enumerate() {
            t[c * rows + r] = *v;
        }
    }
    t
}

/// The dot product, accumulated in four lanes so it vectorises.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// Row and column strides of a matrix operand.
#[derive(Clone, Copy, Debug)]
struct Strides(isize, isize);

impl Strides {
    /// A row-major matrix with `cols` columns.
    fn row_major(cols: usize) -> Self {
        Strides(cols as isize, 1)
    }

    /// The transpose of a row-major matrix with `cols` columns.
    fn transposed(cols: usize) -> Self {
        Strides(1, cols as isize)
    }
}

/// C ← A·B + β C for an `m × k` matrix A and a `k × n` matrix B, read with
/// the given strides; C is row-major `m × n`. The matrix product is plumbing,
/// left to the `matrixmultiply` crate's blocked kernel.
#[allow(clippy::too_many_arguments)]
fn matmul(
    m: usize,
    k: usize,
    n: usize,
    a: &[f64],
    sa: Strides,
    b: &[f64],
    sb: Strides,
    beta: f64,
    c: &mut [f64],
) {
    assert!(
        c.len() >= m * n && a.len() >= m * k && b.len() >= k * n,
        "matrix sizes"
    );
    // SAFETY: the asserts above bound every index the strides can reach, and
    // `c` is a distinct mutable slice.
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            sa.0,
            sa.1,
            b.as_ptr(),
            sb.0,
            sb.1,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// log Σ exp(zₖ), computed stably, and the index of the largest logit.
pub fn log_softmax_parts(row: &[f64]) -> (f64, usize) {
    let (argmax, max) =
        row.iter()
            .copied()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |best, (k, z)| {
                if z > best.1 {
                    (k, z)
                } else {
                    best
                }
            });
    let sum: f64 = row.iter().map(|z| libm::exp(z - max)).sum();
    (max + libm::log(sum), argmax)
}

fn normal(rng: &mut ChaCha8Rng, out: &mut [f64], std: f64) {
    for w in out.iter_mut() {
        *w = std * random::standard_normal(rng);
    }
}

/// A matrix with orthonormal rows or columns (whichever are fewer), from the
/// QR decomposition of a Gaussian matrix with R's diagonal made positive.
fn orthogonal(rng: &mut ChaCha8Rng, out: &mut [f64], n_in: usize, n_out: usize) {
    let (rows, cols) = (n_in.max(n_out), n_in.min(n_out));
    let gaussian = DMatrix::from_fn(rows, cols, |_, _| random::standard_normal(rng));
    let qr = gaussian.qr();
    let (mut q, r) = (qr.q(), qr.r());
    for j in 0..cols {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    for i in 0..n_in {
        for o in 0..n_out {
            out[i * n_out + o] = if n_in >= n_out { q[(i, o)] } else { q[(o, i)] };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard(width: usize, depth: usize) -> Architecture {
        Architecture {
            width,
            depth,
            parametrization: Parametrization::Standard,
        }
    }

    #[test]
    fn width_32_has_261_parameters() {
        assert_eq!(Mlp::new(standard(32, 1)).param_count(), 261);
        assert_eq!(
            Mlp::new(standard(8, 2)).param_count(),
            2 * 8 + 8 + 8 * 8 + 8 + 8 * 5 + 5
        );
    }

    #[test]
    fn orthogonal_init_has_orthonormal_columns() {
        let mlp = Mlp::new(standard(16, 2));
        let theta = mlp.init(Init::Orthogonal, 3);
        let layer = mlp.layers[1];
        let w = DMatrix::from_row_slice(16, 16, &theta[layer.w..layer.b]);
        let gram = w.transpose() * &w;
        assert!((gram - DMatrix::identity(16, 16)).norm() < 1e-12);
    }

    #[test]
    fn stable_log_sum_exp_survives_huge_logits() {
        let (lse, argmax) = log_softmax_parts(&[1000.0, 999.0, -5.0, 0.0, 1.0]);
        assert!((lse - (1000.0 + (1.0 + (-1.0f64).exp()).ln())).abs() < 1e-9);
        assert_eq!(argmax, 0);
    }
}
