//! Numbers as the page, the CLI and scene captions print them.

/// A short, readable form of `value`: four decimals at most, scientific
/// notation outside [10⁻³, 10⁵), trailing zeros dropped (`1e-6`, `0.25`, `1.234e8`).
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        let text = format!("{value:.3e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exponent}")
            }
            None => text,
        }
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_are_short() {
        assert_eq!(format_number(1e-6), "1e-6");
        assert_eq!(format_number(1.5e-6), "1.5e-6");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(123_456_789.0), "1.235e8");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
    }
}
