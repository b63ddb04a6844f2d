//! Legibility on a projector: the WCAG contrast ratio between two colours,
//! and a colour moved towards black or white until it stands out enough
//! from its background (a run's cyan on a white chart, say).

use plotters::style::RGBColor;

/// The relative luminance of an sRGB colour (WCAG 2: 0 black, 1 white).
pub fn luminance(color: RGBColor) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(color.0) + 0.7152 * linear(color.1) + 0.0722 * linear(color.2)
}

/// The contrast ratio of two colours, from 1 (the same) to 21 (black on white).
pub fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `color`, darkened on a light background or lightened on a dark one just
/// enough to reach a contrast of `ratio` with `background` (or as far as
/// black or white go), its hue kept.
pub fn legible_on(color: RGBColor, background: RGBColor, ratio: f64) -> RGBColor {
    let towards = if luminance(background) > 0.18 {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    };
    let mix = |t: f64| {
        let channel =
            |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
        RGBColor(
            channel(color.0, towards.0),
            channel(color.1, towards.1),
            channel(color.2, towards.2),
        )
    };
    (0..=20)
        .map(|k| mix(f64::from(k) / 20.0))
        .find(|c| contrast(*c, background) >= ratio)
        .unwrap_or(towards)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::chart::Theme;

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        let (black, white) = (RGBColor(0, 0, 0), RGBColor(255, 255, 255));
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-12);
        // #767676 on white is the lightest grey that passes 4.5:1.
        assert!((contrast(RGBColor(0x76, 0x76, 0x76), white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn both_themes_text_and_axes_pass_wcag() {
        for theme in [Theme::LIGHT, Theme::DARK] {
            assert!(contrast(theme.text, theme.background) >= 7.0, "{theme:?}");
            assert!(contrast(theme.axis, theme.background) >= 3.0, "{theme:?}");
        }
    }

    #[test]
    fn every_run_colour_is_made_legible_on_both_chart_backgrounds() {
        for hex in crate::web::state::runs::COLORS {
            let (r, g, b) = crate::web::state::runs::parse_color(hex).unwrap();
            for theme in [Theme::LIGHT, Theme::DARK] {
                let shown = legible_on(RGBColor(r, g, b), theme.background, 3.0);
                assert!(
                    contrast(shown, theme.background) >= 3.0,
                    "{hex} on {theme:?}"
                );
            }
        }
        // A colour that already stands out is left as it is.
        let red = RGBColor(220, 20, 60);
        assert_eq!(legible_on(red, Theme::LIGHT.background, 3.0), red);
    }
}
