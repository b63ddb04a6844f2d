//! The sweep in the page: one run's final loss against one of its
//! hyperparameters (or a heatmap over two), computed a slice per frame and
//! drawn where the per-step chart is; hovering names a setting, clicking
//! gives it to the run, and on a quadratic the theory's settings are one
//! click away. The fair race ("tune") sweeps every run's rate the same way.

use serde_json::Value as Json;
use wasm_bindgen::prelude::*;
use web_sys::{Event, PointerEvent};

use super::app::App;
use super::canvas;
use super::dom;
use super::state::landscape::{LandscapeAction as L, SweepChoice};
use super::state::runs::entry;
use super::state::sweep::RATE;
use super::state::Action;
use crate::experiment::landscape::spec::Spec;
use crate::experiment::landscape::sweep::{
    theory_marks, tolerance_above_minimum, Axis, Search, Sweep, SweepJob,
};
use crate::param::ParamKind;
use crate::render::instruments::{draw_sweep, sweep_summary, SweepPixels};
use crate::render::number::format_number;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Grid values along one swept hyperparameter.
const CURVE_POINTS: usize = 41;
/// Grid values per side of a two-hyperparameter heatmap.
const HEATMAP_SIDE: usize = 21;
/// Settings drawn by a random search over two hyperparameters.
const RANDOM_PAIRS: usize = 150;
/// Milliseconds of computing per frame.
const SLICE_MS: f64 = 12.0;

/// A sweep being computed or shown.
pub struct SweepPanel {
    /// What it was computed for: the spec without the swept values, and the choice.
    key: String,
    job: SweepJob,
    /// Where the last drawing put the plot, in device pixels.
    pixels: Option<SweepPixels>,
}

/// The setting under the pointer on a sweep: its run, its values and what
/// it gave, in words.
struct Picked {
    run: usize,
    values: Vec<(String, f64)>,
    text: String,
}

/// The fair race being tuned: one rate sweep per run that has a rate.
pub struct TuneRace {
    jobs: Vec<(usize, SweepJob)>,
}

/// The loss counted as reached on `spec`'s problem (see [`tolerance_above_minimum`]).
fn tolerance_for(spec: &Spec) -> f64 {
    crate::experiment::landscape::run::build_problem(spec)
        .map_or(1e-6, |l| tolerance_above_minimum(l.as_ref()))
}

/// The axes and search of `choice` for run `run` of `spec`.
fn request(spec: &Spec, choice: &SweepChoice) -> Option<(Vec<Axis>, Search)> {
    let optimizer = spec.runs.get(choice.run)?.optimizer.entry;
    let side = if choice.params.len() == 1 {
        CURVE_POINTS
    } else {
        HEATMAP_SIDE
    };
    let axes: Option<Vec<Axis>> = choice
        .params
        .iter()
        .map(|name| Axis::over(optimizer.param(name)?, side))
        .collect();
    let search = if choice.random {
        let count = if choice.params.len() == 1 {
            CURVE_POINTS
        } else {
            RANDOM_PAIRS
        };
        Search::Random {
            count,
            seed: spec.seed,
        }
    } else {
        Search::Grid
    };
    Some((axes?, search))
}

impl App {
    /// Fills the sweep menu from the runs: each real hyperparameter of each
    /// run, and each pair of the rate with another.
    pub(super) fn build_sweep_menu(&self) -> Result<(), JsValue> {
        let l = &self.state.landscape;
        let menu = &self.el.sweep;
        menu.set_inner_html("");
        let add = |value: &str, text: &str| -> Result<(), JsValue> {
            let option = self.document.create_element("option")?;
            option.set_attribute("value", value)?;
            option.set_text_content(Some(text));
            menu.append_child(&option)?;
            Ok(())
        };
        add("", "off (the chart)")?;
        for (i, run) in l.runs.iter().enumerate() {
            let optimizer = entry(&run.optimizer);
            let reals: Vec<_> = optimizer
                .params
                .iter()
                .filter(|p| matches!(p.kind, ParamKind::Real { .. }))
                .collect();
            for p in &reals {
                add(
                    &format!("{i}:{}", p.name),
                    &format!(
                        "run {} ({}): {} {}",
                        i + 1,
                        optimizer.label,
                        p.symbol,
                        p.name
                    ),
                )?;
            }
            if let Some(rate) = reals.iter().find(|p| p.name == RATE) {
                for p in reals.iter().filter(|p| p.name != RATE) {
                    add(
                        &format!("{i}:{RATE},{}", p.name),
                        &format!("run {}: {} × {} (heatmap)", i + 1, rate.symbol, p.symbol),
                    )?;
                }
            }
        }
        let chosen = l.sweep_choice().map_or(String::new(), |c| {
            format!("{}:{}", c.run, c.params.join(","))
        });
        menu.set_value(&chosen);
        self.el
            .sweep_random
            .set_checked(l.sweep_choice().is_some_and(|c| c.random));
        Ok(())
    }

    /// The sweep menu or the random box changed.
    pub(super) fn on_sweep_menu(&mut self) {
        let value = self.el.sweep.value();
        let choice = value.split_once(':').and_then(|(run, params)| {
            Some(SweepChoice {
                run: run.parse().ok()?,
                params: params.split(',').map(str::to_string).collect(),
                random: self.el.sweep_random.checked(),
            })
        });
        self.el.hover.set_text_content(None);
        self.dispatch(Action::Landscape(L::SetSweep(choice)));
    }

    /// Computes a slice of the sweep shown and of the race being tuned.
    pub(super) fn sweep_frame(&mut self) {
        self.tune_frame();
        let l = &self.state.landscape;
        let Some(choice) = l.sweep_choice().cloned() else {
            self.sweep_seen = None;
            if self.sweep.take().is_some() {
                self.dirty = true;
            }
            return;
        };
        // The spec and the choice are looked at again only when either
        // changed (a new computation, another choice), not every frame.
        let seen = (self.generation, choice.clone());
        if self.sweep_seen.as_ref() != Some(&seen) {
            self.sweep_seen = Some(seen);
            self.renew_sweep(&choice);
        }
        let Some(panel) = self.sweep.as_mut() else {
            return;
        };
        if panel.job.complete() {
            return;
        }
        let began = dom::now();
        while !panel.job.advance(1) && dom::now() - began < SLICE_MS {}
        self.dirty = true;
    }

    /// Starts the sweep of `choice` afresh unless the one shown was made for
    /// the same spec (the swept values aside: picking a setting on the sweep
    /// keeps it) and the same choice.
    fn renew_sweep(&mut self, choice: &SweepChoice) {
        let l = &self.state.landscape;
        let mut stripped = l.spec_value();
        if let Some(Json::Object(run)) = stripped["runs"].get_mut(choice.run) {
            for name in &choice.params {
                run.remove(name);
            }
        }
        let key = format!("{stripped}{choice:?}");
        if self.sweep.as_ref().is_none_or(|s| s.key != key) {
            let Ok(spec) = Spec::from_value(&l.spec_value()) else {
                return;
            };
            let Some((axes, search)) = request(&spec, choice) else {
                return;
            };
            match SweepJob::new(&spec, choice.run, &axes, search, tolerance_for(&spec)) {
                Ok(job) => {
                    self.sweep = Some(SweepPanel {
                        key,
                        job,
                        pixels: None,
                    })
                }
                Err(e) => self.el.sweep_info.set_text_content(Some(&e.to_string())),
            }
        }
    }

    /// Draws the sweep where the chart is; false when there is none to draw.
    pub(super) fn draw_sweep_chart(&mut self) -> Result<bool, JsValue> {
        let shown = self.sweep.is_some();
        let _ = if shown {
            self.el.sweep_info.remove_attribute("hidden")
        } else {
            self.el.sweep_info.set_attribute("hidden", "")
        };
        let presenting = self.presenting();
        let Some(panel) = self.sweep.as_mut() else {
            let _ = self.el.sweep_theory.set_attribute("hidden", "");
            return Ok(false);
        };
        let (_, ratio, _) = canvas::fit_to_display(&self.el.curves);
        let sweep = panel.job.sweep();
        let backend = CanvasBackend::with_canvas_object(self.el.curves.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the chart canvas"))?;
        let root = backend.into_drawing_area();
        let scale = if presenting { 1.3 * ratio } else { ratio };
        panel.pixels = Some(
            draw_sweep(&root, &sweep, "", scale)
                .map_err(|e| JsValue::from_str(&format!("drawing the sweep failed: {e}")))?,
        );
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing the sweep failed: {e}")))?;
        let progress = panel.job.progress();
        // The best setting, for the end-to-end tests.
        let best = sweep.best.map_or(String::new(), |i| {
            let values: Vec<String> = sweep.settings[i]
                .values
                .iter()
                .map(f64::to_string)
                .collect();
            values.join(",")
        });
        let _ = self.el.curves.set_attribute("data-sweep-best", &best);
        let _ = self.el.curves.set_attribute(
            "data-sweep",
            if progress >= 1.0 { "done" } else { "computing" },
        );
        let label = self
            .state
            .landscape
            .runs
            .get(sweep.run)
            .map_or(String::new(), |r| entry(&r.optimizer).label.to_string());
        self.el
            .sweep_info
            .set_text_content(Some(&sweep_summary(&sweep, &label, progress)));
        self.show_theory(&sweep)
    }

    /// One button per setting the theory gives on a quadratic.
    fn show_theory(&self, sweep: &Sweep) -> Result<bool, JsValue> {
        let holder = &self.el.sweep_theory;
        let marks = theory_marks(sweep);
        let signature: String = marks.iter().map(|m| format!("{}={};", m.0, m.1)).collect();
        if holder.get_attribute("data-marks").as_deref() == Some(signature.as_str()) {
            return Ok(true);
        }
        holder.set_inner_html("");
        holder.set_attribute("data-marks", &signature)?;
        if marks.is_empty() {
            holder.set_attribute("hidden", "")?;
            return Ok(true);
        }
        holder.remove_attribute("hidden")?;
        let distinct = marks
            .iter()
            .all(|m| marks.iter().filter(|n| n.0 == m.0).count() == 1);
        let groups: Vec<Vec<(&str, f64, &str)>> = if distinct {
            vec![marks.clone()]
        } else {
            marks.iter().map(|m| vec![*m]).collect()
        };
        for group in groups {
            let button = self.document.create_element("button")?;
            button.set_attribute("type", "button")?;
            button.set_attribute("data-run", &sweep.run.to_string())?;
            let settings: Vec<String> = group
                .iter()
                .map(|(name, value, _)| format!("{name}={value}"))
                .collect();
            button.set_attribute("data-setting", &settings.join(","))?;
            let text: Vec<String> = group
                .iter()
                .map(|(_, value, what)| format!("{what} = {}", format_number(*value)))
                .collect();
            button.set_text_content(Some(&format!("theory: {}", text.join(", "))));
            let (color, edge) = crate::render::instruments::mark_style(group[0].2);
            button.set_attribute(
                "style",
                &format!("border-color: rgb({}, {}, {})", color.0, color.1, color.2),
            )?;
            if edge {
                button.set_attribute(
                    "title",
                    "the edge of stability: above it gradient descent diverges",
                )?;
            }
            holder.append_child(&button)?;
        }
        Ok(true)
    }

    /// A theory button was pressed: its setting goes to its run.
    pub(super) fn on_theory_click(&mut self, event: &Event) {
        let Some(button) = super::app::target_element(event) else {
            return;
        };
        let (Some(run), Some(setting)) = (
            button
                .get_attribute("data-run")
                .and_then(|r| r.parse().ok()),
            button.get_attribute("data-setting"),
        ) else {
            return;
        };
        let values: Vec<(String, f64)> = setting
            .split(',')
            .filter_map(|part| {
                let (name, value) = part.split_once('=')?;
                Some((name.to_string(), value.parse().ok()?))
            })
            .collect();
        self.dispatch(Action::Landscape(L::ApplySetting(run, values)));
    }

    /// The setting under the pointer on the sweep, if one is shown.
    fn setting_under(&self, event: &Event) -> Option<Picked> {
        let pointer = event.dyn_ref::<PointerEvent>()?;
        let panel = self.sweep.as_ref()?;
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (u, v) = panel.pixels?.shares(
            f64::from(pointer.offset_x()) * ratio,
            f64::from(pointer.offset_y()) * ratio,
        )?;
        let sweep = panel.job.sweep();
        let share = |axis: &Axis, value: f64| {
            if axis.log {
                (value.ln() - axis.from.ln()) / (axis.to.ln() - axis.from.ln())
            } else {
                (value - axis.from) / (axis.to - axis.from)
            }
        };
        let nearest = sweep.settings.iter().min_by(|a, b| {
            let distance = |s: &&crate::experiment::landscape::sweep::Setting| {
                let du = share(&sweep.axes[0], s.values[0]) - u;
                let dv = sweep
                    .axes
                    .get(1)
                    .map_or(0.0, |axis| share(axis, s.values[1]) - v);
                du * du + dv * dv
            };
            distance(a).total_cmp(&distance(b))
        })?;
        let values: Vec<(String, f64)> = sweep
            .axes
            .iter()
            .zip(&nearest.values)
            .map(|(a, v)| (a.name.clone(), *v))
            .collect();
        let named: Vec<String> = values
            .iter()
            .map(|(n, v)| format!("{n} = {}", format_number(*v)))
            .collect();
        let outcome = if nearest.diverged() {
            "diverged".to_string()
        } else if let Some(why) = &nearest.refused {
            why.clone()
        } else {
            let reached = nearest.steps_to_tolerance.map_or(
                format!("never reached f ≤ {}", format_number(sweep.tolerance)),
                |k| format!("reached f ≤ {} at step {k}", format_number(sweep.tolerance)),
            );
            format!("final f = {}, {reached}", format_number(nearest.final_loss))
        };
        Some(Picked {
            run: sweep.run,
            values,
            text: format!("{}: {outcome} (click to use it)", named.join(", ")),
        })
    }

    /// Hovering the sweep names the setting under the pointer.
    pub(super) fn on_sweep_move(&mut self, event: &Event) -> bool {
        let Some(picked) = self.setting_under(event) else {
            return self.sweep.is_some();
        };
        self.el.hover.set_text_content(Some(&picked.text));
        true
    }

    /// Clicking the sweep gives the setting under the pointer to its run.
    pub(super) fn on_sweep_click(&mut self, event: &Event) {
        if let Some(picked) = self.setting_under(event) {
            self.dispatch(Action::Landscape(L::ApplySetting(
                picked.run,
                picked.values,
            )));
        }
    }

    /// Starts the fair race: a rate sweep for every run that has a rate.
    pub(super) fn start_tune(&mut self) {
        let Ok(spec) = Spec::from_value(&self.state.landscape.spec_value()) else {
            return;
        };
        let tolerance = tolerance_for(&spec);
        let jobs: Vec<(usize, SweepJob)> = spec
            .runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| {
                let axis = Axis::over(run.optimizer.entry.param(RATE)?, CURVE_POINTS)?;
                let job = SweepJob::new(&spec, i, &[axis], Search::Grid, tolerance).ok()?;
                Some((i, job))
            })
            .collect();
        if jobs.is_empty() {
            self.el
                .tune
                .set_text_content(Some("No run has a learning rate to tune"));
            return;
        }
        self.tune = Some(TuneRace { jobs });
    }

    /// Computes a slice of the race; when it is done, every run gets its best rate.
    fn tune_frame(&mut self) {
        let Some(race) = self.tune.as_mut() else {
            return;
        };
        let began = dom::now();
        let mut done = 0;
        for (_, job) in &mut race.jobs {
            while !job.advance(1) && dom::now() - began < SLICE_MS {}
            if job.complete() {
                done += 1;
            }
        }
        let total = race.jobs.len();
        if done < total {
            let share: f64 =
                race.jobs.iter().map(|(_, j)| j.progress()).sum::<f64>() / total as f64;
            self.el
                .tune
                .set_text_content(Some(&format!("Tuning… {:.0}%", 100.0 * share)));
            return;
        }
        let rates: Vec<(usize, f64)> = race
            .jobs
            .iter()
            .filter_map(|(run, job)| {
                let sweep = job.sweep();
                Some((*run, sweep.settings[sweep.best?].values[0]))
            })
            .collect();
        self.tune = None;
        self.el
            .tune
            .set_text_content(Some("Tune every run's α: a fair race"));
        let _ = self
            .el
            .tune
            .set_attribute("data-tuned", &rates.len().to_string());
        self.dispatch(Action::Landscape(L::Tuned(rates)));
    }
}
