//! Hyperparameter sweeps: one run of a spec repeated with one hyperparameter
//! (or two) set to each value of a grid, or to values drawn at random —
//! grid and random search as the hyperparameter-optimisation lecture
//! describes them — recording each setting's final loss, the steps it took
//! to reach the spec's tolerance and whether it diverged.

use serde::Serialize;
use serde_json::Value as Json;

use super::computation::{run_of, trace_again};
use super::run::{build_problem, Status};
use super::spec::Spec;
use crate::error::{FieldError, SpecError};
use crate::optim::registry::Configured;
use crate::param::{ParamKind, ParamSpec};
use crate::problem::Landscape;
use crate::random;

/// The most settings a sweep may try.
pub const MAX_SETTINGS: usize = 10_000;

/// One swept hyperparameter: its name and the range of its values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    /// The hyperparameter's name in the registry (`lr`, `momentum`, …).
    pub name: String,
    /// The smallest value.
    pub from: f64,
    /// The largest value.
    pub to: f64,
    /// Values per axis for a grid search.
    pub count: usize,
    /// Spaced evenly in the logarithm (rates) rather than linearly.
    pub log: bool,
}

impl Axis {
    /// `count` values over what `param` accepts: its declared range, on a
    /// log axis over at most five decades below its top where it is
    /// declared logarithmic (a rate from 1e-4 to 10); `None` for switches,
    /// choices and whole numbers.
    pub fn over(param: &ParamSpec, count: usize) -> Option<Self> {
        let ParamKind::Real {
            min,
            max,
            log_scale,
        } = param.kind
        else {
            return None;
        };
        let from = if log_scale { min.max(max * 1e-5) } else { min };
        Some(Self {
            name: param.name.to_string(),
            from,
            to: max,
            count,
            log: log_scale,
        })
    }

    /// The grid's `k`-th value of `count`.
    pub fn value(&self, k: usize) -> f64 {
        let t = if self.count > 1 {
            k as f64 / (self.count - 1) as f64
        } else {
            0.0
        };
        self.at(t)
    }

    /// The value a share `t` ∈ [0, 1] of the way along the axis.
    pub fn at(&self, t: f64) -> f64 {
        if self.log {
            (self.from.ln() + t * (self.to.ln() - self.from.ln())).exp()
        } else {
            self.from + t * (self.to - self.from)
        }
    }
}

/// How the settings are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Search {
    /// Every combination of the axes' grid values.
    Grid,
    /// `count` settings drawn uniformly (in the logarithm on log axes) from `seed`.
    Random {
        /// How many settings.
        count: usize,
        /// The seed of the draws.
        seed: u64,
    },
}

/// What one setting gave.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setting {
    /// The swept hyperparameters' values, in axis order.
    pub values: Vec<f64>,
    /// The loss at the run's last point (NaN when the setting was refused).
    pub final_loss: f64,
    /// The first step at which the loss was at most the tolerance asked for.
    pub steps_to_tolerance: Option<usize>,
    /// How the run ended (none when the setting was refused).
    pub status: Option<Status>,
    /// Why the optimizer refused the setting (a value outside its range).
    pub refused: Option<String>,
}

impl Setting {
    /// Whether the run diverged.
    pub fn diverged(&self) -> bool {
        self.status == Some(Status::Diverged)
    }
}

/// A sweep's settings and which was best.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// The run swept (0-based).
    pub run: usize,
    /// The swept hyperparameters.
    pub axes: Vec<Axis>,
    /// How the settings were chosen.
    pub search: Search,
    /// The loss level counted as reached.
    pub tolerance: f64,
    /// Every setting tried, row by row for a two-axis grid (the first axis
    /// varying fastest).
    pub settings: Vec<Setting>,
    /// The best setting: the fewest steps to the tolerance, then the lowest
    /// final loss; none when every setting diverged or was refused.
    pub best: Option<usize>,
    /// The problem's Hessian eigenvalues (μ, L) where they are fixed (a
    /// quadratic), for marking what the theory says on the sweep.
    pub curvature: Option<(f64, f64)>,
    /// The swept run's optimizer (its registry name).
    pub optimizer: &'static str,
}

/// The name of gradient descent's edge of stability on a quadratic, 2/L.
pub const EDGE_OF_STABILITY: &str = "2/L";

/// What the theory says a sweep should find on a quadratic with Hessian
/// eigenvalues μ ≤ L, as (hyperparameter, value, name) marks: gradient
/// descent's best rate 2/(L + μ) and its edge 2/L; heavy ball's best
/// α = 4/(√L + √μ)² and momentum ((√L − √μ)/(√L + √μ))².
pub fn theory_marks(sweep: &Sweep) -> Vec<(&'static str, f64, &'static str)> {
    use crate::optim::registry::{GD, SGD};
    let Some((mu, l)) = sweep.curvature else {
        return Vec::new();
    };
    let (a, b) = (l.sqrt(), mu.sqrt());
    if sweep.optimizer == GD.name {
        vec![
            ("lr", 2.0 / (l + mu), "2/(L+μ)"),
            ("lr", 2.0 / l, EDGE_OF_STABILITY),
        ]
    } else if sweep.optimizer == SGD.name {
        vec![
            ("lr", 4.0 / ((a + b) * (a + b)), "heavy ball's best α"),
            ("momentum", ((a - b) / (a + b)).powi(2), "its best μ"),
        ]
    } else {
        Vec::new()
    }
}

/// The loss counted as reached on `landscape`: a millionth above its lowest
/// known minimum (0 on the classic test functions), so a problem whose
/// minimum is not 0 is judged as fairly as one whose minimum is.
pub fn tolerance_above_minimum(landscape: &dyn Landscape) -> f64 {
    let floor = landscape
        .minima()
        .iter()
        .map(|m| landscape.value(m))
        .fold(f64::INFINITY, f64::min);
    let floor = if floor.is_finite() { floor } else { 0.0 };
    floor + 1e-6 * (1.0 + floor.abs())
}

/// What a run's learning rate was tuned to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tuned {
    /// The run (0-based).
    pub run: usize,
    /// The rate it had.
    pub before: Option<f64>,
    /// The best rate of the grid, if any setting converged without diverging.
    pub after: Option<f64>,
    /// The steps that rate took to the tolerance.
    pub steps_to_tolerance: Option<usize>,
}

/// A fair race: every run with a learning rate gets the best rate of the same
/// log grid over the same budget (`axis` names `lr`), by [`sweep`]; the spec
/// comes back with those rates and the table of what changed.
pub fn tune(spec: &Spec, axis: &Axis, tolerance: f64) -> Result<(Spec, Vec<Tuned>), SpecError> {
    let mut tuned = spec.clone();
    let mut table = Vec::new();
    for (run, original) in spec.runs.iter().enumerate() {
        let Some(before) = original.optimizer.lr() else {
            continue;
        };
        let result = sweep(
            spec,
            run,
            std::slice::from_ref(axis),
            Search::Grid,
            tolerance,
        )?;
        let best = result.best.map(|i| &result.settings[i]);
        if let Some(best) = best {
            let mut given = original.given.clone();
            given.insert(axis.name.clone(), Json::from(best.values[0]));
            let configured = Configured::new(original.optimizer.entry.name, &given, "run")
                .map_err(|errors| SpecError { errors })?;
            tuned.runs[run].optimizer = configured;
            tuned.runs[run].given = given;
            tuned.runs[run].label = format!(
                "{}, tuned lr = {}",
                original.optimizer.entry.label,
                crate::render::number::format_number(best.values[0])
            );
        }
        table.push(Tuned {
            run,
            before: Some(before),
            after: best.map(|b| b.values[0]),
            steps_to_tolerance: best.and_then(|b| b.steps_to_tolerance),
        });
    }
    Ok((tuned, table))
}

/// A sweep being computed, a few settings at a time (the page slices it
/// across frames; [`sweep`] runs it whole).
pub struct SweepJob {
    spec: Spec,
    run: usize,
    axes: Vec<Axis>,
    search: Search,
    tolerance: f64,
    landscape: Box<dyn Landscape>,
    points: Vec<Vec<f64>>,
    tried: Vec<Setting>,
}

impl SweepJob {
    /// Checks the request (the run exists and has the axes' hyperparameters,
    /// the ranges increase, at most [`MAX_SETTINGS`] settings) and builds the problem.
    pub fn new(
        spec: &Spec,
        run: usize,
        axes: &[Axis],
        search: Search,
        tolerance: f64,
    ) -> Result<Self, SpecError> {
        let refuse = |message: String| SpecError {
            errors: vec![FieldError::new("axes", message)],
        };
        let base = run_of(spec, run)?;
        if axes.is_empty() || axes.len() > 2 {
            return Err(refuse(format!("{} axes: sweep one or two", axes.len())));
        }
        for axis in axes {
            if !base
                .optimizer
                .entry
                .params
                .iter()
                .any(|p| p.name == axis.name)
            {
                let names: Vec<&str> = base.optimizer.entry.params.iter().map(|p| p.name).collect();
                return Err(refuse(format!(
                    "{} has no hyperparameter '{}': it has {}",
                    base.optimizer.entry.label,
                    axis.name,
                    names.join(", ")
                )));
            }
            if !(axis.from.is_finite() && axis.to.is_finite() && axis.from < axis.to)
                || (axis.log && axis.from <= 0.0)
            {
                return Err(refuse(format!(
                    "'{}' from {} to {}: the range must be increasing{}",
                    axis.name,
                    axis.from,
                    axis.to,
                    if axis.log {
                        " and positive on a log axis"
                    } else {
                        ""
                    }
                )));
            }
        }
        let points = settings(axes, search);
        if points.is_empty() || points.len() > MAX_SETTINGS {
            return Err(refuse(format!(
                "{} settings: from 1 to {MAX_SETTINGS} (each is a whole run)",
                points.len()
            )));
        }
        Ok(Self {
            spec: spec.clone(),
            run,
            axes: axes.to_vec(),
            search,
            tolerance,
            landscape: build_problem(spec)?,
            tried: Vec::with_capacity(points.len()),
            points,
        })
    }

    /// Tries up to `count` more settings; returns whether every one is tried.
    pub fn advance(&mut self, count: usize) -> bool {
        for _ in 0..count {
            let Some(values) = self.points.get(self.tried.len()).cloned() else {
                break;
            };
            let setting = try_setting(
                self.landscape.as_ref(),
                &self.spec,
                self.run,
                &self.axes,
                values,
                self.tolerance,
            );
            self.tried.push(setting);
        }
        self.complete()
    }

    /// Whether every setting is tried.
    pub fn complete(&self) -> bool {
        self.tried.len() == self.points.len()
    }

    /// The share of settings tried, in [0, 1].
    pub fn progress(&self) -> f64 {
        self.tried.len() as f64 / self.points.len() as f64
    }

    /// The sweep over the settings tried so far.
    pub fn sweep(&self) -> Sweep {
        let best = self
            .tried
            .iter()
            .enumerate()
            .filter(|(_, s)| s.refused.is_none() && !s.diverged() && s.final_loss.is_finite())
            .min_by(|(_, a), (_, b)| {
                let steps = |s: &Setting| s.steps_to_tolerance.unwrap_or(usize::MAX);
                steps(a)
                    .cmp(&steps(b))
                    .then(a.final_loss.total_cmp(&b.final_loss))
            })
            .map(|(i, _)| i);
        Sweep {
            run: self.run,
            axes: self.axes.clone(),
            search: self.search,
            tolerance: self.tolerance,
            settings: self.tried.clone(),
            best,
            curvature: self.landscape.curvature_range(),
            optimizer: self.spec.runs[self.run].optimizer.entry.name,
        }
    }
}

/// Sweeps run `run` of `spec` over `axes` (one or two), each setting a full
/// run of the spec's steps; `tolerance` is the loss counted as reached.
pub fn sweep(
    spec: &Spec,
    run: usize,
    axes: &[Axis],
    search: Search,
    tolerance: f64,
) -> Result<Sweep, SpecError> {
    let mut job = SweepJob::new(spec, run, axes, search, tolerance)?;
    job.advance(usize::MAX);
    Ok(job.sweep())
}

/// The settings a search tries, each a value per axis.
fn settings(axes: &[Axis], search: Search) -> Vec<Vec<f64>> {
    match search {
        Search::Grid => {
            let total: usize = axes.iter().map(|a| a.count).product();
            if total > MAX_SETTINGS {
                return vec![Vec::new(); MAX_SETTINGS + 1];
            }
            (0..total)
                .map(|mut k| {
                    axes.iter()
                        .map(|a| {
                            let value = a.value(k % a.count);
                            k /= a.count;
                            value
                        })
                        .collect()
                })
                .collect()
        }
        Search::Random { count, seed } => {
            if count > MAX_SETTINGS {
                return vec![Vec::new(); count.min(MAX_SETTINGS + 1)];
            }
            let mut rng = random::stream(seed, 1 << 45);
            (0..count)
                .map(|_| {
                    axes.iter()
                        .map(|a| a.at(random::open_unit(&mut rng)))
                        .collect()
                })
                .collect()
        }
    }
}

/// Runs the spec's run `run` with the axes' hyperparameters set to
/// `values`: the same start, steps, noise and random stream as the run itself.
fn try_setting(
    landscape: &dyn Landscape,
    spec: &Spec,
    run: usize,
    axes: &[Axis],
    values: Vec<f64>,
    tolerance: f64,
) -> Setting {
    let mut one = spec.runs[run].clone();
    for (axis, value) in axes.iter().zip(&values) {
        one.given.insert(axis.name.clone(), Json::from(*value));
    }
    let refused = |message: String| Setting {
        values: values.clone(),
        final_loss: f64::NAN,
        steps_to_tolerance: None,
        status: None,
        refused: Some(message),
    };
    let built = Configured::new(one.optimizer.entry.name, &one.given, "run")
        .map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .and_then(|configured| {
            let optimizer = configured
                .build(landscape.dim(), "run")
                .map_err(|e| e.to_string())?;
            Ok((configured, optimizer))
        });
    let (configured, mut optimizer) = match built {
        Ok(built) => built,
        Err(message) => return refused(message),
    };
    one.optimizer = configured;
    let start = spec.start.unwrap_or_else(|| landscape.default_start());
    let history = trace_again(landscape, spec, run, &one, optimizer.as_mut(), &start);
    Setting {
        final_loss: history.loss.last().copied().unwrap_or(f64::NAN),
        steps_to_tolerance: history.loss.iter().position(|&l| l <= tolerance),
        status: Some(history.status),
        refused: None,
        values,
    }
}
