//! `descent animate`: a landscape experiment as an animated GIF for slides.
#![cfg(not(target_arch = "wasm32"))]

mod common;

fn descent(args: &[&str], stdin: &str) -> std::process::Output {
    common::descent(args, Some(stdin))
}

const SPEC: &str = r#"{"problem": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 40,
  "runs": [{"optimizer": "bfgs"}, {"optimizer": "adam", "lr": 0.1}]}"#;

/// The GIF decodes to the frames asked for, at the size asked for, each one
/// different from the one before (the paths grow).
#[test]
fn the_gif_has_the_frames_and_size_asked_for() {
    let out = std::env::temp_dir().join(format!("descent-animate-{}.gif", std::process::id()));
    let done = descent(
        &[
            "animate",
            "-",
            "--out",
            out.to_str().unwrap(),
            "--frames",
            "12",
            "--width",
            "320",
            "--height",
            "240",
            "--delay",
            "50",
        ],
        SPEC,
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(&out).unwrap())
        .unwrap();
    assert_eq!((decoder.width(), decoder.height()), (320, 240));
    let mut frames: Vec<Vec<u8>> = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        assert_eq!(frame.delay, 5, "centiseconds");
        frames.push(frame.buffer.to_vec());
    }
    assert_eq!(frames.len(), 12);
    let changes = frames.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(changes >= 8, "only {changes} of 11 frames changed");
    let _ = std::fs::remove_file(&out);
}

/// Bad options are named with their limits, before anything is drawn.
#[test]
fn bad_options_are_named_with_their_limits() {
    for (args, message) in [
        (vec!["--out", "x.png"], "the output must end in .gif"),
        (
            vec!["--out", "x.gif", "--frames", "0"],
            "--frames 0: from 1 to 1000",
        ),
        (
            vec!["--out", "x.gif", "--width", "9000"],
            "--width 9000: from 16 to 4000 pixels",
        ),
        (
            vec!["--out", "x.gif", "--from", "100"],
            "--from/--to: the first step shown, 100, is after the last, 40",
        ),
    ] {
        let mut all = vec!["animate", "-"];
        all.extend(args);
        let done = descent(&all, SPEC);
        assert_eq!(done.status.code(), Some(2));
        let text = String::from_utf8_lossy(&done.stderr);
        assert!(text.contains(message), "{text}");
    }
}
