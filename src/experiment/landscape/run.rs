//! The runner: steps optimizers from a start point and records their histories.
//!
//! The runner owns the loop and its stopping rules; optimizers only know how
//! to take one step. A run stops early when it diverges (a non-finite value or
//! a point farther than [`DIVERGENCE_RADIUS`] from the origin) or, if the
//! spec sets a tolerance, when the gradient norm falls below it.

use serde::Serialize;
use serde_json::Value as Json;

use crate::error::SpecError;
use crate::experiment::landscape::computation::Computation;
use crate::experiment::landscape::spec::{Averaging, Spec};
use crate::optim::schedule::Schedule;
use crate::optim::{Evaluations, MomentumSplit, Optimizer, Oracle};
use crate::problem::registry as problems;
use crate::problem::{Landscape, Objective};

/// A point farther than this from the origin counts as divergence.
pub const DIVERGENCE_RADIUS: f64 = 1e6;

/// A step that leaves the point exactly where it was (a refused step of
/// Levenberg–Marquardt or a trust region) at a gradient norm at most this
/// ends the run as converged: no step can lower f in floating point there.
pub const STALL_GRADIENT: f64 = 1e-7;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It took every step it was asked for.
    Finished,
    /// Its gradient norm fell below the tolerance.
    Converged,
    /// It produced a non-finite value or left the divergence radius.
    Diverged,
}

/// A remark about one step (a modified Hessian, a refused step).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    /// The step it concerns (1 is the first step).
    pub step: usize,
    /// What happened.
    pub text: String,
}

/// The averaged iterates of a run (Polyak averaging).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AveragedPath {
    /// x̄ₜ for every t.
    pub points: Vec<Vec<f64>>,
    /// f(x̄ₜ).
    pub loss: Vec<f64>,
}

/// Everything recorded about one run, one entry per point visited.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct History {
    /// Points visited, starting with the start point.
    pub points: Vec<Vec<f64>>,
    /// The objective at each point.
    pub loss: Vec<f64>,
    /// The gradient's Euclidean norm at each point.
    pub grad_norm: Vec<f64>,
    /// The step size of each step (one fewer than points).
    pub lr: Vec<f64>,
    /// The trust-region radius after each step, for trust-region methods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub radius: Vec<f64>,
    /// The damping λ after each step, for Levenberg–Marquardt methods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub damping: Vec<f64>,
    /// Remarks about individual steps.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Each step split into its gradient and velocity parts, for momentum methods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub momentum: Vec<MomentumSplit>,
    /// How the run ended.
    pub status: Status,
    /// The step at which the run diverged, if it did.
    pub diverged_at: Option<usize>,
    /// The averaged path, if averaging was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub averaged: Option<AveragedPath>,
    /// The points whose value a step tried (line searches, trust regions),
    /// for the steps that tried any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trials: Vec<Trials>,
    /// A quasi-Newton method's Hessian model after each step that has one:
    /// (step, B row by row).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<(usize, [f64; 4])>,
}

/// The points one step tried before it moved (or did not).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trials {
    /// The step (1 is the first).
    pub step: usize,
    /// Each point whose value the step asked, in order.
    pub points: Vec<[f64; 2]>,
}

impl History {
    /// The points step `step` tried, if it tried any.
    pub fn trials_of(&self, step: usize) -> Option<&Trials> {
        self.trials
            .binary_search_by_key(&step, |t| t.step)
            .ok()
            .map(|i| &self.trials[i])
    }
}

impl History {
    /// The number of steps taken.
    pub fn steps(&self) -> usize {
        self.points.len().saturating_sub(1)
    }

    /// Every point drawn for the run: its iterates, then its averaged path's.
    pub fn drawn_points(&self) -> impl Iterator<Item = &[f64]> {
        self.points
            .iter()
            .chain(self.averaged.iter().flat_map(|a| &a.points))
            .map(Vec::as_slice)
    }

    /// Whether the run diverged while f fell without bound (it ended lower
    /// than it started, or at −∞): on a function unbounded below, the
    /// expected end of a method that descends.
    pub fn unbounded_below(&self) -> bool {
        self.status == Status::Diverged
            && self
                .loss
                .last()
                .zip(self.loss.first())
                .is_some_and(|(&last, &first)| last < first)
    }
}

/// How one run is driven.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan<'a> {
    /// The start point.
    pub start: &'a [f64],
    /// The most steps to take.
    pub steps: usize,
    /// The base learning rate (NaN for methods without one).
    pub lr: f64,
    /// How the learning rate changes over the steps.
    pub schedule: Schedule,
    /// Stop once the gradient norm is at most this.
    pub tolerance: Option<f64>,
    /// Polyak averaging of the iterates.
    pub averaging: Option<Averaging>,
}

/// Runs `optimizer` on `objective` through `oracle` as `plan` says.
pub fn trace(
    objective: &dyn Objective,
    oracle: &mut Oracle<'_>,
    optimizer: &mut dyn Optimizer,
    plan: &Plan<'_>,
) -> History {
    let mut history = History::empty(plan.steps);
    let mut progress = Progress::start(objective, plan, &mut history);
    progress.advance(objective, oracle, optimizer, plan, &mut history, usize::MAX);
    progress.finish(objective, plan, &mut history);
    history
}

/// Where a run stands between slices of steps: its point and next step, so
/// [`trace`]'s loop can stop after any number of steps and go on later with
/// exactly the same result.
#[derive(Clone, Debug)]
pub struct Progress {
    x: Vec<f64>,
    grad: Vec<f64>,
    /// The next step to take (1 is the first).
    next: usize,
    done: bool,
}

impl History {
    /// A history with room for `steps` steps and nothing recorded yet.
    pub fn empty(steps: usize) -> Self {
        // Room is reserved up to a bound: a long run grows as it goes.
        let room = steps.min(1 << 16);
        History {
            points: Vec::with_capacity(room + 1),
            loss: Vec::with_capacity(room + 1),
            grad_norm: Vec::with_capacity(room + 1),
            lr: Vec::with_capacity(room),
            radius: Vec::new(),
            damping: Vec::new(),
            notes: Vec::new(),
            momentum: Vec::new(),
            status: Status::Finished,
            diverged_at: None,
            averaged: None,
            trials: Vec::new(),
            models: Vec::new(),
        }
    }
}

impl Progress {
    /// Records the start point of `plan` in `history`; the run is already
    /// over if it diverged or converged there.
    pub fn start(objective: &dyn Objective, plan: &Plan<'_>, history: &mut History) -> Self {
        let mut progress = Progress {
            x: plan.start.to_vec(),
            grad: vec![0.0; plan.start.len()],
            next: 1,
            done: false,
        };
        let (ok, g0) = progress.record(objective, history);
        if !ok {
            history.status = Status::Diverged;
            history.diverged_at = Some(0);
            progress.done = true;
        } else if plan.tolerance.is_some_and(|t| g0 <= t) {
            history.status = Status::Converged;
            progress.done = true;
        }
        progress
    }

    /// Whether the run has ended (all steps taken, converged or diverged).
    pub fn done(&self) -> bool {
        self.done
    }

    /// Takes up to `budget` more steps; returns how many it took.
    pub fn advance(
        &mut self,
        objective: &dyn Objective,
        oracle: &mut Oracle<'_>,
        optimizer: &mut dyn Optimizer,
        plan: &Plan<'_>,
        history: &mut History,
        budget: usize,
    ) -> usize {
        let mut taken = 0;
        while !self.done && taken < budget {
            if self.next > plan.steps {
                self.done = true;
                break;
            }
            let step = self.next;
            let before = self.x.clone();
            let lr = plan.schedule.lr(plan.lr, step - 1);
            let watch = self.x.len() == 2;
            if watch {
                oracle.watch_probes();
            }
            let info = optimizer.step(&mut self.x, oracle, lr);
            let points: Vec<[f64; 2]> = if watch {
                oracle.take_probes().iter().map(|p| [p[0], p[1]]).collect()
            } else {
                Vec::new()
            };
            if !points.is_empty() {
                history.trials.push(Trials { step, points });
            }
            history.lr.push(info.lr);
            if let Some(r) = info.radius {
                history.radius.push(r);
            }
            if let Some(d) = info.damping {
                history.damping.push(d);
            }
            if let Some(text) = info.note {
                history.notes.push(Note { step, text });
            }
            if let Some(split) = info.momentum {
                history.momentum.push(split);
            }
            if let Some(model) = info.curvature_model {
                history.models.push((step, model));
            }
            taken += 1;
            self.next += 1;
            let (ok, g) = self.record(objective, history);
            if !ok {
                history.status = Status::Diverged;
                history.diverged_at = Some(step);
                self.done = true;
            } else if plan.tolerance.is_some_and(|t| g <= t)
                || (self.x == before && g <= STALL_GRADIENT)
            {
                history.status = Status::Converged;
                self.done = true;
            }
        }
        if self.next > plan.steps {
            self.done = true;
        }
        taken
    }

    /// Completes the history once the run is done: its averaged path.
    pub fn finish(&self, objective: &dyn Objective, plan: &Plan<'_>, history: &mut History) {
        history.averaged = plan
            .averaging
            .map(|a| average(objective, &history.points, a));
    }

    /// Records the current point; returns whether it is finite and inside
    /// the divergence radius, and the gradient norm there.
    fn record(&mut self, objective: &dyn Objective, history: &mut History) -> (bool, f64) {
        let x = &self.x;
        let loss = objective.value(x);
        objective.gradient(x, &mut self.grad);
        let grad_norm = self.grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        let radius = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        history.points.push(x.to_vec());
        history.loss.push(loss);
        history.grad_norm.push(grad_norm);
        let finite = loss.is_finite() && grad_norm.is_finite() && radius <= DIVERGENCE_RADIUS;
        (finite, grad_norm)
    }
}

/// Polyak averages of `points` and their losses.
fn average(objective: &dyn Objective, points: &[Vec<f64>], averaging: Averaging) -> AveragedPath {
    let mut mean = points.first().cloned().unwrap_or_default();
    let mut out = Vec::with_capacity(points.len());
    for (t, p) in points.iter().enumerate() {
        let w = match averaging {
            Averaging::Uniform => 1.0 / (t as f64 + 1.0),
            Averaging::Exponential { decay } => {
                if t == 0 {
                    1.0
                } else {
                    1.0 - decay
                }
            }
        };
        for (m, v) in mean.iter_mut().zip(p) {
            *m += w * (v - *m);
        }
        out.push(mean.clone());
    }
    let loss = out.iter().map(|p| objective.value(p)).collect();
    AveragedPath { points: out, loss }
}

/// One run's result, as the CLI prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunResult {
    /// The optimizer's registry name.
    pub optimizer: &'static str,
    /// The run's label.
    pub label: String,
    /// The run, step by step.
    #[serde(flatten)]
    pub history: History,
    /// What the run asked of the objective.
    #[serde(skip)]
    pub evaluations: Evaluations,
}

/// An experiment's result: the problem and every run.
#[derive(Debug, Serialize)]
pub struct Outcome {
    /// The problem as specified (name and given parameters).
    pub problem: Json,
    /// The start point used.
    pub start: [f64; 2],
    /// Each run, in spec order.
    pub runs: Vec<RunResult>,
    /// The problem itself, for drawing.
    #[serde(skip)]
    pub landscape: Box<dyn Landscape>,
}

impl std::fmt::Debug for dyn Landscape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Landscape")
            .field("window", &self.window())
            .finish()
    }
}

/// Builds the problem of `spec` (its data drawn from the spec's seed).
pub fn build_problem(spec: &Spec) -> Result<Box<dyn Landscape>, SpecError> {
    problems::build(spec.problem.entry.name, &spec.problem.params, spec.seed)
}

/// Runs every run of `spec` to the end.
pub fn run_spec(spec: &Spec) -> Result<Outcome, SpecError> {
    let mut computation = Computation::start(spec)?;
    computation.advance(usize::MAX);
    Ok(computation.into_outcome())
}

impl Outcome {
    /// Every run as a tidy table, one row per point:
    /// `run,label,optimizer,step,x,y,loss,grad_norm,lr,status,avg_x,avg_y,avg_loss`
    /// (the last three are the Polyak-averaged point and its f, empty without averaging).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            "run",
            "label",
            "optimizer",
            "step",
            "x",
            "y",
            "loss",
            "grad_norm",
            "lr",
            "status",
            "avg_x",
            "avg_y",
            "avg_loss",
        ])?;
        for (i, run) in self.runs.iter().enumerate() {
            let h = &run.history;
            let status = match h.status {
                Status::Finished => "finished",
                Status::Converged => "converged",
                Status::Diverged => "diverged",
            };
            let averaged = |pick: &dyn Fn(&AveragedPath) -> Option<f64>| {
                h.averaged
                    .as_ref()
                    .and_then(pick)
                    .map_or(String::new(), |v| v.to_string())
            };
            for (step, point) in h.points.iter().enumerate() {
                let lr = step
                    .checked_sub(1)
                    .and_then(|s| h.lr.get(s))
                    .map_or(String::new(), f64::to_string);
                writer.write_record([
                    i.to_string(),
                    run.label.clone(),
                    run.optimizer.to_string(),
                    step.to_string(),
                    point[0].to_string(),
                    point[1].to_string(),
                    h.loss[step].to_string(),
                    h.grad_norm[step].to_string(),
                    lr,
                    status.to_string(),
                    averaged(&|a: &AveragedPath| a.points.get(step).map(|p| p[0])),
                    averaged(&|a: &AveragedPath| a.points.get(step).map(|p| p[1])),
                    averaged(&|a: &AveragedPath| a.loss.get(step).copied()),
                ])?;
            }
        }
        let bytes = writer.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
