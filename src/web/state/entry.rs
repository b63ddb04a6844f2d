//! Typed numbers and formulas: the text of a box, checked against its
//! declaration when the user commits it (Enter or leaving the box), never per
//! keystroke.

use serde_json::{json, Value as Json};

use crate::param::{ParamKind, ParamSpec};
use crate::render::number::format_number;

/// The longest piece of rejected text a message repeats.
const ECHO_LIMIT: usize = 24;

/// The value `text` stands for under `spec`, or why it is refused: not a
/// number, not whole, or outside the declared range (named with the range).
pub fn parse_entry(spec: &ParamSpec, text: &str) -> Result<Json, String> {
    if spec.kind == ParamKind::Formula {
        let typed = Json::String(text.trim().to_string());
        return spec
            .check(spec.name, &typed)
            .map(|_| typed)
            .map_err(|e| format!("{}: {}", label(spec), e.message));
    }
    let trimmed = text.trim();
    let shown = echo(trimmed);
    let Some((min, max, whole)) = spec.range() else {
        return Err(format!("{} is not a number box", spec.name));
    };
    let range = format!("{} to {}", format_number(min), format_number(max));
    if trimmed.is_empty() {
        return Err(format!(
            "{}: empty; enter a number from {range}",
            label(spec)
        ));
    }
    let Ok(value) = trimmed.parse::<f64>() else {
        return Err(format!(
            "{}: “{shown}” is not a number; enter one from {range}",
            label(spec)
        ));
    };
    if whole && (value.fract() != 0.0 || !value.is_finite()) && value.abs() < 1e15 {
        return Err(format!(
            "{}: “{shown}” is not a whole number; enter one from {range}",
            label(spec)
        ));
    }
    if !value.is_finite() || value < min || value > max {
        return Err(format!(
            "{}: “{shown}” is outside the accepted range, {range}",
            label(spec)
        ));
    }
    Ok(if whole {
        json!(value as u64)
    } else {
        json!(value)
    })
}

/// The text a message repeats: at most [`ECHO_LIMIT`] characters.
pub fn echo(text: &str) -> String {
    if text.chars().count() <= ECHO_LIMIT {
        text.to_string()
    } else {
        let head: String = text.chars().take(ECHO_LIMIT - 1).collect();
        format!("{head}…")
    }
}

/// A parameter as people see it: its symbol and name.
pub fn label(spec: &ParamSpec) -> String {
    if spec.symbol == spec.name {
        spec.name.to_string()
    } else {
        format!("{} ({})", spec.symbol, spec.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LR: ParamSpec = ParamSpec::log("lr", "α", 0.01, 1e-6, 10.0, "learning rate");
    const WIDTH: ParamSpec = ParamSpec::integer("width", "width", 32, 2, 16384, "hidden units");

    const F: ParamSpec = ParamSpec::formula("f", "f", "x^2", "the function");

    #[test]
    fn a_formula_is_taken_as_typed_or_refused_with_its_position() {
        assert_eq!(parse_entry(&F, " x^2 + y "), Ok(json!("x^2 + y")));
        let refused = parse_entry(&F, "x^2 + * y").unwrap_err();
        assert!(
            refused.starts_with("f: at character 7: expected"),
            "{refused}"
        );
    }

    #[test]
    fn a_number_in_range_is_taken_whole() {
        assert_eq!(parse_entry(&LR, " 0.5 "), Ok(json!(0.5)));
        assert_eq!(parse_entry(&LR, "1e-3"), Ok(json!(0.001)));
        assert_eq!(parse_entry(&WIDTH, "8192"), Ok(json!(8192)));
    }

    #[test]
    fn refusals_name_the_text_and_the_range() {
        let too_big = parse_entry(&LR, "100").unwrap_err();
        assert!(
            too_big.contains("“100”") && too_big.contains("1e-6 to 10"),
            "{too_big}"
        );
        let text = parse_entry(&WIDTH, "abc").unwrap_err();
        assert!(
            text.contains("“abc” is not a number") && text.contains("2 to 16384"),
            "{text}"
        );
        let negative = parse_entry(&WIDTH, "-1").unwrap_err();
        assert!(negative.contains("“-1” is outside"), "{negative}");
        let huge = parse_entry(&WIDTH, "1e9").unwrap_err();
        assert!(huge.contains("“1e9” is outside"), "{huge}");
        let fraction = parse_entry(&WIDTH, "2.5").unwrap_err();
        assert!(fraction.contains("not a whole number"), "{fraction}");
        assert!(parse_entry(&WIDTH, "").unwrap_err().contains("empty"));
    }

    #[test]
    fn absurd_numbers_are_never_echoed_in_full() {
        let message = parse_entry(&LR, "1e308").unwrap_err();
        assert!(
            message.contains("“1e308”") && message.len() < 120,
            "{message}"
        );
        let long = "9".repeat(400);
        let message = parse_entry(&LR, &long).unwrap_err();
        assert!(message.len() < 120, "{message}");
    }
}
