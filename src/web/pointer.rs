//! The pointer: dragging the start point on the landscape, and hover
//! readouts over the landscape and the chart.

use wasm_bindgen::JsCast;
use web_sys::{Event, PointerEvent};

use super::app::App;
use super::controls::format_number;
use super::state::landscape::LandscapeAction as L;
use super::state::Action;

impl App {
    fn plane_point(&self, event: &Event) -> Option<[f64; 2]> {
        let pointer = event.dyn_ref::<PointerEvent>()?;
        let layout = self.layout?;
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (px, py) = (
            f64::from(pointer.offset_x()) * ratio,
            f64::from(pointer.offset_y()) * ratio,
        );
        let plot = layout.plot;
        let inside = px >= f64::from(plot.left)
            && px <= f64::from(plot.left + plot.width)
            && py >= f64::from(plot.top)
            && py <= f64::from(plot.top + plot.height);
        inside.then(|| {
            let (x, y) = layout.to_plane(px, py);
            [x, y]
        })
    }

    pub(super) fn on_pointer_down(&mut self, event: &Event) {
        if self.state.landscape.view.surface.is_some() {
            return self.surface_pointer_down(event);
        }
        if let Some(point) = self.plane_point(event) {
            self.dragging = true;
            self.dispatch(Action::Landscape(L::SetStart(point)));
        }
    }

    pub(super) fn on_pointer_move(&mut self, event: &Event) {
        if self.state.landscape.view.surface.is_some() {
            return self.surface_pointer_move(event);
        }
        let point = self.plane_point(event);
        if self.dragging {
            if let Some(point) = point {
                self.dispatch(Action::Landscape(L::SetStart(point)));
            }
        }
        let text = match (point, self.outcome()) {
            (Some([x, y]), Some(outcome)) => format!(
                "x = {}, y = {}: f = {}",
                format_number(x),
                format_number(y),
                format_number(outcome.landscape.value(&[x, y]))
            ),
            _ => String::new(),
        };
        self.el.hover.set_text_content(Some(&text));
    }

    /// Hovering the chart: every visible run's value at the step under the pointer.
    pub(super) fn on_chart_move(&mut self, event: &Event) {
        let (Some(pointer), Some(outcome)) = (event.dyn_ref::<PointerEvent>(), self.outcome())
        else {
            return;
        };
        let Some(axis) = self.step_axis else {
            return;
        };
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let step = axis.step_at(f64::from(pointer.offset_x()) * ratio);
        let quantity = self.state.landscape.view.chart;
        let minima = outcome.landscape.minima();
        let parts: Vec<String> = outcome
            .runs
            .iter()
            .enumerate()
            .filter(|(i, _)| self.visible(*i))
            .filter_map(|(_, run)| {
                let values = quantity.values(&run.history, &minima);
                values
                    .get(step)
                    .map(|v| format!("{} {}", run.label, format_number(*v)))
            })
            .collect();
        self.el
            .hover
            .set_text_content(Some(&format!("step {step}: {}", parts.join(", "))));
    }
}
