//! The landscape experiment being computed: started from the state's spec,
//! advanced a slice per frame, read by the views.

use super::app::App;
use super::{controls, dom};
use crate::experiment::landscape::computation::Computation;
use crate::experiment::landscape::run::Outcome;
use crate::experiment::landscape::spec::Spec;

/// Milliseconds of computing per frame, taken in pieces of [`PIECE_STEPS`].
const SLICE_MS: f64 = 20.0;
/// Steps between looks at the clock while computing (about 1 to 3 ms).
const PIECE_STEPS: usize = 5_000;

impl App {
    /// Starts computing the state's experiment and takes its first slice of
    /// steps (a short experiment is done at once; a long one goes on a slice
    /// per frame); a bad value is named in the status line and outlined.
    pub(super) fn recompute(&mut self) {
        let value = self.state.landscape.spec_value();
        match Spec::from_value(&value).and_then(|spec| Computation::start(&spec)) {
            Ok(computation) => {
                self.computation = Some(computation);
                self.generation += 1;
                self.error = None;
                controls::mark_invalid(&self.el.problem_params, &[]);
                controls::mark_invalid(&self.el.runs, &[]);
                self.compute_slice();
            }
            Err(err) => {
                let fields: Vec<String> = err.errors.iter().map(|e| e.field.clone()).collect();
                controls::mark_invalid(&self.el.problem_params, &fields);
                controls::mark_invalid(&self.el.runs, &fields);
                self.error = Some(err.to_string());
            }
        }
        self.dirty = true;
    }

    /// Computes the experiment for about [`SLICE_MS`], if it is not done; the shown step is kept inside what is computed once it is done.
    pub(super) fn compute_slice(&mut self) {
        let Some(computation) = self.computation.as_mut() else {
            return;
        };
        if computation.finished() {
            return;
        }
        let began = dom::now();
        let mut finished = computation.advance(PIECE_STEPS);
        while !finished && dom::now() - began < SLICE_MS {
            finished = computation.advance(PIECE_STEPS);
        }
        // The slice's cost, for the page benchmark to report.
        let _ = self
            .el
            .canvas
            .set_attribute("data-compute-ms", &format!("{:.1}", dom::now() - began));
        let total = computation
            .outcome()
            .runs
            .iter()
            .map(|r| r.history.steps())
            .max()
            .unwrap_or(0);
        if finished {
            self.state.landscape.set_total(total);
            self.show_caption();
        } else {
            // Not clamped yet: an address's step may lie beyond this slice.
            self.state.landscape.total = total;
        }
        self.update_text();
        self.dirty = true;
    }

    /// The steps computed so far.
    pub(super) fn outcome(&self) -> Option<&Outcome> {
        self.computation.as_ref().map(Computation::outcome)
    }

    /// Whether the experiment is still being computed.
    pub(super) fn computing(&self) -> bool {
        self.computation.as_ref().is_some_and(|c| !c.finished())
    }
}
