//! The L-BFGS memory: the last `m` correction pairs and the search direction
//! `d = −H·g` they define, by the two-loop recursion (Nocedal & Wright,
//! Algorithm 7.4) with `H₀ = γI`, `γ = sᵀy / yᵀy` of the newest pair.
//!
//! With 10⁵–10⁶ parameters every vector is megabytes, so the recursion is
//! bound by memory traffic rather than arithmetic, and it costs about as
//! much as an objective evaluation. Two things cut that traffic:
//!
//! * each dot product is fused into the preceding update of `d`, so every
//!   pass over memory does both (`4m` passes become `2m + 1`);
//! * the pairs are stored in `f32`. They only shape the search direction —
//!   the gradient, objective and iterate stay `f64` — and `ρ = 1/sᵀy` and
//!   `γ` are computed from the rounded vectors, so each stored pair is
//!   self-consistent and the implied inverse Hessian stays positive definite.
//!
//! Every sum runs in a fixed order, so the direction is deterministic.
//! (A trial of the compact representation of Byrd, Nocedal & Schnabel,
//! which reads the memory twice instead of `2m` times, was slower here:
//! its paired dot products did not vectorise the `f32 → f64` conversions on
//! the baseline x86-64 target. It is also harder to check.)

/// Pairs with `sᵀy ≤ CURVATURE_EPS · yᵀy` are not stored.
const CURVATURE_EPS: f64 = 1e-10;
/// Lanes of the dot products: independent partial sums let the CPU overlap
/// additions (a single running sum is bound by add latency) while keeping the
/// summation order fixed, hence reproducible.
const LANES: usize = 8;

/// The `m` most recent pairs `s = x₊ − x`, `y = g₊ − g` in a ring buffer of
/// vectors allocated once and then reused.
pub(super) struct History {
    m: usize,
    s: Vec<Vec<f32>>,
    y: Vec<Vec<f32>>,
    /// Buffers for the next pair; swapped into the ring when accepted.
    spare_s: Vec<f32>,
    spare_y: Vec<f32>,
    /// `1 / sᵀy` and `yᵀy` per slot.
    rho: Vec<f64>,
    yy: Vec<f64>,
    /// Slot of the oldest pair, and the number of pairs.
    start: usize,
    len: usize,
    /// Per-pair `α` of the first loop, in chronological order.
    alpha: Vec<f64>,
}

impl History {
    pub(super) fn new(m: usize) -> Self {
        let m = m.max(1);
        History {
            m,
            s: Vec::new(),
            y: Vec::new(),
            spare_s: Vec::new(),
            spare_y: Vec::new(),
            rho: vec![0.0; m],
            yy: vec![0.0; m],
            start: 0,
            len: 0,
            alpha: vec![0.0; m],
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn clear(&mut self) {
        self.start = 0;
        self.len = 0;
    }

    /// Slot of the `j`-th oldest pair.
    fn slot(&self, j: usize) -> usize {
        (self.start + j) % self.m
    }

    /// Stores the pair from (`x`, `g`) to (`xn`, `gn`) if its curvature is
    /// positive enough, dropping the oldest when full.
    pub(super) fn push(&mut self, xn: &[f64], x: &[f64], gn: &[f64], g: &[f64]) {
        // Fill the spare pair first: a rejected pair must not overwrite the
        // oldest stored one.
        let (s, y) = (&mut self.spare_s, &mut self.spare_y);
        s.resize(x.len(), 0.0);
        y.resize(x.len(), 0.0);
        for i in 0..x.len() {
            s[i] = (xn[i] - x[i]) as f32;
            y[i] = (gn[i] - g[i]) as f32;
        }
        let (sy, yy) = (dot(s, y), dot(y, y));
        // Also rejects NaN curvature.
        let curved = sy > CURVATURE_EPS * yy;
        if !curved {
            return;
        }
        let slot = if self.len < self.m {
            self.len += 1;
            self.slot(self.len - 1)
        } else {
            let oldest = self.start;
            self.start = (self.start + 1) % self.m;
            oldest
        };
        if self.s.len() <= slot {
            self.s.push(Vec::new());
            self.y.push(Vec::new());
        }
        std::mem::swap(&mut self.s[slot], &mut self.spare_s);
        std::mem::swap(&mut self.y[slot], &mut self.spare_y);
        self.rho[slot] = 1.0 / sy;
        self.yy[slot] = yy;
    }

    /// Writes the L-BFGS direction `d = −H·g` and returns `gᵀd`.
    pub(super) fn direction(&mut self, g: &[f64], d: &mut [f64]) -> f64 {
        for (di, &gi) in d.iter_mut().zip(g) {
            *di = -gi;
        }
        if self.len == 0 {
            return -dot(g, g);
        }
        let last = self.len - 1;
        let newest = self.slot(last);
        // First loop, newest to oldest: α_j = ρ_j s_jᵀd; d −= α_j y_j. The
        // next pass's dot (s of the next older pair, or at the end y of the
        // oldest, which opens the second loop) rides along.
        let mut sd = dot(&self.s[newest], d);
        for j in (0..self.len).rev() {
            let slot = self.slot(j);
            let a = self.rho[slot] * sd;
            self.alpha[j] = a;
            let next = if j > 0 {
                &self.s[self.slot(j - 1)]
            } else {
                &self.y[self.slot(0)]
            };
            sd = axpy_dot(-a, &self.y[slot], d, next);
        }
        let gamma = 1.0 / (self.rho[newest] * self.yy[newest]);
        for di in d.iter_mut() {
            *di *= gamma;
        }
        // Second loop, oldest to newest: β = ρ_j y_jᵀd; d += (α_j − β) s_j.
        let mut yd = gamma * sd;
        for j in 0..self.len {
            let slot = self.slot(j);
            let b = self.rho[slot] * yd;
            let next = &self.y[self.slot((j + 1).min(last))];
            yd = axpy_dot(self.alpha[j] - b, &self.s[slot], d, next);
        }
        dot(g, d)
    }
}

/// `a·b` in `f64`, for `f32` or `f64` vectors, with [`LANES`] partial sums.
pub(super) fn dot<T: Copy + Into<f64>, U: Copy + Into<f64>>(a: &[T], b: &[U]) -> f64 {
    let n = a.len().min(b.len()) / LANES * LANES;
    let mut acc = [0.0; LANES];
    for (ac, bc) in a[..n].chunks_exact(LANES).zip(b[..n].chunks_exact(LANES)) {
        for j in 0..LANES {
            acc[j] += ac[j].into() * bc[j].into();
        }
    }
    let tail: f64 = a[n..]
        .iter()
        .zip(&b[n..])
        .map(|(&x, &y)| x.into() * y.into())
        .sum();
    acc.iter().sum::<f64>() + tail
}

/// `y += a·x`, then returns `z·y` with the same lane order as [`dot`].
fn axpy_dot(a: f64, x: &[f32], y: &mut [f64], z: &[f32]) -> f64 {
    let n = y.len() / LANES * LANES;
    let mut acc = [0.0; LANES];
    let chunks = y[..n]
        .chunks_exact_mut(LANES)
        .zip(x[..n].chunks_exact(LANES))
        .zip(z[..n].chunks_exact(LANES));
    for ((yc, xc), zc) in chunks {
        for j in 0..LANES {
            yc[j] += a * f64::from(xc[j]);
            acc[j] += f64::from(zc[j]) * yc[j];
        }
    }
    let mut tail = 0.0;
    for i in n..y.len() {
        y[i] += a * f64::from(x[i]);
        tail += f64::from(z[i]) * y[i];
    }
    acc.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook two-loop recursion (Nocedal & Wright, Alg. 7.4) on the
    /// stored pairs, oldest first.
    fn two_loop(s: &[Vec<f64>], y: &[Vec<f64>], g: &[f64]) -> Vec<f64> {
        let l = s.len();
        let dotf = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let mut q = g.to_vec();
        let mut alpha = vec![0.0; l];
        for j in (0..l).rev() {
            alpha[j] = dotf(&s[j], &q) / dotf(&s[j], &y[j]);
            q.iter_mut()
                .zip(&y[j])
                .for_each(|(qi, yi)| *qi -= alpha[j] * yi);
        }
        let gamma = dotf(&s[l - 1], &y[l - 1]) / dotf(&y[l - 1], &y[l - 1]);
        q.iter_mut().for_each(|qi| *qi *= gamma);
        for j in 0..l {
            let beta = dotf(&y[j], &q) / dotf(&s[j], &y[j]);
            q.iter_mut()
                .zip(&s[j])
                .for_each(|(qi, si)| *qi += (alpha[j] - beta) * si);
        }
        q.iter().map(|v| -v).collect()
    }

    #[test]
    fn fused_recursion_equals_textbook_two_loop() {
        // Iterates of gradient steps on a diagonal quadratic give pairs with
        // positive curvature; 13 pairs into a memory of 5 exercises the ring.
        let n = 4133;
        let h: Vec<f64> = (0..n).map(|i| 1.0 + (i % 17) as f64).collect();
        let grad =
            |x: &[f64]| -> Vec<f64> { x.iter().zip(&h).map(|(xi, hi)| hi * (xi - 1.0)).collect() };
        let mut hist = History::new(5);
        let mut x: Vec<f64> = (0..n).map(|i| (i % 7) as f64 * 0.3).collect();
        let mut g = grad(&x);
        let mut d = vec![0.0; n];
        for step in 0..13 {
            let gd = hist.direction(&g, &mut d);
            if !hist.is_empty() {
                let slots: Vec<usize> = (0..hist.len).map(|j| hist.slot(j)).collect();
                let widen = |v: &Vec<f32>| v.iter().map(|&a| f64::from(a)).collect::<Vec<f64>>();
                let s: Vec<Vec<f64>> = slots.iter().map(|&sl| widen(&hist.s[sl])).collect();
                let y: Vec<Vec<f64>> = slots.iter().map(|&sl| widen(&hist.y[sl])).collect();
                let want = two_loop(&s, &y, &g);
                let scale = want.iter().fold(0.0f64, |a, v| a.max(v.abs()));
                for (a, b) in d.iter().zip(&want) {
                    assert!((a - b).abs() <= 1e-9 * scale, "step {step}: {a} vs {b}");
                }
            }
            assert!((gd - dot(&g, &d)).abs() <= 1e-9 * gd.abs());
            let xn: Vec<f64> = x.iter().zip(&d).map(|(xi, di)| xi + 0.05 * di).collect();
            let gn = grad(&xn);
            hist.push(&xn, &x, &gn, &g);
            (x, g) = (xn, gn);
        }
        assert_eq!(hist.len, 5);
    }

    #[test]
    fn flat_pair_is_rejected_without_touching_memory() {
        let mut hist = History::new(2);
        hist.push(&[1.0, 0.0], &[0.0, 0.0], &[1.0, 0.0], &[0.0, 0.0]);
        let kept = hist.s[0].clone();
        hist.push(&[0.0, 1.0], &[0.0, 0.0], &[0.0, -1.0], &[0.0, 0.0]);
        assert_eq!((hist.len, &hist.s[0]), (1, &kept));
    }
}
