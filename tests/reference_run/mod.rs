//! One gradient-descent run whose final point is pinned bit for bit, checked
//! natively and in the browser, so both builds provably walk the same path.

use descent::optim::GradientDescent;
use descent::problem::Rosenbrock;
use descent::run::run;

/// The bits of the final point of 500 GD steps (α = 1.5e-3) on Rosenbrock from (−1.2, 1).
pub const FINAL_POINT_BITS: [u64; 2] = [0xbf92a9663d33a166, 0x3f4cfb09cff8fc22];

/// Runs the pinned trajectory and returns its final point's bits.
pub fn final_point_bits() -> [u64; 2] {
    let problem = Rosenbrock::new(1.0, 100.0);
    let mut gd = GradientDescent::new(1.5e-3, 2);
    let history = run(&problem, &mut gd, &[-1.2, 1.0], 500);
    let last = &history.points[500];
    [last[0].to_bits(), last[1].to_bits()]
}
