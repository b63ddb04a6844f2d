//! What an exported animation shows, shared by `descent animate` and the
//! page's GIF and WebM export: which steps its frames show, and its limits.

/// The most frames an animation may have.
pub const MAX_FRAMES: usize = 1000;
/// The largest side of a frame, in pixels.
pub const MAX_SIDE: u32 = 4000;
/// The smallest side of a frame, in pixels.
pub const MIN_SIDE: u32 = 16;

/// The steps the frames show: `frames` of them from `from` to `to`, evenly
/// spaced, both ends included.
pub fn frame_steps(from: usize, to: usize, frames: usize) -> Vec<usize> {
    if frames <= 1 || to <= from {
        return vec![to.max(from); frames.max(1)];
    }
    (0..frames)
        .map(|k| from + ((to - from) as f64 * k as f64 / (frames - 1) as f64).round() as usize)
        .collect()
}

/// The step range `from..=to` (`to` defaulting to `last`) checked against
/// the runs' `last` step, or what is wrong with it.
pub fn step_range(from: usize, to: Option<usize>, last: usize) -> Result<(usize, usize), String> {
    let to = to.unwrap_or(last);
    if to > last {
        return Err(format!(
            "the last step shown, {to}, is after the runs' last step, {last}"
        ));
    }
    if from > to {
        return Err(format!(
            "the first step shown, {from}, is after the last, {to}"
        ));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_spread_evenly_over_the_step_range_ends_included() {
        assert_eq!(frame_steps(0, 40, 5), vec![0, 10, 20, 30, 40]);
        assert_eq!(frame_steps(10, 13, 4), vec![10, 11, 12, 13]);
        assert_eq!(frame_steps(5, 5, 3), vec![5, 5, 5]);
        assert_eq!(frame_steps(0, 100, 1), vec![100]);
    }

    #[test]
    fn a_step_range_outside_the_runs_is_named() {
        assert_eq!(step_range(0, None, 60), Ok((0, 60)));
        assert_eq!(step_range(10, Some(20), 60), Ok((10, 20)));
        assert_eq!(
            step_range(0, Some(70), 60),
            Err("the last step shown, 70, is after the runs' last step, 60".into())
        );
        assert_eq!(
            step_range(30, Some(20), 60),
            Err("the first step shown, 30, is after the last, 20".into())
        );
    }
}
