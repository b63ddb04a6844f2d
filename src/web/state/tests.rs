//! Every action's effect and resulting state, the address round trip of every
//! field, and salvage of broken addresses.

use serde_json::json;

use super::address::{read, write};
use super::landscape::{Compare, Field, LandscapeAction as L, Overlay, MAX_PAGE_STEPS, MAX_RUNS};
use super::network::{ClassifierAction as C, PanelField};
use super::{Action, Effect, Mode, PageState};
use crate::experiment::classifier::device::DeviceChoice;
use crate::render::curves::Quantity;

fn landscape(state: &mut PageState, action: L) -> Effect {
    state.apply(Action::Landscape(action))
}

fn lr(state: &PageState, run: usize) -> f64 {
    state.landscape.runs[run].params["lr"].as_f64().unwrap()
}

#[test]
fn the_default_state_is_gradient_descent_on_the_quadratic() {
    let state = PageState::default();
    assert_eq!(state.mode, Mode::Landscapes);
    assert_eq!(state.landscape.problem.name, "quadratic");
    assert_eq!(state.landscape.runs.len(), 1);
    assert_eq!(state.classifier.panels.len(), 2);
}

#[test]
fn typing_a_number_commits_it_whole_or_refuses_it_with_the_range() {
    let mut state = PageState::default();
    let kappa = Field::Problem("kappa".into());
    assert_eq!(
        landscape(&mut state, L::Enter(kappa.clone(), "1e6".into())),
        Effect::Refresh
    );
    assert!(state.notice.clone().unwrap().contains("1 to 1000"));
    assert_eq!(
        landscape(&mut state, L::Enter(kappa, "1e3".into())),
        Effect::Recompute
    );
    assert_eq!(state.landscape.problem_params["kappa"], json!(1000.0));
    let alpha = Field::Optimizer(0, "lr".into());
    assert_eq!(
        landscape(&mut state, L::Enter(alpha.clone(), "100".into())),
        Effect::Refresh
    );
    assert_eq!(lr(&state, 0), 0.15, "the refused value is not used");
    let notice = state.notice.clone().unwrap();
    assert!(
        notice.contains("“100”") && notice.contains("1e-6 to 10") && notice.contains("kept 0.15"),
        "{notice}"
    );
    let theta = Field::Problem("angle".into());
    assert_eq!(
        landscape(&mut state, L::Enter(theta, "-720".into())),
        Effect::Refresh
    );
    assert!(state.notice.clone().unwrap().contains("“-720”"));
    assert_eq!(
        landscape(&mut state, L::Enter(alpha, "0.05".into())),
        Effect::Recompute
    );
    assert_eq!(lr(&state, 0), 0.05);
    assert_eq!(state.notice, None, "an accepted value clears the notice");
}

#[test]
fn absurd_entries_are_refused_without_echoing_the_number() {
    let mut state = PageState::default();
    landscape(
        &mut state,
        L::Enter(Field::Optimizer(0, "lr".into()), "1e308".into()),
    );
    let notice = state.notice.clone().unwrap();
    assert!(notice.len() < 160 && notice.contains("“1e308”"), "{notice}");
    for text in ["1e9", "abc", "0"] {
        let effect = landscape(&mut state, L::Enter(Field::Steps, text.into()));
        assert_eq!(effect, Effect::Refresh, "{text}");
        assert!(
            state
                .notice
                .as_deref()
                .unwrap()
                .contains(&format!("“{text}”")),
            "{text}"
        );
        assert_eq!(state.landscape.steps, 150);
    }
}

#[test]
fn a_new_problem_resets_what_depends_on_it() {
    let mut state = PageState::default();
    landscape(&mut state, L::SetStart([1.0, 1.0]));
    assert_eq!(
        landscape(&mut state, L::SetProblem("rosenbrock".into())),
        Effect::Rebuild
    );
    let l = &state.landscape;
    assert_eq!(l.start, None);
    assert!(l.problem_params.is_empty());
    assert!(
        lr(&state, 0) < 1e-3,
        "GD's α follows the curvature: {}",
        lr(&state, 0)
    );
    assert_eq!(
        landscape(&mut state, L::SetProblem("nope".into())),
        Effect::Refresh
    );
    assert!(state.notice.unwrap().contains("nope"));
}

#[test]
fn a_typed_formula_refits_the_runs_and_a_bad_one_or_bad_window_is_refused() {
    let mut state = PageState::default();
    landscape(&mut state, L::SetProblem("formula".into()));
    let f = Field::Problem("f".into());
    assert_eq!(
        landscape(&mut state, L::Enter(f.clone(), "0.5*x^2 + 10*y^2".into())),
        Effect::Rebuild
    );
    // GD's α is suggested afresh from the new function's curvature (L = 20).
    assert!(lr(&state, 0) < 2.0 / 20.0, "{}", lr(&state, 0));
    assert_eq!(
        landscape(&mut state, L::Enter(f, "x^2 + (y".into())),
        Effect::Refresh
    );
    let notice = state.notice.clone().unwrap();
    assert!(notice.contains("at character 9: expected ')'"), "{notice}");
    assert!(notice.ends_with("kept 0.5*x^2 + 10*y^2"), "{notice}");
    assert!(notice.starts_with("f: at character 9"), "{notice}");
    assert_eq!(
        state.landscape.problem_params["f"],
        json!("0.5*x^2 + 10*y^2")
    );
    let x_max = Field::Problem("x_max".into());
    assert_eq!(
        landscape(&mut state, L::Enter(x_max, "-5".into())),
        Effect::Refresh
    );
    let notice = state.notice.clone().unwrap();
    assert!(
        notice.contains("must be above x_min (-3), got -5"),
        "{notice}"
    );
    assert!(!state.landscape.problem_params.contains_key("x_max"));
}

#[test]
fn sweeps_pick_settings_tune_rates_and_survive_the_address() {
    use super::landscape::SweepChoice;
    let mut state = PageState::default();
    let choice = SweepChoice {
        run: 0,
        params: vec!["lr".into()],
        random: true,
    };
    assert_eq!(
        landscape(&mut state, L::SetSweep(Some(choice.clone()))),
        Effect::Redraw
    );
    let (back, dropped) = read(&write(&state));
    assert!(dropped.is_empty(), "{dropped:?}");
    assert_eq!(back.landscape.view.sweep, Some(choice));
    // A sweep of a hyperparameter the run does not have is refused by name.
    let wrong = SweepChoice {
        run: 0,
        params: vec!["momentum".into()],
        random: false,
    };
    assert_eq!(
        landscape(&mut state, L::SetSweep(Some(wrong))),
        Effect::Refresh
    );
    assert!(state
        .notice
        .clone()
        .unwrap()
        .contains("no real-valued hyperparameter 'momentum'"));
    assert_eq!(
        landscape(&mut state, L::ApplySetting(0, vec![("lr".into(), 0.18)])),
        Effect::Rebuild
    );
    assert_eq!(lr(&state, 0), 0.18);
    landscape(&mut state, L::Tuned(vec![(0, 0.175)]));
    assert_eq!(lr(&state, 0), 0.175);
    assert_eq!(
        state.landscape.runs[0].label,
        "Gradient descent, tuned α = 0.175"
    );
    // Another optimizer ends the sweep of a hyperparameter it lacks.
    landscape(&mut state, L::SetOptimizer(0, "newton".into()));
    assert!(
        state.landscape.sweep_choice().is_some(),
        "Newton has a rate too"
    );
    landscape(&mut state, L::SetOptimizer(0, "bfgs".into()));
    assert_eq!(state.landscape.sweep_choice(), None);
}

#[test]
fn the_3d_camera_turns_within_its_limits_and_survives_the_address() {
    let mut state = PageState::default();
    assert_eq!(landscape(&mut state, L::Rotate(10.0, 0.0)), Effect::Redraw);
    assert_eq!(
        state.landscape.view.surface, None,
        "no camera until 3D is on"
    );
    landscape(&mut state, L::SetSurface(true));
    landscape(&mut state, L::Rotate(30.0, 80.0));
    landscape(&mut state, L::SetSpin(true));
    let camera = state.landscape.view.surface.unwrap();
    assert_eq!((camera.azimuth, camera.elevation), (-5.0, 90.0));
    let (back, dropped) = read(&write(&state));
    assert!(dropped.is_empty(), "{dropped:?}");
    assert_eq!(back.landscape.view.surface, Some(camera));
    assert!(back.landscape.view.spin);
    landscape(&mut state, L::SetSurface(false));
    assert_eq!(state.landscape.view.surface, None);
}

#[test]
fn an_embedding_survives_the_address_and_a_bad_one_is_named() {
    use super::Embed;
    let address = write(&PageState::default()).replace("\"v\":2", "\"v\":2,\"embed\":\"picture\"");
    let (state, dropped) = read(&address);
    assert!(dropped.is_empty(), "{dropped:?}");
    assert_eq!(state.embed, Embed::Picture);
    let (again, _) = read(&write(&state));
    assert_eq!(again.embed, Embed::Picture);
    let address =
        write(&PageState::default()).replace("\"v\":2", "\"v\":2,\"embed\":\"everything\"");
    let (state, dropped) = read(&address);
    assert_eq!(state.embed, Embed::Off);
    assert_eq!(
        dropped,
        vec!["embed: must be \"picture\" or \"controls\", got \"everything\""]
    );
}

#[test]
fn a_label_follows_its_optimizer_unless_the_user_wrote_it() {
    let mut state = PageState::default();
    landscape(&mut state, L::LoadScene(1));
    assert!(!state.landscape.runs[0].label.is_empty());
    landscape(&mut state, L::SetOptimizer(0, "sgd".into()));
    assert_eq!(state.landscape.runs[0].label, "");
    assert_eq!(
        state.landscape.runs[0].shown_label(),
        super::runs::entry("sgd").label
    );
    landscape(&mut state, L::Rename(0, "mine".into()));
    landscape(&mut state, L::SetOptimizer(0, "adam".into()));
    assert_eq!(state.landscape.runs[0].label, "mine");
    assert!(state.landscape.runs[0].params.contains_key("lr"));
}

#[test]
fn an_optimizer_the_problem_cannot_take_is_refused() {
    let mut state = PageState::default();
    assert_eq!(
        landscape(&mut state, L::SetOptimizer(0, "svrg".into())),
        Effect::Rebuild
    );
    assert_eq!(state.landscape.runs[0].optimizer, "gd");
    assert!(state.notice.unwrap().contains("finite sum"));
}

#[test]
fn runs_are_added_duplicated_and_removed_within_the_limits() {
    let mut state = PageState::default();
    assert_eq!(landscape(&mut state, L::AddRun), Effect::Rebuild);
    assert_eq!(state.landscape.runs[1].optimizer, "adam");
    assert_eq!(landscape(&mut state, L::Duplicate(1)), Effect::Rebuild);
    assert_eq!(state.landscape.runs.len(), 3);
    assert_ne!(state.landscape.runs[2].color, state.landscape.runs[1].color);
    assert_eq!(landscape(&mut state, L::Remove(0)), Effect::Rebuild);
    assert_eq!(state.landscape.runs[0].optimizer, "adam");
    while state.landscape.runs.len() < MAX_RUNS {
        landscape(&mut state, L::AddRun);
    }
    assert_eq!(landscape(&mut state, L::AddRun), Effect::Nothing);
    assert!(state.notice.unwrap().contains("at most"));
    let mut single = PageState::default();
    assert_eq!(landscape(&mut single, L::Remove(0)), Effect::Nothing);
}

#[test]
fn steps_and_runs_stay_within_the_page_budget() {
    let mut state = PageState::default();
    let fits = (MAX_PAGE_STEPS / 2).to_string();
    assert_eq!(
        landscape(&mut state, L::Enter(Field::Steps, fits)),
        Effect::Recompute
    );
    landscape(&mut state, L::AddRun);
    assert_eq!(landscape(&mut state, L::AddRun), Effect::Nothing);
    assert!(state.notice.clone().unwrap().contains("descent run"));
    assert_eq!(
        landscape(&mut state, L::Enter(Field::Seed, "7".into())),
        Effect::Recompute
    );
    assert_eq!(state.landscape.seed, 7);
}

#[test]
fn view_and_playback_actions_only_redraw() {
    let mut state = PageState::default();
    let actions = [
        L::SetCompare(Compare::SideBySide),
        L::SetOverlay(Overlay::Field, true),
        L::SetChart(Quantity::GradNorm),
        L::SetFit(false),
        L::SetSpeed(4.0),
        L::Show(0, false),
        L::Recolor(0, "#123456".into()),
    ];
    for action in actions {
        assert_eq!(
            landscape(&mut state, action.clone()),
            Effect::Redraw,
            "{action:?}"
        );
    }
    let l = &state.landscape;
    assert_eq!(l.view.compare, Compare::SideBySide);
    assert!(l.view.has(Overlay::Field));
    assert_eq!(l.view.chart, Quantity::GradNorm);
    assert!(!l.view.fit && !l.runs[0].visible && l.speed == 4.0);
    assert_eq!(l.runs[0].color, "#123456");
    assert!(!l.edited, "viewing is not editing");
}

#[test]
fn playback_moves_within_the_computed_steps() {
    let mut state = PageState::default();
    state.landscape.set_total(100);
    landscape(&mut state, L::StepBy(3));
    assert_eq!(state.landscape.step, 3);
    landscape(&mut state, L::StepBy(isize::MAX));
    assert_eq!(state.landscape.step, 100);
    landscape(&mut state, L::TogglePlay);
    assert!(
        state.landscape.playing && state.landscape.step == 0,
        "play at the end starts over"
    );
    landscape(&mut state, L::SetSpeed(16.0));
    for _ in 0..10 {
        landscape(&mut state, L::Tick);
    }
    assert_eq!(state.landscape.step, 100);
    assert!(!state.landscape.playing, "it stops at the end");
    landscape(&mut state, L::Seek(40));
    assert_eq!(state.landscape.step, 40);
    landscape(&mut state, L::Rewind);
    assert_eq!(state.landscape.step, 0);
    assert_eq!(landscape(&mut state, L::Tick), Effect::Nothing);
}

#[test]
fn scenes_load_and_editing_marks_them() {
    let mut state = PageState::default();
    assert_eq!(landscape(&mut state, L::LoadScene(7)), Effect::Rebuild);
    let scene = state.landscape.scene.clone().unwrap();
    assert!(!state.landscape.edited);
    landscape(&mut state, L::Enter(Field::Seed, "3".into()));
    assert!(state.landscape.edited);
    assert_eq!(state.landscape.scene, Some(scene));
    landscape(&mut state, L::SetProblem("himmelblau".into()));
    assert_eq!(
        state.landscape.scene, None,
        "a new problem leaves the scene"
    );
    assert_eq!(landscape(&mut state, L::LoadScene(99)), Effect::Nothing);
}

#[test]
fn schedules_averaging_and_noise_take_their_parameters() {
    let mut state = PageState::default();
    landscape(&mut state, L::SetSchedule(0, "step".into()));
    assert_eq!(
        state.landscape.runs[0].schedule,
        Some(json!({"kind": "step"}))
    );
    landscape(&mut state, L::SetAveraging(0, "exponential".into()));
    let decay = Field::Averaging(0, "decay".into());
    assert_eq!(
        landscape(&mut state, L::Enter(decay, "0.5".into())),
        Effect::Recompute
    );
    assert_eq!(
        state.landscape.runs[0].averaging,
        Some(json!({"kind": "exponential", "decay": 0.5}))
    );
    landscape(&mut state, L::SetNoise("gaussian".into()));
    landscape(&mut state, L::Set(Field::Noise("sigma".into()), json!(2.0)));
    assert_eq!(
        state.landscape.noise,
        Some(json!({"kind": "gaussian", "sigma": 2.0}))
    );
    landscape(&mut state, L::SetSchedule(0, "constant".into()));
    assert_eq!(state.landscape.runs[0].schedule, None);
    let value = state.landscape.spec_value();
    assert!(
        crate::experiment::landscape::spec::Spec::from_value(&value).is_ok(),
        "{value}"
    );
}

#[test]
fn classifier_panels_reset_to_their_method_and_keep_their_limits() {
    let mut state = PageState::default();
    assert_eq!(
        state.apply(Action::SetMode(Mode::Classifier)),
        Effect::SwitchMode
    );
    assert_eq!(state.classifier.panels[1].optimizer, "gauss-newton-tr");
    let effect = state.apply(Action::Classifier(C::SetOptimizer(1, "shampoo".into())));
    assert_eq!(effect, Effect::RebuildPanel(1));
    let panel = &state.classifier.panels[1];
    assert_eq!((panel.batch_size, panel.iterations), (100, 300));
    assert_eq!(state.classifier.scene, None);
    for (text, says) in [
        ("-1", "outside"),
        ("abc", "not a number"),
        ("1e9", "outside"),
    ] {
        let effect = state.apply(Action::Classifier(C::Enter(
            0,
            PanelField::Width,
            text.into(),
        )));
        assert_eq!(effect, Effect::Refresh);
        let notice = state.notice.clone().unwrap();
        assert!(
            notice.contains(says) && notice.contains("2 to 16384"),
            "{notice}"
        );
    }
    let effect = state.apply(Action::Classifier(C::Enter(
        0,
        PanelField::Width,
        "1024".into(),
    )));
    assert_eq!(effect, Effect::RestartPanel(0));
    assert_eq!(state.classifier.panels[0].model["init"], json!("pytorch"));
    let effect = state.apply(Action::Classifier(C::Enter(
        0,
        PanelField::Iterations,
        "0".into(),
    )));
    assert_eq!(effect, Effect::Refresh);
    state.apply(Action::Classifier(C::SetDevice(0, DeviceChoice::Cpu)));
    assert_eq!(state.classifier.panels[0].device, DeviceChoice::Cpu);
    assert_eq!(
        state.apply(Action::Classifier(C::Add)),
        Effect::RebuildPanels
    );
    assert_eq!(
        state.apply(Action::Classifier(C::Remove(0))),
        Effect::RebuildPanels
    );
    assert_eq!(state.classifier.panels.len(), 2);
    assert_eq!(
        state.apply(Action::Classifier(C::LoadScene(0))),
        Effect::RebuildPanels
    );
    assert_eq!(state.classifier.scene, Some(0));
}

#[test]
fn every_landscape_field_survives_the_address() {
    let mut state = PageState::default();
    landscape(&mut state, L::LoadScene(7));
    landscape(&mut state, L::Enter(Field::Seed, "5".into()));
    landscape(&mut state, L::SetCompare(Compare::SideBySide));
    landscape(&mut state, L::SetOverlay(Overlay::Field, true));
    landscape(&mut state, L::SetOverlay(Overlay::Ahead, true));
    landscape(&mut state, L::SetChart(Quantity::GradNorm));
    landscape(&mut state, L::SetFit(false));
    landscape(&mut state, L::SetSpeed(4.0));
    landscape(&mut state, L::Show(1, false));
    landscape(&mut state, L::Recolor(0, "#010203".into()));
    landscape(&mut state, L::Rename(0, "mine".into()));
    state.landscape.set_total(500);
    landscape(&mut state, L::Seek(40));
    let (back, problems) = read(&write(&state));
    assert!(problems.is_empty(), "{problems:?}");
    let mut expected = state.landscape.clone();
    expected.total = 0;
    assert_eq!(back.landscape, expected);
    assert_eq!(back.mode, Mode::Landscapes);
}

#[test]
fn the_classifier_survives_the_address() {
    let mut state = PageState::default();
    state.apply(Action::SetMode(Mode::Classifier));
    state.apply(Action::Classifier(C::SetDevice(1, DeviceChoice::Gpu)));
    let (back, problems) = read(&write(&state));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back.mode, Mode::Classifier);
    assert_eq!(back.classifier, state.classifier);
    state.apply(Action::Classifier(C::LoadScene(1)));
    let (back, _) = read(&write(&state));
    assert_eq!(back.classifier.scene, Some(1));
}

#[test]
fn broken_addresses_keep_their_good_parts_and_name_the_rest() {
    let (state, problems) = read("not json");
    assert_eq!(state, PageState::default());
    assert_eq!(problems.len(), 1);
    let text = json!({"v": 2, "spec": {"problem": {"name": "rosenbrock"}, "runs": [{"optimizer": "nope"}, {"optimizer": "adam"}]},
        "view": {"compare": "sideways", "chart": "grad-norm", "overlays": ["field", "x"]}, "speed": 3, "scene": "missing", "extra": 1}).to_string();
    let (state, problems) = read(&text);
    assert_eq!(state.landscape.problem.name, "rosenbrock");
    assert_eq!(state.landscape.runs.len(), 1);
    assert_eq!(state.landscape.view.chart, Quantity::GradNorm);
    assert!(state.landscape.view.has(Overlay::Field));
    for part in [
        "nope",
        "view.compare",
        "overlays",
        "speed",
        "scene",
        "extra",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(part)),
            "{part} in {problems:?}"
        );
    }
}

#[test]
fn a_million_steps_from_the_address_are_kept_and_more_are_lowered_with_a_message() {
    let run = json!({"optimizer": "gd", "lr": 0.1});
    let one = json!({"problem": {"name": "quadratic"}, "steps": 1_000_000, "runs": [run]});
    let (state, problems) = read(&one.to_string());
    assert_eq!(state.landscape.steps, 1_000_000);
    assert!(problems.is_empty(), "{problems:?}");
    let two = json!({"problem": {"name": "quadratic"}, "steps": 1_000_000, "runs": [run, run]});
    let (state, problems) = read(&two.to_string());
    assert_eq!(state.landscape.steps * 2, MAX_PAGE_STEPS);
    assert!(
        problems.iter().any(|p| p.contains("lowered")),
        "{problems:?}"
    );
}

#[test]
fn one_bad_classifier_panel_is_left_out_not_the_address() {
    let text = json!({"v": 2, "mode": "classifier", "panels": [{"optimizer": "nope"}, {"optimizer": "kfac", "width": 64}]}).to_string();
    let (state, problems) = read(&text);
    assert_eq!(state.mode, Mode::Classifier);
    assert_eq!(state.classifier.panels.len(), 1);
    assert_eq!(state.classifier.panels[0].optimizer, "kfac");
    assert!(
        problems.iter().any(|p| p.contains("panel 1")),
        "{problems:?}"
    );
    let legacy = format!("classifier={}", json!({"panels": [{"width": 16}]}));
    let (state, problems) = read(&legacy);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(state.classifier.panels[0].width, 16);
}
