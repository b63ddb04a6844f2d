//! An experiment computed in slices: every run advances a bounded number of
//! steps per call, so a page can spread a long experiment over frames and
//! draw what is done. The result is exactly [`run_spec`](crate::experiment::landscape::run::run_spec)'s,
//! which is this run to the end in one call.

use serde_json::Value as Json;

use crate::error::SpecError;
use crate::experiment::landscape::run::{
    build_problem, trace, History, Outcome, Plan, Progress, RunResult,
};
use crate::experiment::landscape::spec::{RunSpec, Spec};
use crate::optim::schedule::Schedule;
use crate::optim::{Evaluations, Optimizer, Oracle};
use crate::random::{self, ChaCha8Rng};

/// One run between slices: its optimizer's state, its random stream and
/// where its loop stands.
struct Running {
    optimizer: Box<dyn Optimizer>,
    rng: Option<ChaCha8Rng>,
    order: Vec<usize>,
    evaluations: Evaluations,
    progress: Progress,
    spec: RunSpec,
    finished: bool,
}

/// An experiment being computed; its [`Outcome`] holds the steps taken so far.
pub struct Computation {
    spec: Spec,
    outcome: Outcome,
    running: Vec<Running>,
}

impl Computation {
    /// Builds the problem and every run's optimizer, and records the start
    /// points; no step is taken yet.
    pub fn start(spec: &Spec) -> Result<Self, SpecError> {
        let landscape = build_problem(spec)?;
        let start = spec.start.unwrap_or_else(|| landscape.default_start());
        let mut runs = Vec::with_capacity(spec.runs.len());
        let mut running = Vec::with_capacity(spec.runs.len());
        for (index, run) in spec.runs.iter().enumerate() {
            let optimizer = run
                .optimizer
                .build(landscape.dim(), &format!("runs[{index}]"))
                .map_err(|e| SpecError { errors: vec![e] })?;
            let mut history = History::empty(spec.steps);
            let progress =
                Progress::start(landscape.as_ref(), &plan(spec, run, &start), &mut history);
            let (rng, order) = Oracle::new(
                landscape.as_ref(),
                spec.noise,
                run.batch_size.or(spec.batch_size),
                random::stream(spec.seed, index as u64),
            )
            .into_state();
            running.push(Running {
                optimizer,
                rng: Some(rng),
                order,
                evaluations: Evaluations::default(),
                progress,
                spec: run.clone(),
                finished: false,
            });
            runs.push(RunResult {
                optimizer: run.optimizer.entry.name,
                label: run.label.clone(),
                history,
                evaluations: Evaluations::default(),
            });
        }
        let problem = spec
            .to_value()
            .get("problem")
            .cloned()
            .unwrap_or(Json::Null);
        let mut computation = Computation {
            spec: spec.clone(),
            outcome: Outcome {
                problem,
                start,
                runs,
                landscape,
            },
            running,
        };
        computation.finish_done();
        Ok(computation)
    }

    /// Takes up to `budget` steps in all, shared among the runs still going
    /// in order; returns whether every run has ended.
    pub fn advance(&mut self, budget: usize) -> bool {
        let mut left = budget;
        let landscape = self.outcome.landscape.as_ref();
        for (running, result) in self.running.iter_mut().zip(&mut self.outcome.runs) {
            if left == 0 {
                break;
            }
            if running.progress.done() {
                continue;
            }
            let Some(rng) = running.rng.take() else {
                continue;
            };
            let mut oracle = Oracle::resume(
                landscape,
                self.spec.noise,
                running.spec.batch_size.or(self.spec.batch_size),
                rng,
                std::mem::take(&mut running.order),
            );
            oracle.evaluations = running.evaluations;
            let plan = plan(&self.spec, &running.spec, &self.outcome.start);
            left -= running.progress.advance(
                landscape,
                &mut oracle,
                running.optimizer.as_mut(),
                &plan,
                &mut result.history,
                left,
            );
            running.evaluations = oracle.evaluations;
            result.evaluations = oracle.evaluations;
            let (rng, order) = oracle.into_state();
            running.rng = Some(rng);
            running.order = order;
        }
        self.finish_done()
    }

    /// Completes the runs that have ended (their averaged paths); returns
    /// whether all have.
    fn finish_done(&mut self) -> bool {
        let landscape = self.outcome.landscape.as_ref();
        for (running, result) in self.running.iter_mut().zip(&mut self.outcome.runs) {
            if running.progress.done() && !running.finished {
                let plan = plan(&self.spec, &running.spec, &self.outcome.start);
                running
                    .progress
                    .finish(landscape, &plan, &mut result.history);
                running.finished = true;
            }
        }
        self.finished()
    }

    /// Whether every run has ended.
    pub fn finished(&self) -> bool {
        self.running.iter().all(|r| r.finished)
    }

    /// The steps taken so far, run by run.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The result, whether or not every run has ended.
    pub fn into_outcome(self) -> Outcome {
        self.outcome
    }
}

/// Run `index` of `spec` again as `run` says (its hyperparameters may
/// differ) from `start` on `landscape`, to the end: the spec's steps and noise
/// and the run's own random stream, so that unchanged it is the run itself.
pub(crate) fn trace_again(
    landscape: &dyn crate::problem::Landscape,
    spec: &Spec,
    index: usize,
    run: &RunSpec,
    optimizer: &mut dyn Optimizer,
    start: &[f64; 2],
) -> History {
    let mut oracle = Oracle::new(
        landscape,
        spec.noise,
        run.batch_size.or(spec.batch_size),
        random::stream(spec.seed, index as u64),
    );
    trace(landscape, &mut oracle, optimizer, &plan(spec, run, start))
}

/// Run `index` of `spec`, or an error on `field` naming how many it has.
pub(crate) fn run_of(spec: &Spec, index: usize) -> Result<&RunSpec, SpecError> {
    spec.runs.get(index).ok_or_else(|| SpecError {
        errors: vec![crate::error::FieldError::new(
            "run",
            format!(
                "run {} does not exist: the spec has {}",
                index + 1,
                spec.runs.len()
            ),
        )],
    })
}

/// How `run` of `spec` is driven from `start`.
fn plan<'a>(spec: &Spec, run: &RunSpec, start: &'a [f64; 2]) -> Plan<'a> {
    Plan {
        start,
        steps: spec.steps,
        lr: run.optimizer.lr().unwrap_or(f64::NAN),
        schedule: run.schedule.as_ref().map_or(Schedule::Constant, |s| s.0),
        tolerance: spec.tolerance,
        averaging: run.averaging,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::landscape::run::run_spec;

    #[test]
    fn slices_give_exactly_the_whole_run() {
        let text = r#"{"problem": {"name": "regression"}, "steps": 300, "seed": 3, "batch_size": 4,
            "noise": {"kind": "gaussian", "sigma": 0.3},
            "runs": [{"optimizer": "adam", "lr": 0.05, "averaging": {"kind": "uniform"}},
                     {"optimizer": "sgd", "lr": 0.01, "momentum": 0.9}, {"optimizer": "svrg", "lr": 0.02}]}"#;
        let spec = Spec::from_json(text).unwrap();
        let whole = run_spec(&spec).unwrap();
        let mut sliced = Computation::start(&spec).unwrap();
        let mut calls = 0;
        while !sliced.advance(37) {
            calls += 1;
            assert!(calls < 1000);
        }
        assert!(calls > 10, "it was computed in slices");
        for (a, b) in whole.runs.iter().zip(&sliced.into_outcome().runs) {
            assert_eq!(a.history, b.history);
            assert_eq!(a.evaluations, b.evaluations);
        }
    }
}
