//! Every shipped scene makes a point, stated as claims in its file: run each
//! scene (landscape and classifier) and assert every claim on the computed
//! histories, so a scene that stops teaching its point fails here.
#![cfg(not(target_arch = "wasm32"))]

use descent::scene::network::NetworkScene;
use descent::scene::{landscape_scenes, Verdict, CLASSIFIER_SCENES};

fn assert_all(name: &str, verdicts: &[Verdict]) {
    assert!(!verdicts.is_empty(), "{name}: a scene must claim something");
    for v in verdicts {
        match &v.result {
            Ok(evidence) => println!("{name}: ✓ {} ({evidence})", v.claim),
            Err(found) => println!("{name}: ✗ {} (found: {found})", v.claim),
        }
    }
    let failed: Vec<&Verdict> = verdicts.iter().filter(|v| !v.holds()).collect();
    assert!(
        failed.is_empty(),
        "{name}: claims that do not hold: {failed:?}"
    );
}

#[test]
fn every_landscape_scene_makes_its_point() {
    let scenes = landscape_scenes().expect("every scene file is valid");
    assert_eq!(scenes.len(), 17);
    for (name, scene) in &scenes {
        let (outcome, verdicts) = scene.verify().expect("scenes run");
        for claim in &scene.claims {
            for label in claim.runs() {
                assert!(
                    outcome.runs.iter().any(|r| r.label == label),
                    "{name}: claim names run '{label}', which is not in the scene"
                );
            }
        }
        assert_all(name, &verdicts);
    }
}

#[test]
fn the_width_32_classifier_scene_makes_its_point() {
    let scene = NetworkScene::from_json(CLASSIFIER_SCENES[0].text).expect("valid");
    let (_, verdicts) = scene.verify().expect("trains");
    assert_all(CLASSIFIER_SCENES[0].name, &verdicts);
}

#[test]
fn the_width_8192_classifier_scene_makes_its_point() {
    let scene = NetworkScene::from_json(CLASSIFIER_SCENES[1].text).expect("valid");
    let (_, verdicts) = scene.verify().expect("trains");
    assert_all(CLASSIFIER_SCENES[1].name, &verdicts);
}

#[test]
fn the_width_regimes_classifier_scene_makes_its_point() {
    let scene = NetworkScene::from_json(CLASSIFIER_SCENES[2].text).expect("valid");
    let (_, verdicts) = scene.verify().expect("trains");
    assert_all(CLASSIFIER_SCENES[2].name, &verdicts);
}

#[test]
fn the_curvature_classifier_scene_makes_its_point() {
    let scene = NetworkScene::from_json(CLASSIFIER_SCENES[3].text).expect("valid");
    let (_, verdicts) = scene.verify().expect("trains");
    assert_all(CLASSIFIER_SCENES[3].name, &verdicts);
}
