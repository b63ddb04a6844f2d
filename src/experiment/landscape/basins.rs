//! Basins of attraction: one run of a spec started from every cell of a grid
//! over the window, each start's fate recorded (the known minimum it ends
//! at, divergence, or neither within the steps) with the steps it took to
//! get there. Computed a slice of starts at a time, so a page can draw it
//! coarse first and stay responsive.

use serde::Serialize;

use super::computation::{run_of, trace_again};
use super::run::{build_problem, Status};
use super::spec::Spec;
use crate::error::{FieldError, SpecError};
use crate::problem::{Landscape, Window};

/// The most cells per side of a basin map.
pub const MAX_BASIN_SIZE: usize = 400;

/// A run ends at a minimum when it is within this share of the window's
/// width of it.
pub const REACH: f64 = 1e-3;

/// Where a start ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// At the known minimum with this index in the problem's list.
    Minimum(usize),
    /// The run diverged.
    Diverged,
    /// Neither: it stopped elsewhere (a saddle, a maximum, a minimum the
    /// problem does not list) or had not arrived when its steps ran out.
    Elsewhere,
}

/// Every start's fate over a grid of the window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BasinMap {
    /// Cells per side.
    pub size: usize,
    /// The window the grid covers.
    pub window: Window,
    /// The problem's known minima, which [`Fate::Minimum`] indexes.
    pub minima: Vec<[f64; 2]>,
    /// The most steps a run could take.
    pub steps: usize,
    /// Fates row by row from the bottom (y_min) up, each row left to right;
    /// cell (i, j) starts at the centre of its square. Cells not computed
    /// yet are absent (the vector grows as the map is computed).
    pub fates: Vec<Fate>,
    /// For each computed cell, the steps until the run was within reach of
    /// the minimum it ends at (all its steps for the other fates).
    pub arrival: Vec<usize>,
}

impl BasinMap {
    /// The start point of cell `index`.
    pub fn start(&self, index: usize) -> [f64; 2] {
        let w = &self.window;
        let (i, j) = (index / self.size, index % self.size);
        let n = self.size as f64;
        [
            w.x_min + (j as f64 + 0.5) * (w.x_max - w.x_min) / n,
            w.y_min + (i as f64 + 0.5) * (w.y_max - w.y_min) / n,
        ]
    }

    /// Whether every cell has been computed.
    pub fn complete(&self) -> bool {
        self.fates.len() == self.size * self.size
    }

    /// The indices of the minima some start reaches, in order.
    pub fn minima_reached(&self) -> Vec<usize> {
        let mut reached: Vec<usize> = self
            .fates
            .iter()
            .filter_map(|f| match f {
                Fate::Minimum(k) => Some(*k),
                _ => None,
            })
            .collect();
        reached.sort_unstable();
        reached.dedup();
        reached
    }
}

/// A basin map being computed.
pub struct BasinJob {
    spec: Spec,
    run: usize,
    landscape: Box<dyn Landscape>,
    map: BasinMap,
}

impl BasinJob {
    /// Sets up the map of run `run` of `spec` over its window (or `window`)
    /// with `size` cells per side; says what is wrong with the request.
    pub fn new(
        spec: &Spec,
        run: usize,
        size: usize,
        window: Option<Window>,
    ) -> Result<Self, SpecError> {
        let refuse = |field: &str, message: String| SpecError {
            errors: vec![FieldError::new(field, message)],
        };
        run_of(spec, run)?;
        if !(2..=MAX_BASIN_SIZE).contains(&size) {
            return Err(refuse(
                "size",
                format!("{size} cells per side: from 2 to {MAX_BASIN_SIZE}"),
            ));
        }
        let landscape = build_problem(spec)?;
        let window = window.unwrap_or_else(|| landscape.window());
        let map = BasinMap {
            size,
            window,
            minima: landscape.minima(),
            steps: spec.steps,
            fates: Vec::with_capacity(size * size),
            arrival: Vec::with_capacity(size * size),
        };
        Ok(Self {
            spec: spec.clone(),
            run,
            landscape,
            map,
        })
    }

    /// Computes up to `starts` more cells; returns whether the map is complete.
    pub fn advance(&mut self, starts: usize) -> bool {
        let run = &self.spec.runs[self.run];
        let reach = REACH * (self.map.window.x_max - self.map.window.x_min);
        for _ in 0..starts {
            if self.map.complete() {
                break;
            }
            let start = self.map.start(self.map.fates.len());
            let Ok(mut optimizer) = run.optimizer.build(2, "run") else {
                self.map.fates.push(Fate::Elsewhere);
                self.map.arrival.push(self.spec.steps);
                continue;
            };
            let history = trace_again(
                self.landscape.as_ref(),
                &self.spec,
                self.run,
                run,
                optimizer.as_mut(),
                &start,
            );
            let (fate, arrival) = fate_of(&history, &self.map.minima, reach);
            self.map.fates.push(fate);
            self.map.arrival.push(arrival);
        }
        self.map.complete()
    }

    /// The map so far.
    pub fn map(&self) -> &BasinMap {
        &self.map
    }

    /// The map, complete or not.
    pub fn into_map(self) -> BasinMap {
        self.map
    }
}

/// The whole basin map of run `run` of `spec` (see [`BasinJob::new`]).
pub fn basin_map(
    spec: &Spec,
    run: usize,
    size: usize,
    window: Option<Window>,
) -> Result<BasinMap, SpecError> {
    let mut job = BasinJob::new(spec, run, size, window)?;
    job.advance(usize::MAX);
    Ok(job.into_map())
}

/// A run's fate and the steps it took to arrive.
fn fate_of(history: &super::run::History, minima: &[[f64; 2]], reach: f64) -> (Fate, usize) {
    let steps = history.steps();
    let last = history
        .points
        .last()
        .map_or([f64::NAN; 2], |p| [p[0], p[1]]);
    if history.status == Status::Diverged || !last.iter().all(|v| v.is_finite()) {
        return (Fate::Diverged, steps);
    }
    let distance = |p: &[f64], m: &[f64; 2]| (p[0] - m[0]).hypot(p[1] - m[1]);
    let nearest = minima
        .iter()
        .enumerate()
        .map(|(k, m)| (k, distance(&last, m)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((k, d)) if d <= reach => {
            let arrival = history
                .points
                .iter()
                .position(|p| distance(p, &minima[k]) <= reach)
                .unwrap_or(steps);
            (Fate::Minimum(k), arrival)
        }
        _ => (Fate::Elsewhere, steps),
    }
}
