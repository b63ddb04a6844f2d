//! The per-run lines beside the picture.

use super::controls::format_number;
use crate::experiment::landscape::run::{RunResult, Status, DIVERGENCE_RADIUS};

/// One run's line under the picture at step `shown`: f (and the averaged
/// point's f), the step size, radius, damping or note of that step, and how
/// the run ended.
pub fn readout(run: &RunResult, shown: usize) -> String {
    let h = &run.history;
    let at = shown.min(h.steps());
    let mut info = vec![format!("{}: f = {}", run.label, format_number(h.loss[at]))];
    if let Some(averaged) = &h.averaged {
        if let Some(f) = averaged.loss.get(at) {
            info.push(format!("average f = {}", format_number(*f)));
        }
    }
    if at > 0 {
        if let Some(lr) = h.lr.get(at - 1) {
            info.push(format!("step size {}", format_number(*lr)));
        }
        if let Some(r) = h.radius.get(at - 1) {
            info.push(format!("Δ = {}", format_number(*r)));
        }
        if let Some(d) = h.damping.get(at - 1) {
            info.push(format!("λ = {}", format_number(*d)));
        }
        if let Some(note) = h.notes.iter().find(|n| n.step == at) {
            info.push(note.text.clone());
        }
    }
    match (h.status, h.diverged_at) {
        (Status::Diverged, Some(step)) if h.unbounded_below() => info.push(format!(
            "f falls without bound: at step {step} f = {} as the point leaves radius {} (the run stops there).",
            format_number(h.loss.last().copied().unwrap_or(f64::NAN)),
            format_number(DIVERGENCE_RADIUS)
        )),
        (Status::Diverged, Some(step)) => info.push(format!(
            "Diverged at step {step}: f or ∇f is no longer finite, or the point left radius {}.",
            format_number(DIVERGENCE_RADIUS)
        )),
        (Status::Converged, _) => info.push(format!(
            "Stopped at a stationary point after {} steps (‖∇f‖ = {}).",
            h.steps(),
            format_number(h.grad_norm.last().copied().unwrap_or(f64::NAN))
        )),
        _ => {}
    }
    info.join(" · ")
}
