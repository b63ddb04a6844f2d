//! Long series drawn at the cost of the chart's width: points thinned, as
//! they come, to the few per pixel column that draw the same line.

/// Points (step, value) thinned as they come to at most four per pixel
/// column of a chart `columns` wide over `steps` steps: each column's first,
/// lowest, highest and last point, in step order. The line looks the same,
/// and a frame costs the chart's width, not the run's length.
pub struct ColumnThinner {
    steps: f64,
    columns: usize,
    kept: Vec<(f64, f64)>,
    /// The open column: its index and first, lowest, highest and last point.
    open: Option<(usize, [(f64, f64); 4])>,
}

impl ColumnThinner {
    /// An empty thinner for a chart `columns` pixels wide over `steps` steps.
    pub fn new(steps: f64, columns: usize) -> Self {
        Self {
            steps: steps.max(1.0),
            columns: columns.max(1),
            kept: Vec::new(),
            open: None,
        }
    }

    /// Takes the next point (steps in increasing order).
    pub fn push(&mut self, point: (f64, f64)) {
        let column = ((point.0 / self.steps) * self.columns as f64) as usize;
        match &mut self.open {
            Some((open, four)) if *open == column => {
                if point.1 < four[1].1 {
                    four[1] = point;
                }
                if point.1 > four[2].1 {
                    four[2] = point;
                }
                four[3] = point;
            }
            _ => {
                self.close();
                self.open = Some((column, [point; 4]));
            }
        }
    }

    /// The last point taken.
    pub fn last(&self) -> Option<&(f64, f64)> {
        self.open.as_ref().map(|(_, four)| &four[3])
    }

    fn close(&mut self) {
        if let Some((_, mut four)) = self.open.take() {
            four.sort_by(|a, b| a.0.total_cmp(&b.0));
            for point in four {
                if self.kept.last() != Some(&point) {
                    self.kept.push(point);
                }
            }
        }
    }

    /// The thinned points.
    pub fn finish(mut self) -> Vec<(f64, f64)> {
        self.close();
        self.kept
    }
}

/// `points` (step, value), thinned by a [`ColumnThinner`].
pub fn thin_to_columns(points: &[(f64, f64)], steps: f64, columns: usize) -> Vec<(f64, f64)> {
    let mut thinner = ColumnThinner::new(steps, columns);
    for &point in points {
        thinner.push(point);
    }
    thinner.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_curves_keep_four_points_a_column_and_their_extremes() {
        let points: Vec<(f64, f64)> = (0..20_000)
            .map(|i| (i as f64, (i as f64 * 0.37).sin()))
            .collect();
        let thinned = thin_to_columns(&points, 20_000.0, 300);
        assert!(thinned.len() <= 4 * 300, "{}", thinned.len());
        assert_eq!(thinned.first(), points.first());
        assert_eq!(thinned.last(), points.last());
        let extreme = |v: &[(f64, f64)]| v.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(extreme(&thinned), extreme(&points));
        assert!(thinned.windows(2).all(|w| w[0].0 < w[1].0), "in step order");
        let short = &points[..100];
        assert_eq!(thin_to_columns(short, 100.0, 300), short.to_vec());
    }
}
