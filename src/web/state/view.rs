//! How the landscape experiment is viewed: compare mode, overlays, the
//! chart's quantity, the fitted view and the playback speeds.

use crate::render::curves::Quantity;
pub use crate::render::surface::Camera;

/// The speeds offered (revealed steps per tick).
pub const SPEEDS: [f64; 4] = [0.25, 1.0, 4.0, 16.0];

/// How runs share the picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compare {
    /// Every visible run over one landscape.
    #[default]
    Overlaid,
    /// One panel per visible run (up to [`SIDE_BY_SIDE`]).
    SideBySide,
}

/// The overlays that can be switched on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// −∇f arrows over the view.
    Field,
    /// The local quadratic model's Newton target.
    Newton,
    /// The Hessian's eigen-directions.
    Eigen,
    /// Momentum SGD's step split into gradient and velocity.
    Momentum,
    /// The faint rest of each path, ahead of the current step.
    Ahead,
    /// Where the first visible run ends from every start in the view.
    Basins,
    /// The points the current step tried (line searches, trust regions).
    Trials,
    /// A quasi-Newton method's Hessian model beside the true Hessian.
    Model,
}

impl Overlay {
    /// Every overlay with its key in the address.
    pub const ALL: [(&'static str, Overlay); 8] = [
        ("field", Overlay::Field),
        ("newton", Overlay::Newton),
        ("eigen", Overlay::Eigen),
        ("momentum", Overlay::Momentum),
        ("ahead", Overlay::Ahead),
        ("basins", Overlay::Basins),
        ("trials", Overlay::Trials),
        ("model", Overlay::Model),
    ];
}

/// A sweep shown in place of the per-step chart.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepChoice {
    /// The run swept (0-based).
    pub run: usize,
    /// Its swept hyperparameters: one (a curve) or two (a heatmap).
    pub params: Vec<String>,
    /// Random search instead of the grid.
    pub random: bool,
}

/// How the experiment is viewed.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// Overlaid or side by side.
    pub compare: Compare,
    /// The overlays switched on.
    pub overlays: Vec<Overlay>,
    /// The quantity the chart plots.
    pub chart: Quantity,
    /// Whether the view widens to hold every path.
    pub fit: bool,
    /// The sweep shown instead of the chart, if any.
    pub sweep: Option<SweepChoice>,
    /// The landscape as a 3D surface seen from this camera, instead of contours.
    pub surface: Option<Camera>,
    /// Whether the 3D surface turns by itself.
    pub spin: bool,
}

impl Default for View {
    fn default() -> Self {
        Self {
            compare: Compare::Overlaid,
            overlays: Vec::new(),
            chart: Quantity::Loss,
            fit: true,
            sweep: None,
            surface: None,
            spin: false,
        }
    }
}

impl View {
    /// Whether `overlay` is on.
    pub fn has(&self, overlay: Overlay) -> bool {
        self.overlays.contains(&overlay)
    }
}
