//! The registry's invariants: every entry builds and reads only the
//! hyperparameters it declares, and no code outside the registry decides
//! anything by matching an optimizer's name.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::Path;

use descent::optim::registry::{Configured, OPTIMIZERS};
use descent::param::Value;
use serde_json::{json, Value as Json};

/// Every declared hyperparameter at its default, then with every switch
/// flipped and every number at the top of its range: each way, building the
/// entry and asking what it stores and how the GPU runs it reads only
/// declared names (an undeclared one stops the test loudly).
#[test]
fn every_entry_builds_reading_only_what_it_declares() {
    for entry in OPTIMIZERS {
        let flipped: BTreeMap<String, Json> = entry
            .params
            .iter()
            .filter_map(|p| match p.default {
                Value::Flag(b) => Some((p.name.to_string(), json!(!b))),
                Value::Number(_) => p
                    .range()
                    .map(|(_, max, _)| (p.name.to_string(), json!(max))),
                Value::Choice(_) | Value::Text(_) => None,
            })
            .collect();
        for params in [BTreeMap::new(), flipped] {
            let Ok(configured) = Configured::new(entry.name, &params, "test") else {
                continue;
            };
            let _ = configured.build(261, "test");
            let _ = (entry.storage)(&configured.values);
            if let Some(rule) = entry.gpu {
                assert!(!rule(&configured.values).buffers().is_empty());
            }
            assert_eq!(configured.lr().is_some(), entry.has_lr(), "{}", entry.name);
        }
    }
}

fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Outside `src/optim/registry/`, no code compares, matches or branches on
/// an optimizer's name: what an optimizer needs, stores, runs on and how it
/// is drawn come from its entry.
#[test]
fn no_code_outside_the_registry_matches_an_optimizer_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    source_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        if file.starts_with(root.join("src/optim/registry")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Test modules may name optimizers in the specs they build.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            for o in OPTIMIZERS {
                let quoted = format!("\"{}\"", o.name);
                let Some(at) = line.find(&quoted) else {
                    continue;
                };
                let before = line[..at].trim_end();
                let after = line[at + quoted.len()..].trim_start();
                let matched = before.ends_with("==")
                    || before.ends_with("!=")
                    || before.ends_with('|')
                    || before.ends_with('(') && after.starts_with('|')
                    || after.starts_with("=>")
                    || after.starts_with('|');
                if matched {
                    found.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "optimizer names matched outside the registry:\n{}",
        found.join("\n")
    );
}
