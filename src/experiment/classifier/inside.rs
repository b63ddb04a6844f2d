//! A view inside trained networks, for slides and export: several runs of
//! one network on one loss slice through a reference run's final
//! parameters, each path projected onto the plane with its distance from
//! it, and the loss along the line from the reference's initial to its
//! final parameters.

use serde::Serialize;

use super::session::Session;
use super::ClassifierSpec;
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathOnPlane {
    /// The run's optimizer, as the registry labels it.
    pub optimizer: String,
    /// The logged iterations.
    pub iterations: Vec<usize>,
    /// Where the parameters were at each, on and off the plane.
    pub points: Vec<Projection>,
}

/// The slice, the paths on it and the reference's profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SliceView {
    /// How the directions were chosen.
    pub directions: Directions,
    /// The reference run (0-based).
    pub reference: usize,
    /// The training loss on the grid.
    pub slice: LossSlice,
    /// Every run's path.
    pub paths: Vec<PathOnPlane>,
    /// (t, loss) along (1 − t)·initial + t·final of the reference run.
    pub profile: Vec<[f64; 2]>,
}

/// Trains every run (keeping its parameters at each log entry) and puts
/// them on one slice through the reference's final parameters. The runs
/// must share the network's shape and the data (one loss for all).
pub fn slice_view(specs: &[ClassifierSpec], request: &SliceRequest) -> Result<SliceView, String> {
    let reference = specs.get(request.reference).ok_or_else(|| {
        format!(
            "reference: run {} does not exist (there are {})",
            request.reference + 1,
            specs.len()
        )
    })?;
    let parameters = Mlp::new(reference.architecture).param_count();
    for (i, spec) in specs.iter().enumerate() {
        if spec.architecture != reference.architecture || spec.data != reference.data {
            return Err(format!(
                "run {} has another network or data set than the reference (run {}): one slice shows one loss",
                i + 1,
                request.reference + 1
            ));
        }
        let entries = spec.iterations / spec.log_every + 2;
        let bytes = entries * parameters * 8 * specs.len();
        if bytes > PATH_BUDGET {
            return Err(format!(
                "run {}: its parameters at {entries} log entries take {} MiB with the other runs' (limit {} MiB): log less often",
                i + 1,
                bytes >> 20,
                PATH_BUDGET >> 20
            ));
        }
    }
    let mut runs = Vec::with_capacity(specs.len());
    for spec in specs {
        runs.push(path_of(spec)?);
    }
    let (seed, points, fraction) = reference.data;
    let data = PeaksData::generate(seed, points, fraction);
    let mlp = Mlp::new(reference.architecture).with_precision(reference.precision);
    let classifier = Classifier::new(mlp, data.train);
    let (_, reference_path) = &runs[request.reference];
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
    let paths = runs
        .iter()
        .map(|(optimizer, path)| PathOnPlane {
            optimizer: optimizer.clone(),
            iterations: path.iter().map(|(t, _)| *t).collect(),
            points: path.iter().map(|(_, theta)| plane.project(theta)).collect(),
        })
        .collect();
    Ok(SliceView {
        directions: request.directions,
        reference: request.reference,
        slice,
        paths,
        profile: profile(&classifier, initial, center, 61),
    })
}

/// A run's optimizer name and its parameters at every log entry.
type Path = (String, Vec<(usize, Vec<f64>)>);

fn path_of(spec: &ClassifierSpec) -> Result<Path, String> {
    let mut session = Session::new(spec, 0.0).map_err(|e| e.to_string())?;
    let mut path = vec![(0, session.theta().to_vec())];
    while !session.finished() {
        session.advance(spec.log_every, &|| 0.0);
        path.push((session.iteration(), session.theta().to_vec()));
    }
    Ok((spec.optimizer.entry.label.to_string(), path))
}
