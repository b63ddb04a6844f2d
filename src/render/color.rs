//! Mapping function values to colours: a linear or logarithmic scale and a colormap.

/// How values are spread over the colormap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScaleKind {
    /// Equal steps of value get equal steps of colour.
    Linear,
    /// Colour follows ln(1 + (f − min)/s): for functions spanning decades.
    Log {
        /// The value offset below which the scale is close to linear.
        softness: f64,
    },
}

/// A map from function values to positions in [0, 1] on the colormap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColorScale {
    /// The value shown with the first colour.
    pub min: f64,
    /// The value shown with the last colour.
    pub max: f64,
    /// Linear or logarithmic.
    pub kind: ScaleKind,
}

impl ColorScale {
    /// Chooses a scale for a set of sampled values: logarithmic when half of
    /// them crowd into the lowest 30 % of the range (Rosenbrock's valley, an
    /// ill-conditioned quadratic's), linear otherwise, so that contours reach
    /// into the valley where the paths run. Non-finite samples are ignored.
    pub fn fit(samples: &[f64]) -> Self {
        let mut finite: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            return Self {
                min: 0.0,
                max: 1.0,
                kind: ScaleKind::Linear,
            };
        }
        let mid = finite.len() / 2;
        let (_, median, _) = finite.select_nth_unstable_by(mid, f64::total_cmp);
        let median = *median;
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let range = max - min;
        let kind = if range > 0.0 && median - min < 0.3 * range {
            ScaleKind::Log {
                softness: 1e-3 * range,
            }
        } else {
            ScaleKind::Linear
        };
        Self { min, max, kind }
    }

    /// The map from values to colormap positions, with the scale's constants
    /// computed once: positions are clamped to [0, 1] and non-finite values map to 1.
    fn mapper(&self) -> impl Fn(f64) -> f64 {
        let (min, span) = (self.min, self.max - self.min);
        let (scale, softness) = match self.kind {
            _ if span <= 0.0 => (0.0, 0.0),
            ScaleKind::Linear => (1.0 / span, 0.0),
            ScaleKind::Log { softness } => (1.0 / (span / softness).ln_1p(), softness),
        };
        move |value: f64| {
            if !value.is_finite() {
                return 1.0;
            }
            let shifted = (value - min).max(0.0);
            let t = if softness > 0.0 {
                (shifted / softness).ln_1p() * scale
            } else {
                shifted * scale
            };
            t.clamp(0.0, 1.0)
        }
    }

    /// The colormap position of `value`, clamped to [0, 1]; non-finite values map to 1.
    pub fn position(&self, value: f64) -> f64 {
        self.mapper()(value)
    }

    /// The colormap positions of many values at once.
    pub fn positions(&self, values: &[f64]) -> Vec<f64> {
        let map = self.mapper();
        values.iter().map(|&v| map(v)).collect()
    }

    /// The value at colormap position `t` in [0, 1]: the inverse of [`position`](Self::position).
    pub fn value_at(&self, t: f64) -> f64 {
        let span = self.max - self.min;
        match self.kind {
            ScaleKind::Linear => self.min + t * span,
            ScaleKind::Log { softness } => {
                self.min + softness * (t * (span / softness).ln_1p()).exp_m1()
            }
        }
    }
}

/// A colormap sampled into a lookup table of 256 RGB colours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Colormap {
    table: Vec<[u8; 3]>,
}

impl Colormap {
    /// Perceptually uniform viridis, dark blue (low) to yellow (high).
    pub fn viridis() -> Self {
        let table = (0..256)
            .map(|i| {
                let c = colorous::VIRIDIS.eval_rational(i, 256);
                [c.r, c.g, c.b]
            })
            .collect();
        Self { table }
    }

    /// The colour at position `t` in [0, 1].
    pub fn at(&self, t: f64) -> [u8; 3] {
        let last = self.table.len() - 1;
        let index = (t.clamp(0.0, 1.0) * last as f64).round() as usize;
        self.table[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valley_shaped_samples_get_a_log_scale() {
        let samples: Vec<f64> = (0..100).map(|i| f64::from(i).powi(4)).collect();
        assert!(matches!(
            ColorScale::fit(&samples).kind,
            ScaleKind::Log { .. }
        ));
        let bowl: Vec<f64> = (0..100).map(|i| f64::from(i).powi(2)).collect();
        assert!(matches!(ColorScale::fit(&bowl).kind, ScaleKind::Log { .. }));
        let even: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(ColorScale::fit(&even).kind, ScaleKind::Linear);
    }

    #[test]
    fn positions_agree_with_position() {
        for samples in [
            (0..100).map(|i| f64::from(i).powi(4)).collect::<Vec<_>>(),
            (0..100).map(f64::from).collect(),
        ] {
            let scale = ColorScale::fit(&samples);
            let many = scale.positions(&samples);
            for (v, t) in samples.iter().zip(many) {
                assert!((scale.position(*v) - t).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn value_at_inverts_position() {
        let samples: Vec<f64> = (0..100).map(|i| f64::from(i).powi(4)).collect();
        let scale = ColorScale::fit(&samples);
        for t in [0.0, 0.25, 0.5, 0.9, 1.0] {
            assert!((scale.position(scale.value_at(t)) - t).abs() < 1e-12);
        }
    }

    #[test]
    fn colormap_ends_are_dark_and_bright() {
        let map = Colormap::viridis();
        let dark: u32 = map.at(0.0).iter().map(|&c| u32::from(c)).sum();
        let bright: u32 = map.at(1.0).iter().map(|&c| u32::from(c)).sum();
        assert!(dark < bright);
    }
}
