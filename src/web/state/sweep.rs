//! Sweeps and the fair race in the page's state: which run and
//! hyperparameters are swept, a setting picked on the sweep, and every run's
//! learning rate set to the best of its sweep.

use serde_json::json;

use super::landscape::{Field, LandscapeState};
use super::runs::entry;
use super::view::SweepChoice;
use super::Effect;
use crate::param::ParamKind;
use crate::render::number::format_number;

/// The name of the hyperparameter the fair race tunes.
pub const RATE: &str = "lr";

impl LandscapeState {
    /// The sweep shown, if its run still exists and still has those
    /// hyperparameters (a run removed or given another optimizer ends it).
    pub fn sweep_choice(&self) -> Option<&SweepChoice> {
        let choice = self.view.sweep.as_ref()?;
        self.sweepable(choice).ok().map(|_| choice)
    }

    /// Whether `choice` names a run and one or two of its real-valued
    /// hyperparameters; the reason when not.
    pub fn sweepable(&self, choice: &SweepChoice) -> Result<(), String> {
        let run = self
            .runs
            .get(choice.run)
            .ok_or_else(|| format!("sweep: there is no run {}", choice.run + 1))?;
        let optimizer = entry(&run.optimizer);
        if choice.params.is_empty() || choice.params.len() > 2 {
            return Err("sweep: one or two hyperparameters".to_string());
        }
        for name in &choice.params {
            let real = optimizer
                .param(name)
                .is_some_and(|p| matches!(p.kind, ParamKind::Real { .. }));
            if !real {
                return Err(format!(
                    "sweep: {} has no real-valued hyperparameter '{name}'",
                    optimizer.label
                ));
            }
        }
        Ok(())
    }

    pub(super) fn set_sweep(
        &mut self,
        choice: Option<SweepChoice>,
        notice: &mut Option<String>,
    ) -> Effect {
        if let Some(Err(why)) = choice.as_ref().map(|c| self.sweepable(c)) {
            *notice = Some(why);
            return Effect::Refresh;
        }
        self.view.sweep = choice;
        Effect::Redraw
    }

    /// Sets run `run`'s hyperparameters to `values` (each checked against
    /// its declaration; a refused one is named and the rest still set).
    pub(super) fn apply_setting(
        &mut self,
        run: usize,
        values: &[(String, f64)],
        notice: &mut Option<String>,
    ) -> Effect {
        if run >= self.runs.len() {
            return Effect::Nothing;
        }
        for (name, value) in values {
            self.set_field(&Field::Optimizer(run, name.clone()), json!(value), notice);
        }
        Effect::Rebuild
    }

    /// Sets each listed run's learning rate, and says so in its label
    /// (unless the user wrote the label).
    pub(super) fn tuned(&mut self, rates: &[(usize, f64)], notice: &mut Option<String>) -> Effect {
        for &(run, rate) in rates {
            if run >= self.runs.len() {
                continue;
            }
            self.set_field(
                &Field::Optimizer(run, RATE.to_string()),
                json!(rate),
                notice,
            );
            let state = &mut self.runs[run];
            if !state.renamed {
                state.label = format!(
                    "{}, tuned α = {}",
                    entry(&state.optimizer).label,
                    format_number(rate)
                );
            }
        }
        Effect::Rebuild
    }
}
