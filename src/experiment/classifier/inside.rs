//! A view inside trained networks, for slides and export: several runs of
//! one network on one loss slice through a reference run's final
//! parameters, each path projected onto the plane with its distance from
//! it, and the loss along the line from the reference's initial to its
//! final parameters.

use serde::{Deserialize, Serialize};

use super::session::Session;
use super::{ClassifierSpec, TrainingHistory};
use crate::data::PeaksData;
use crate::nn::slice::{plane, profile, sample, Directions, LossSlice, Projection};
use crate::nn::{Classifier, Mlp};

/// The most memory the recorded parameter paths may take (bytes).
pub const PATH_BUDGET: usize = 256 << 20;

/// What slice to draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SliceRequest {
    /// How the plane's directions are chosen.
    pub directions: Directions,
    /// Half the side of the square, in units of the directions.
    pub extent: f64,
    /// Grid points per side.
    pub size: usize,
    /// The run whose final parameters are the centre (0-based).
    pub reference: usize,
    /// Seed of random directions.
    pub seed: u64,
}

impl Default for SliceRequest {
    fn default() -> Self {
        Self {
            directions: Directions::FilterNormalised,
            extent: 1.0,
            size: 41,
            reference: 0,
            seed: 0,
        }
    }
}

/// One run's path on the plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathOnPlane {
    /// Which run (0-based, in the order given).
    pub run: usize,
    /// The run's optimizer, as the registry labels it.
    pub optimizer: String,
    /// The logged iterations.
    pub iterations: Vec<usize>,
    /// Where the parameters were at each, on and off the plane.
    pub points: Vec<Projection>,
}

/// The slice, the paths on it and the reference's profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SliceView {
    /// How the directions were chosen.
    pub directions: Directions,
    /// The reference run (0-based).
    pub reference: usize,
    /// The training loss on the grid.
    pub slice: LossSlice,
    /// The path of every run on the reference's network and data.
    pub paths: Vec<PathOnPlane>,
    /// The runs left out (0-based): another network or data set has another loss.
    pub left_out: Vec<usize>,
    /// (t, loss) along (1 − t)·initial + t·final of the reference run.
    pub profile: Vec<[f64; 2]>,
}

impl SliceView {
    /// The runs (0-based) whose path leaves the slice's window somewhere
    /// (those parts are not drawn: a wider extent shows them).
    pub fn leaving(&self) -> Vec<usize> {
        let e = self.slice.extent;
        self.paths
            .iter()
            .filter(|p| {
                p.points
                    .iter()
                    .any(|q| q.alpha.abs() > e || q.beta.abs() > e)
            })
            .map(|p| p.run)
            .collect()
    }
}

/// Runs trained with their parameters kept at every log entry.
pub struct RecordedRuns {
    reference: usize,
    reference_spec: ClassifierSpec,
    runs: Vec<Path>,
    left_out: Vec<usize>,
    /// The reference run's log (with the top of its spectra when asked for).
    pub reference_history: TrainingHistory,
}

/// Trains every run on the reference's network and data (keeping its
/// parameters at each log entry; the others are left out), the reference
/// with its spectra every `spectrum_every` iterations (0: as its spec says).
pub fn record_runs(
    specs: &[ClassifierSpec],
    reference: usize,
    spectrum_every: usize,
) -> Result<RecordedRuns, String> {
    let reference_spec = specs.get(reference).ok_or_else(|| {
        format!(
            "reference: run {} does not exist (there are {})",
            reference + 1,
            specs.len()
        )
    })?;
    let parameters = Mlp::new(reference_spec.architecture).param_count();
    let same = |spec: &ClassifierSpec| {
        spec.architecture == reference_spec.architecture && spec.data == reference_spec.data
    };
    let kept: Vec<usize> = (0..specs.len()).filter(|&i| same(&specs[i])).collect();
    let entries: usize = kept
        .iter()
        .map(|&i| specs[i].iterations / specs[i].log_every + 2)
        .sum();
    let bytes = entries * parameters * 8;
    if bytes > PATH_BUDGET {
        return Err(format!(
            "the runs' parameters at {entries} log entries take {} MiB (limit {} MiB): log less often or use fewer runs",
            bytes >> 20,
            PATH_BUDGET >> 20
        ));
    }
    let mut runs = Vec::with_capacity(kept.len());
    let mut reference_history = TrainingHistory::default();
    for &i in &kept {
        let mut spec = specs[i].clone();
        if i == reference && spectrum_every > 0 {
            spec.spectrum_every = spectrum_every;
        }
        let (path, history) = path_of(i, &spec)?;
        if i == reference {
            reference_history = history;
        }
        runs.push(path);
    }
    Ok(RecordedRuns {
        reference: kept.iter().position(|&i| i == reference).unwrap_or(0),
        reference_spec: reference_spec.clone(),
        runs,
        left_out: (0..specs.len()).filter(|i| !kept.contains(i)).collect(),
        reference_history,
    })
}

/// The slice through the reference's final parameters with every recorded
/// run on it; `request.size` sets the grid (a coarse one first, then fine).
pub fn view_of(recorded: &RecordedRuns, request: &SliceRequest) -> SliceView {
    let reference = &recorded.reference_spec;
    let (seed, points, fraction) = reference.data;
    let data = PeaksData::generate(seed, points, fraction);
    let mlp = Mlp::new(reference.architecture).with_precision(reference.precision);
    let classifier = Classifier::new(mlp, data.train);
    let (_, _, reference_path) = &recorded.runs[recorded.reference];
    let initial = &reference_path[0].1;
    let center = &reference_path[reference_path.len() - 1].1;
    let plane = plane(
        &classifier,
        center,
        initial,
        request.directions,
        request.seed,
    );
    let slice = sample(&classifier, &plane, request.extent, request.size);
    let paths = recorded
        .runs
        .iter()
        .map(|(run, optimizer, path)| PathOnPlane {
            run: *run,
            optimizer: optimizer.clone(),
            iterations: path.iter().map(|(t, _)| *t).collect(),
            points: path.iter().map(|(_, theta)| plane.project(theta)).collect(),
        })
        .collect();
    SliceView {
        directions: request.directions,
        reference: request.reference,
        slice,
        paths,
        left_out: recorded.left_out.clone(),
        profile: profile(&classifier, initial, center, 61),
    }
}

/// Trains every run and puts those on the reference's network and data on
/// one slice through the reference's final parameters.
pub fn slice_view(specs: &[ClassifierSpec], request: &SliceRequest) -> Result<SliceView, String> {
    Ok(view_of(&record_runs(specs, request.reference, 0)?, request))
}

/// A run's number, optimizer label and parameters at every log entry.
type Path = (usize, String, Vec<(usize, Vec<f64>)>);

fn path_of(run: usize, spec: &ClassifierSpec) -> Result<(Path, TrainingHistory), String> {
    let mut session = Session::new(spec, 0.0).map_err(|e| e.to_string())?;
    let mut path = vec![(0, session.theta().to_vec())];
    while !session.finished() {
        session.advance(spec.log_every, &|| 0.0);
        path.push((session.iteration(), session.theta().to_vec()));
    }
    let history = session.history().clone();
    Ok(((run, spec.optimizer.entry.label.to_string(), path), history))
}
