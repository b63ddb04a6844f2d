//! Pictures of landscapes and optimizer paths, independent of where they are shown.
//!
//! [`landscape`] computes the heatmap with contour lines as an RGBA buffer, once
//! per problem change; [`chart`] draws axes and paths over it with plotters on
//! any backend (the page's canvas, SVG or PNG files); [`view`] maps plane
//! coordinates to pixels.

pub mod animation;
pub mod chart;
pub mod classifier;
pub mod color;
pub mod confusion;
pub mod contrast;
pub mod curves;
pub mod figure;
pub mod guides;
pub mod inside;
pub mod instruments;
pub mod landscape;
pub mod legend;
pub mod mathml;
pub mod number;
pub mod surface;
pub mod thinning;
pub mod view;
