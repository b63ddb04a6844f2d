//! The `descent` command-line tool.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

use descent::optim::registry::OPTIMIZERS;
use descent::problem::registry::PROBLEMS;

#[test]
fn list_names_every_problem_and_optimizer_with_its_parameters() {
    let output = Command::new(env!("CARGO_BIN_EXE_descent"))
        .arg("list")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    for name in PROBLEMS
        .iter()
        .map(|p| p.name)
        .chain(OPTIMIZERS.iter().map(|o| o.name))
    {
        assert!(
            text.contains(&format!("  {name}: ")),
            "{name} missing from:\n{text}"
        );
    }
    assert!(text.contains("kappa (κ) = 10  in [1, 1000], log"));
}

#[test]
fn unknown_subcommands_fail_with_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_descent"))
        .arg("frobnicate")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unrecognized subcommand 'frobnicate'")
    );
}
