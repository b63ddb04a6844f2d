//! The animation as a GIF for slides: the picture drawn at evenly spaced
//! steps, one frame per animation frame so the page stays responsive, each
//! scaled to the chosen width and quantised into an animated GIF; and the
//! options both this and the WebM export read (steps, speed, width, frames).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};

use super::app::App;
use super::state::landscape::LandscapeAction as L;
use super::state::Action;
use super::{canvas, dom};
use crate::render::animation::{frame_steps, step_range, MAX_FRAMES};

/// Milliseconds the page shows each step at speed 1 (as it plays).
pub(super) const STEP_MS: f64 = 60.0;

/// What an exported animation shows, as its controls ask.
#[derive(Clone, Copy, Debug)]
pub(super) struct AnimationOptions {
    /// The first step shown.
    pub from: usize,
    /// The last step shown.
    pub to: usize,
    /// Playback speed (1 is the page's own).
    pub speed: f64,
    /// Width in pixels (the height keeps the picture's proportions).
    pub width: u32,
    /// Frames of a GIF.
    pub frames: usize,
}

/// An animated GIF being drawn, a frame at a time.
pub struct GifExport {
    steps: Vec<usize>,
    next: usize,
    encoder: gif::Encoder<Vec<u8>>,
    scaled: CanvasRenderingContext2d,
    size: (u16, u16),
    delay_cs: u16,
    step_before: usize,
}

/// A whole number typed in box `id`, empty for `None`, or what is wrong.
fn whole(document: &web_sys::Document, id: &str, what: &str) -> Result<Option<usize>, String> {
    let input: HtmlInputElement = dom::element(document, id).map_err(|e| format!("{e:?}"))?;
    let text = input.value();
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<usize>()
        .map(Some)
        .map_err(|_| format!("{what}: “{text}” is not a whole number"))
}

fn chosen(document: &web_sys::Document, id: &str) -> f64 {
    dom::element::<HtmlSelectElement>(document, id)
        .ok()
        .and_then(|s| s.value().parse().ok())
        .unwrap_or(1.0)
}

/// A canvas of `width` × `height` for a scaled copy of the picture, and its 2D context.
pub(super) fn scaled_canvas(
    document: &web_sys::Document,
    (width, height): (u32, u32),
) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), JsValue> {
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context = canvas::context_2d(&canvas)?;
    Ok((canvas, context))
}

impl App {
    /// The animation options as the controls say, checked against the runs.
    pub(super) fn animation_options(&self) -> Result<AnimationOptions, String> {
        if !self.computation.as_ref().is_some_and(|c| c.finished()) {
            return Err("the runs are still being computed; export once they are".into());
        }
        let document = &self.document;
        let last = self.state.landscape.total;
        let from = whole(document, "anim-from", "first step")?.unwrap_or(0);
        let to = whole(document, "anim-to", "last step")?;
        let (from, to) = step_range(from, to, last)?;
        let frames = whole(document, "anim-frames", "GIF frames")?.unwrap_or(60);
        if !(1..=MAX_FRAMES).contains(&frames) {
            return Err(format!(
                "GIF frames: {frames} is not from 1 to {MAX_FRAMES}"
            ));
        }
        Ok(AnimationOptions {
            from,
            to,
            speed: chosen(document, "anim-speed").clamp(0.1, 16.0),
            width: chosen(document, "anim-width").clamp(16.0, 1920.0) as u32,
            frames: frames.min(to - from + 1),
        })
    }

    /// The picture's size scaled to `width` pixels across.
    pub(super) fn scaled_size(&self, width: u32) -> (u32, u32) {
        let (w, h) = (
            self.el.canvas.width().max(1),
            self.el.canvas.height().max(1),
        );
        let height = (f64::from(width) * f64::from(h) / f64::from(w)).round() as u32;
        (width, height.max(16) & !1)
    }

    /// Copies the picture into `context`'s canvas, scaled to fill it.
    pub(super) fn mirror_picture(&self, context: &CanvasRenderingContext2d) -> Result<(), JsValue> {
        let target = context
            .canvas()
            .ok_or_else(|| JsValue::from_str("the animation's canvas is gone"))?;
        context.draw_image_with_html_canvas_element_and_dw_and_dh(
            &self.el.canvas,
            0.0,
            0.0,
            f64::from(target.width()),
            f64::from(target.height()),
        )
    }

    /// Starts drawing the GIF the options ask for.
    pub(super) fn start_gif(&mut self) {
        if self.gif.is_some() {
            return;
        }
        let started = self.animation_options().and_then(|options| {
            let (width, height) = self.scaled_size(options.width);
            let (_, scaled) =
                scaled_canvas(&self.document, (width, height)).map_err(|e| format!("{e:?}"))?;
            let size = (width as u16, height as u16);
            let mut encoder =
                gif::Encoder::new(Vec::new(), size.0, size.1, &[]).map_err(|e| e.to_string())?;
            encoder
                .set_repeat(gif::Repeat::Infinite)
                .map_err(|e| e.to_string())?;
            let steps = frame_steps(options.from, options.to, options.frames);
            let span = (options.to - options.from) as f64 * STEP_MS / options.speed;
            let per_frame = span / steps.len().max(1) as f64;
            Ok(GifExport {
                steps,
                next: 0,
                encoder,
                scaled,
                size,
                delay_cs: (per_frame / 10.0).round().clamp(2.0, 65535.0) as u16,
                step_before: self.state.landscape.step,
            })
        });
        match started {
            Ok(export) => {
                self.state.landscape.playing = false;
                self.gif = Some(export);
            }
            Err(problem) => self.refuse_animation(&problem),
        }
    }

    /// Says why an animation was not made.
    pub(super) fn refuse_animation(&mut self, problem: &str) {
        self.state.notice = Some(format!("The animation was not made: {problem}"));
        self.show_status();
    }

    /// Draws the GIF's next frame; offers the file after the last.
    pub(super) fn gif_frame(&mut self) {
        let Some(mut export) = self.gif.take() else {
            return;
        };
        let Some(&step) = export.steps.get(export.next) else {
            return self.finish_gif(export);
        };
        self.dispatch(Action::Landscape(L::Seek(step)));
        let (size, ratio, _) = canvas::fit_to_display(&self.el.canvas);
        // Drawn here for the frame, so this animation frame need not draw it again.
        self.dirty = false;
        let frame = self
            .draw(size, ratio)
            .and_then(|_| self.mirror_picture(&export.scaled))
            .and_then(|_| {
                let (w, h) = export.size;
                export
                    .scaled
                    .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
            });
        match frame {
            Ok(pixels) => {
                let mut rgba = pixels.data().0;
                let (w, h) = export.size;
                let mut frame = gif::Frame::from_rgba_speed(w, h, &mut rgba, 10);
                frame.delay = export.delay_cs;
                if let Err(err) = export.encoder.write_frame(&frame) {
                    return self.refuse_animation(&err.to_string());
                }
                export.next += 1;
                let progress = format!("GIF frame {} of {}", export.next, export.steps.len());
                self.set_animation_progress(&progress);
                self.gif = Some(export);
            }
            Err(err) => self.refuse_animation(&format!("{err:?}")),
        }
    }

    fn finish_gif(&mut self, export: GifExport) {
        let frames = export.steps.len();
        let step_before = export.step_before;
        let offered = export
            .encoder
            .into_inner()
            .map_err(|e| JsValue::from_str(&e.to_string()))
            .and_then(|bytes| {
                let _ = self
                    .el
                    .canvas
                    .set_attribute("data-gif-bytes", &bytes.len().to_string());
                let _ = self
                    .el
                    .canvas
                    .set_attribute("data-gif-frames", &frames.to_string());
                super::export::bytes(&self.document, "descent-animation.gif", "image/gif", &bytes)
            });
        if let Err(err) = offered {
            self.refuse_animation(&format!("{err:?}"));
        }
        self.set_animation_progress(&format!("GIF of {frames} frames offered"));
        self.dispatch(Action::Landscape(L::Seek(step_before)));
    }

    /// Shows how far an export has come.
    pub(super) fn set_animation_progress(&self, text: &str) {
        if let Some(progress) = self.document.get_element_by_id("anim-progress") {
            progress.set_text_content(Some(text));
        }
    }
}
