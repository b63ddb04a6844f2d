//! What a landscape scene claims about its runs, checked on the computed
//! histories: a scene that stops teaching its point fails the test that runs it.

use serde::Deserialize;

use crate::experiment::landscape::run::{History, Outcome, RunResult, Status};
use crate::render::number::format_number;

/// One checkable statement about a landscape scene's runs, named by their labels.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "claim", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Claim {
    /// `run` reaches f ≤ `loss` in fewer steps than `than` (which may never reach it).
    Faster {
        /// The faster run.
        run: String,
        /// The slower run.
        than: String,
        /// The level both race to.
        loss: f64,
    },
    /// `run` reaches f ≤ `loss` within `steps` steps.
    Reaches {
        /// The run.
        run: String,
        /// The level.
        loss: f64,
        /// The most steps it may take.
        steps: usize,
    },
    /// `run` does not reach f ≤ `loss` within `steps` steps.
    DoesNotReach {
        /// The run.
        run: String,
        /// The level.
        loss: f64,
        /// The steps it is given.
        steps: usize,
    },
    /// `run`'s averaged path ends with f at most `factor` times the mean of
    /// the raw iterate's f over its last `window` steps.
    AverageEndsBelow {
        /// The averaged run.
        run: String,
        /// How many of the iterate's last steps are averaged for the comparison.
        window: usize,
        /// The margin: the average's final f times this is still below.
        factor: f64,
    },
    /// The mean f over the last `window` steps of `run` is below `factor`
    /// times that of `than`, both measured above `above` when it is given
    /// (the minimum f*: the excess loss, as noise floors are compared).
    EndsLower {
        /// The lower run.
        run: String,
        /// The higher run.
        than: String,
        /// How many final steps are averaged.
        window: usize,
        /// The margin.
        factor: f64,
        /// The level both are measured above (0 unless given).
        #[serde(default)]
        above: Option<f64>,
    },
    /// `run` ends with f ≤ `loss`.
    EndsBelow {
        /// The run.
        run: String,
        /// The level.
        loss: f64,
    },
    /// From step `from` on, `run`'s highest f times `factor` stays below
    /// `than`'s highest f: noise throws it about less.
    Calmer {
        /// The calmer run.
        run: String,
        /// The wilder run.
        than: String,
        /// The first step looked at.
        from: usize,
        /// The margin.
        factor: f64,
    },
    /// `run` ends within `distance` of `point`.
    EndsNear {
        /// The run.
        run: String,
        /// The point.
        point: [f64; 2],
        /// The radius.
        distance: f64,
    },
    /// `run` ends as `status` (`converged`, `finished`, `diverged`, or
    /// `unbounded`: diverged while f fell without bound).
    Ends {
        /// The run.
        run: String,
        /// The ending.
        status: Ending,
    },
    /// At least `fraction` of `run`'s first `steps` consecutive step pairs
    /// point in opposite directions (a zig-zag: their dot product is negative).
    ZigZags {
        /// The run.
        run: String,
        /// The steps looked at.
        steps: usize,
        /// The least share of reversing pairs.
        fraction: f64,
    },
    /// Fewer than `fraction` of `run`'s first `steps` consecutive step pairs reverse.
    Smooth {
        /// The run.
        run: String,
        /// The steps looked at.
        steps: usize,
        /// The most share of reversing pairs.
        fraction: f64,
    },
}

/// How a run may end, as a claim names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ending {
    /// Took every step.
    Finished,
    /// Stopped at a stationary point.
    Converged,
    /// Produced a non-finite value or left the radius.
    Diverged,
    /// Diverged while f fell without bound.
    Unbounded,
}

/// The first step at which `h` has f ≤ `loss`.
pub fn first_reaching(h: &History, loss: f64) -> Option<usize> {
    h.loss.iter().position(|&f| f <= loss)
}

/// The share of `h`'s first `steps` consecutive step pairs whose directions reverse.
pub fn reversal_share(h: &History, steps: usize) -> f64 {
    let n = steps.min(h.steps());
    if n < 2 {
        return 0.0;
    }
    let step = |k: usize| {
        let (a, b) = (&h.points[k - 1], &h.points[k]);
        [b[0] - a[0], b[1] - a[1]]
    };
    let reversing = (2..=n)
        .filter(|&k| {
            let (s, t) = (step(k - 1), step(k));
            s[0] * t[0] + s[1] * t[1] < 0.0
        })
        .count();
    reversing as f64 / (n - 1) as f64
}

fn tail_mean(values: &[f64], window: usize) -> f64 {
    let start = values.len().saturating_sub(window.max(1));
    let tail = &values[start..];
    tail.iter().sum::<f64>() / tail.len().max(1) as f64
}

fn over(window: usize) -> String {
    if window <= 1 {
        String::new()
    } else {
        format!(" (mean f over the last {window} steps)")
    }
}

fn reached(step: Option<usize>) -> String {
    step.map_or("never".to_string(), |s| format!("at step {s}"))
}

impl Claim {
    /// The claim in words.
    pub fn describe(&self) -> String {
        match self {
            Claim::Faster { run, than, loss } => format!(
                "{run} reaches f ≤ {} in fewer steps than {than}",
                format_number(*loss)
            ),
            Claim::Reaches { run, loss, steps } => format!(
                "{run} reaches f ≤ {} within {steps} step{}",
                format_number(*loss),
                if *steps == 1 { "" } else { "s" }
            ),
            Claim::DoesNotReach { run, loss, steps } => format!(
                "{run} does not reach f ≤ {} within {steps} steps",
                format_number(*loss)
            ),
            Claim::AverageEndsBelow { run, window, .. } => format!(
                "{run}: the averaged point ends below the iterate (its f over the last {window} steps)"
            ),
            Claim::EndsLower {
                run,
                than,
                window,
                above: Some(level),
                ..
            } => format!(
                "{run} ends nearer f = {} than {than}{}",
                format_number(*level),
                over(*window)
            ),
            Claim::EndsLower { run, than, window, .. } => {
                format!("{run} ends lower than {than}{}", over(*window))
            }
            Claim::EndsBelow { run, loss } => {
                format!("{run} ends with f ≤ {}", format_number(*loss))
            }
            Claim::Calmer { run, than, from, .. } => format!(
                "after step {from}, {run}'s worst f stays well below {than}'s"
            ),
            Claim::EndsNear { run, point, .. } => format!(
                "{run} ends at ({}, {})",
                format_number(point[0]),
                format_number(point[1])
            ),
            Claim::Ends { run, status } => format!(
                "{run} ends {}",
                match status {
                    Ending::Finished => "after every step",
                    Ending::Converged => "converged",
                    Ending::Diverged => "diverged",
                    Ending::Unbounded => "with f falling without bound",
                }
            ),
            Claim::ZigZags { run, steps, .. } => {
                format!("{run} zig-zags: its steps reverse over the first {steps}")
            }
            Claim::Smooth { run, steps, .. } => {
                format!("{run} rarely reverses over its first {steps} steps")
            }
        }
    }

    /// The labels of the runs the claim names.
    pub fn runs(&self) -> Vec<&str> {
        match self {
            Claim::Faster { run, than, .. }
            | Claim::EndsLower { run, than, .. }
            | Claim::Calmer { run, than, .. } => vec![run, than],
            Claim::Reaches { run, .. }
            | Claim::DoesNotReach { run, .. }
            | Claim::AverageEndsBelow { run, .. }
            | Claim::EndsNear { run, .. }
            | Claim::EndsBelow { run, .. }
            | Claim::Ends { run, .. }
            | Claim::ZigZags { run, .. }
            | Claim::Smooth { run, .. } => vec![run],
        }
    }

    /// Checks the claim on `outcome`: the evidence in words when it holds,
    /// else what was found instead.
    pub fn check(&self, outcome: &Outcome) -> Result<String, String> {
        let find = |label: &str| -> Result<&RunResult, String> {
            outcome
                .runs
                .iter()
                .find(|r| r.label == label)
                .ok_or_else(|| format!("no run is labelled '{label}'"))
        };
        let verdict = |holds: bool, evidence: String| {
            if holds {
                Ok(evidence)
            } else {
                Err(evidence)
            }
        };
        match self {
            Claim::Faster { run, than, loss } => {
                let (a, b) = (find(run)?, find(than)?);
                let (sa, sb) = (
                    first_reaching(&a.history, *loss),
                    first_reaching(&b.history, *loss),
                );
                let holds = match (sa, sb) {
                    (Some(x), Some(y)) => x < y,
                    (Some(_), None) => true,
                    _ => false,
                };
                verdict(
                    holds,
                    format!(
                        "f ≤ {}: {run} {}, {than} {}",
                        format_number(*loss),
                        reached(sa),
                        reached(sb)
                    ),
                )
            }
            Claim::Reaches { run, loss, steps } => {
                let s = first_reaching(&find(run)?.history, *loss);
                verdict(
                    s.is_some_and(|s| s <= *steps),
                    format!("{run} reaches f ≤ {} {}", format_number(*loss), reached(s)),
                )
            }
            Claim::DoesNotReach { run, loss, steps } => {
                let s = first_reaching(&find(run)?.history, *loss);
                verdict(
                    s.is_none_or(|s| s > *steps),
                    format!("{run} reaches f ≤ {} {}", format_number(*loss), reached(s)),
                )
            }
            Claim::AverageEndsBelow {
                run,
                window,
                factor,
            } => {
                let h = &find(run)?.history;
                let Some(averaged) = &h.averaged else {
                    return Err(format!("{run} has no averaged path"));
                };
                let last = averaged.loss.last().copied().unwrap_or(f64::NAN);
                let iterate = tail_mean(&h.loss, *window);
                verdict(
                    last * factor < iterate,
                    format!(
                        "{run}: averaged f = {}, iterate's f = {} (mean of the last {window})",
                        format_number(last),
                        format_number(iterate)
                    ),
                )
            }
            Claim::EndsLower {
                run,
                than,
                window,
                factor,
                above,
            } => {
                let level = above.unwrap_or(0.0);
                let (a, b) = (
                    tail_mean(&find(run)?.history.loss, *window) - level,
                    tail_mean(&find(than)?.history.loss, *window) - level,
                );
                let measured = match above {
                    Some(level) => format!("f − {}", format_number(*level)),
                    None => "f".to_string(),
                };
                verdict(
                    a * factor < b,
                    format!(
                        "{}: {run} {}, {than} {}",
                        if *window <= 1 {
                            format!("final {measured}")
                        } else {
                            format!("mean {measured} over the last {window} steps")
                        },
                        format_number(a),
                        format_number(b)
                    ),
                )
            }
            Claim::EndsBelow { run, loss } => {
                let last = find(run)?.history.loss.last().copied().unwrap_or(f64::NAN);
                verdict(
                    last <= *loss,
                    format!("{run} ends with f = {}", format_number(last)),
                )
            }
            Claim::Calmer {
                run,
                than,
                from,
                factor,
            } => {
                let worst = |h: &History| {
                    h.loss
                        .iter()
                        .skip(*from)
                        .copied()
                        .fold(f64::NEG_INFINITY, f64::max)
                };
                let (a, b) = (worst(&find(run)?.history), worst(&find(than)?.history));
                verdict(
                    a * factor < b,
                    format!(
                        "highest f after step {from}: {run} {}, {than} {}",
                        format_number(a),
                        format_number(b)
                    ),
                )
            }
            Claim::EndsNear {
                run,
                point,
                distance,
            } => {
                let h = &find(run)?.history;
                let end = h.points.last().cloned().unwrap_or_default();
                let d = (end[0] - point[0]).hypot(end[1] - point[1]);
                verdict(
                    d <= *distance,
                    format!(
                        "{run} ends at ({}, {}), {} away",
                        format_number(end[0]),
                        format_number(end[1]),
                        format_number(d)
                    ),
                )
            }
            Claim::Ends { run, status } => {
                let h = &find(run)?.history;
                let actual = ending(h);
                verdict(
                    actual == *status,
                    format!(
                        "{run} ends {} after {} steps",
                        format!("{actual:?}").to_lowercase(),
                        h.steps()
                    ),
                )
            }
            Claim::ZigZags {
                run,
                steps,
                fraction,
            } => {
                let share = reversal_share(&find(run)?.history, *steps);
                verdict(
                    share >= *fraction,
                    format!(
                        "{run}: {:.0} % of its first {steps} steps reverse",
                        share * 100.0
                    ),
                )
            }
            Claim::Smooth {
                run,
                steps,
                fraction,
            } => {
                let share = reversal_share(&find(run)?.history, *steps);
                verdict(
                    share < *fraction,
                    format!(
                        "{run}: {:.0} % of its first {steps} steps reverse",
                        share * 100.0
                    ),
                )
            }
        }
    }
}

/// How `h` ended, telling a run that fell without bound from other divergence.
pub fn ending(h: &History) -> Ending {
    match h.status {
        Status::Finished => Ending::Finished,
        Status::Converged => Ending::Converged,
        Status::Diverged if h.unbounded_below() => Ending::Unbounded,
        Status::Diverged => Ending::Diverged,
    }
}
