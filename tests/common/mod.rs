//! What several test files share: running the `descent` binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `descent` with `args`, writing `stdin` (if any) to its standard
/// input, and returns what it printed and how it ended.
pub fn descent(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_descent"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}
