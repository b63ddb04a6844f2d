//! The view inside the network, computed in a worker: the panels trained
//! again with their parameters kept (the same specs and seeds give the same
//! paths), then a coarse slice, then the fine one, each posted as it is ready.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::experiment::classifier::inside::{
    record_runs, view_of, RecordedRuns, SliceRequest, SliceView,
};
use crate::experiment::classifier::ClassifierSpec;
use crate::nn::slice::Directions;
use crate::nn::spectrum::SpectrumEntry;
use crate::nn::Mlp;

/// The largest network the page re-trains for this view (the CLI draws any).
pub const INSIDE_PARAMETERS: usize = 20_000;
/// Grid points per side of the first, quick slice.
pub const COARSE_SIZE: usize = 11;
/// Grid points per side of the full slice.
pub const FINE_SIZE: usize = 41;
/// About this many spectra over the reference run.
const SPECTRA: usize = 40;

/// What the worker posts back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InsideMessage {
    /// Always "inside" (tells it from training snapshots).
    pub kind: String,
    /// The request it answers.
    pub generation: u32,
    /// Whether a finer slice follows.
    pub coarse: bool,
    /// The slice and the paths.
    pub view: Option<SliceView>,
    /// The top of the reference run's spectra over training.
    pub spectrum: Vec<SpectrumEntry>,
    /// The reference optimizer's edge of stability, if it has one.
    pub edge: Option<f64>,
    /// Why there is no view.
    pub error: Option<String>,
    /// Milliseconds the slice, its paths and the profile took to compute
    /// (not the training before them).
    pub slice_ms: f64,
}

/// One request's work, a stage per call.
pub struct InsideJob {
    generation: u32,
    plan: Result<(Vec<ClassifierSpec>, SliceRequest), String>,
    recorded: Option<RecordedRuns>,
    done: bool,
}

impl InsideJob {
    /// A job for the panels' `specs`, centred on panel `reference` (0-based).
    pub fn new(
        generation: u32,
        specs: &[Json],
        directions: &str,
        extent: f64,
        reference: usize,
    ) -> Self {
        Self {
            generation,
            plan: plan(specs, directions, extent, reference),
            recorded: None,
            done: false,
        }
    }

    /// Whether every message has been posted.
    pub fn done(&self) -> bool {
        self.done
    }

    /// The next stage: the runs and the coarse slice, then the fine slice;
    /// `clock` gives milliseconds.
    pub fn advance(&mut self, clock: &dyn Fn() -> f64) -> Option<InsideMessage> {
        if self.done {
            return None;
        }
        let (specs, request) = match &self.plan {
            Ok(plan) => plan,
            Err(why) => {
                self.done = true;
                return Some(self.message(false, None, Some(why.clone())));
            }
        };
        let coarse = self.recorded.is_none();
        if coarse {
            let reference = &specs[request.reference];
            let entries = reference.iterations.div_ceil(reference.log_every).max(1);
            let every = reference.log_every * entries.div_ceil(SPECTRA);
            match record_runs(specs, request.reference, every) {
                Ok(recorded) => self.recorded = Some(recorded),
                Err(why) => {
                    self.done = true;
                    return Some(self.message(false, None, Some(why)));
                }
            }
        }
        let size = if coarse { COARSE_SIZE } else { FINE_SIZE };
        let recorded = self.recorded.as_ref()?;
        let started = clock();
        let view = view_of(recorded, &SliceRequest { size, ..*request });
        let slice_ms = clock() - started;
        self.done = !coarse;
        let mut message = self.message(coarse, Some(view), None);
        message.slice_ms = slice_ms;
        Some(message)
    }

    fn message(
        &self,
        coarse: bool,
        view: Option<SliceView>,
        error: Option<String>,
    ) -> InsideMessage {
        let (spectrum, edge) = match (&self.recorded, &self.plan) {
            (Some(recorded), Ok((specs, request))) => (
                recorded.reference_history.spectrum.clone(),
                specs[request.reference].optimizer.stability_edge(),
            ),
            _ => (Vec::new(), None),
        };
        InsideMessage {
            kind: "inside".into(),
            generation: self.generation,
            coarse,
            view,
            spectrum,
            edge,
            error,
            slice_ms: 0.0,
        }
    }
}

fn plan(
    specs: &[Json],
    directions: &str,
    extent: f64,
    reference: usize,
) -> Result<(Vec<ClassifierSpec>, SliceRequest), String> {
    let directions = Directions::named(directions)
        .ok_or_else(|| format!("directions: '{directions}' is not a kind of direction"))?;
    if !(extent.is_finite() && extent > 0.0 && extent <= 100.0) {
        return Err(format!("extent: must be in (0, 100], got {extent}"));
    }
    let specs = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            ClassifierSpec::from_value(spec).map_err(|e| format!("panel {}: {e}", i + 1))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let centre = specs
        .get(reference)
        .ok_or_else(|| format!("panel {} does not exist", reference + 1))?;
    let parameters = Mlp::new(centre.architecture).param_count();
    if parameters > INSIDE_PARAMETERS {
        return Err(format!(
            "panel {}: width {} has {parameters} parameters; the page re-trains the panels for this view up to {INSIDE_PARAMETERS} (descent plot --view slice draws any width)",
            reference + 1,
            centre.architecture.width
        ));
    }
    Ok((
        specs,
        SliceRequest {
            directions,
            extent,
            reference,
            ..SliceRequest::default()
        },
    ))
}
