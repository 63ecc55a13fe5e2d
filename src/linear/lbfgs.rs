//! Limited-memory BFGS for smooth convex objectives.
//!
//! Why L-BFGS: the training objectives have ~10⁵–10⁶ parameters, are smooth
//! and convex, and one full-batch evaluation is cheap (a pass over the
//! non-zeros). L-BFGS needs only gradients, `2m` stored vectors, and
//! converges in tens to a few hundred evaluations where gradient descent
//! needs thousands. It is also what scikit-learn uses by default for
//! `LogisticRegression`, so results are comparable.
//!
//! The search direction is the L-BFGS one, `−H·g` with `H₀ = γI` and
//! `γ = sᵀy / yᵀy` of the newest pair (see [`History`] for how it is
//! computed with little memory traffic). Steps are chosen by
//! backtracking with quadratic interpolation until the Armijo condition
//! holds; pairs with too little curvature (`sᵀy ≤ ε·yᵀy`) are skipped so the
//! inverse-Hessian estimate stays positive definite. Nothing here is random
//! or parallel: given a deterministic objective the iterates are
//! deterministic.

use super::history::History;

/// Armijo sufficient-decrease constant.
const C1: f64 = 1e-4;
/// Line-search trials before giving up (each shrinks the step 2–10×, so 20
/// reach steps 10⁻⁶–10⁻²⁰ of the first; more only burns evaluations at the
/// limit of floating-point precision).
const MAX_LINE_SEARCH: usize = 20;

/// Settings of [`minimize`].
#[derive(Debug, Clone, PartialEq)]
pub struct LbfgsOptions {
    /// Number of correction pairs kept (`m`).
    pub memory: usize,
    /// Maximum number of iterations (accepted steps).
    pub max_iter: usize,
    /// Gradient stop: `‖g‖₂ ≤ tol · ‖g₀‖₂`. Objective stop: the objective
    /// fell by at most `tol · max(|f|, 1)` over the last `past` iterations.
    pub tol: f64,
    /// Window of the objective stop; 0 disables it.
    pub past: usize,
}

impl Default for LbfgsOptions {
    fn default() -> Self {
        LbfgsOptions {
            memory: 10,
            max_iter: 200,
            tol: 1e-4,
            past: 10,
        }
    }
}

/// Why [`minimize`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The relative gradient norm fell below `tol`.
    Gradient,
    /// The objective stopped decreasing (relative change below `tol`).
    Objective,
    /// `max_iter` iterations were done.
    MaxIter,
    /// No step along the search direction decreased the objective enough;
    /// usually the limit of floating-point precision near the optimum.
    LineSearch,
    /// The objective or gradient at the starting point was not finite.
    NonFinite,
}

/// The result of [`minimize`]: the best point found and how it was reached.
#[derive(Debug, Clone)]
pub struct LbfgsReport {
    pub x: Vec<f64>,
    pub f: f64,
    pub iterations: usize,
    pub evaluations: usize,
    pub stop: Stop,
}

impl LbfgsReport {
    /// True if a convergence test (gradient or objective) stopped the run.
    pub fn converged(&self) -> bool {
        matches!(self.stop, Stop::Gradient | Stop::Objective)
    }
}

/// Minimises `fun`, which returns the objective at `x` and writes the
/// gradient into its second argument, starting from `x0`.
pub fn minimize<F>(fun: F, x0: Vec<f64>, opts: &LbfgsOptions) -> LbfgsReport
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    minimize_observed(fun, x0, opts, |_, _| {})
}

/// [`minimize`], calling `observe(iteration, objective)` after every
/// accepted step, for progress reports: once per iteration, so it costs
/// nothing next to the evaluations, and it sees copies, so the run is the
/// same with or without it.
pub fn minimize_observed<F, O>(
    mut fun: F,
    x0: Vec<f64>,
    opts: &LbfgsOptions,
    mut observe: O,
) -> LbfgsReport
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
    O: FnMut(usize, f64),
{
    let n = x0.len();
    let mut x = x0;
    let mut g = vec![0.0; n];
    let mut f = fun(&x, &mut g);
    let mut report = LbfgsReport {
        x: Vec::new(),
        f,
        iterations: 0,
        evaluations: 1,
        stop: Stop::MaxIter,
    };
    let gnorm0 = norm(&g);
    if !f.is_finite() || !gnorm0.is_finite() {
        report.stop = Stop::NonFinite;
        report.x = x;
        return report;
    }
    let gtol = opts.tol * gnorm0;
    if gnorm0 <= gtol || gnorm0 == 0.0 {
        report.stop = Stop::Gradient;
        report.x = x;
        return report;
    }

    let mut history = History::new(opts.memory.max(1));
    let (mut d, mut xn, mut gn) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut past_f = vec![f; opts.past];
    while report.iterations < opts.max_iter {
        let mut gd = history.direction(&g, &mut d);
        let descent = gd < 0.0; // false for NaN too
        if !descent {
            // Not a descent direction (numerical trouble): restart.
            history.clear();
            for (di, &gi) in d.iter_mut().zip(&g) {
                *di = -gi;
            }
            gd = -dot(&g, &g);
        }
        // Without curvature information the scale of d is unknown: make the
        // first trial step of unit length.
        let mut step = if history.is_empty() {
            1.0 / norm(&d)
        } else {
            1.0
        };
        let mut accepted = None;
        for _ in 0..MAX_LINE_SEARCH {
            for ((xi, &x0i), &di) in xn.iter_mut().zip(&x).zip(&d) {
                *xi = x0i + step * di;
            }
            let fnew = fun(&xn, &mut gn);
            report.evaluations += 1;
            if fnew.is_finite() && fnew <= f + C1 * step * gd {
                accepted = Some(fnew);
                break;
            }
            // Minimum of the quadratic through f(0), f'(0) and f(step),
            // kept within [0.1, 0.5] of the current step.
            let denom = 2.0 * (fnew - f - gd * step);
            let trial = if fnew.is_finite() && denom > 0.0 {
                -gd * step * step / denom
            } else {
                0.1 * step
            };
            step = trial.clamp(0.1 * step, 0.5 * step);
        }
        let Some(fnew) = accepted else {
            if history.is_empty() {
                report.stop = Stop::LineSearch;
                break;
            }
            // A stale curvature model can give a poor direction: retry once
            // from steepest descent before giving up.
            history.clear();
            continue;
        };
        report.iterations += 1;
        history.push(&xn, &x, &gn, &g);
        std::mem::swap(&mut x, &mut xn);
        std::mem::swap(&mut g, &mut gn);
        f = fnew;
        observe(report.iterations, f);

        if norm(&g) <= gtol {
            report.stop = Stop::Gradient;
            break;
        }
        if opts.past > 0 {
            // past_f[i % past] holds the objective after iteration i.
            let at = report.iterations % opts.past;
            if report.iterations >= opts.past && past_f[at] - f <= opts.tol * f.abs().max(1.0) {
                report.stop = Stop::Objective;
                break;
            }
            past_f[at] = f;
        }
    }
    report.x = x;
    report.f = f;
    report
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    super::history::dot(a, b)
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock_minimum_found() {
        let rosen = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let opts = LbfgsOptions {
            max_iter: 500,
            tol: 1e-10,
            ..LbfgsOptions::default()
        };
        let r = minimize(rosen, vec![-1.2, 1.0], &opts);
        assert!(
            (r.x[0] - 1.0).abs() < 1e-5 && (r.x[1] - 1.0).abs() < 1e-5,
            "{r:?}"
        );
    }

    #[test]
    fn quadratic_solved_in_few_iterations() {
        // f = Σ c_i (x_i − i)² with condition number 100.
        let quad = |x: &[f64], g: &mut [f64]| {
            let mut f = 0.0;
            for i in 0..x.len() {
                let c = 1.0 + 99.0 * i as f64 / (x.len() - 1) as f64;
                let r = x[i] - i as f64;
                f += c * r * r;
                g[i] = 2.0 * c * r;
            }
            f
        };
        let opts = LbfgsOptions {
            max_iter: 200,
            tol: 1e-9,
            ..LbfgsOptions::default()
        };
        let r = minimize(quad, vec![0.0; 20], &opts);
        assert_eq!(r.stop, Stop::Gradient);
        assert!(r.iterations < 100, "{}", r.iterations);
        for (i, xi) in r.x.iter().enumerate() {
            assert!((xi - i as f64).abs() < 1e-6);
        }
    }

    #[test]
    fn observing_sees_every_iteration_and_changes_nothing() {
        let quad = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (x[0] - 3.0);
            g[1] = 20.0 * (x[1] + 1.0);
            (x[0] - 3.0).powi(2) + 10.0 * (x[1] + 1.0).powi(2)
        };
        let opts = LbfgsOptions::default();
        let plain = minimize(quad, vec![0.0, 0.0], &opts);
        let mut seen = Vec::new();
        let observed = minimize_observed(quad, vec![0.0, 0.0], &opts, |i, f| seen.push((i, f)));
        assert_eq!(plain.x, observed.x);
        assert_eq!(plain.iterations, observed.iterations);
        let iterations: Vec<usize> = seen.iter().map(|s| s.0).collect();
        assert_eq!(iterations, (1..=plain.iterations).collect::<Vec<_>>());
        assert_eq!(seen.last().map(|s| s.1), Some(plain.f));
    }

    #[test]
    fn non_finite_start_reported() {
        let r = minimize(|_, _| f64::NAN, vec![0.0; 3], &LbfgsOptions::default());
        assert_eq!(r.stop, Stop::NonFinite);
        assert!(!r.converged());
    }
}
