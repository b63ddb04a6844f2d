//! The animation as a video for slides: the picture, scaled to the chosen
//! width, recorded by the browser's MediaRecorder (WebM) while the runs play
//! the chosen steps at the chosen speed, then offered as a download.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobEvent, CanvasRenderingContext2d, MediaRecorder, MediaRecorderOptions, Url,
};

use super::app::App;
use super::dom;
use super::state::landscape::LandscapeAction as L;
use super::state::Action;

/// Frames per second captured from the canvas.
const CAPTURE_RATE: f64 = 30.0;

/// A recording under way (or just stopped, until the next one starts).
pub struct Recording {
    recorder: MediaRecorder,
    /// Kept alive while the recorder may still deliver data.
    _on_data: Closure<dyn FnMut(BlobEvent)>,
    /// The scaled copy of the picture that is recorded.
    scaled: CanvasRenderingContext2d,
    /// The last step recorded.
    to: usize,
    /// The page's speed before the recording set its own.
    speed_before: f64,
    stopping: bool,
}

impl App {
    /// Starts recording the picture and plays the chosen steps; the video
    /// is offered when they are played.
    pub(super) fn start_recording(&mut self) {
        if self.recording.as_ref().is_some_and(|r| !r.stopping) {
            return;
        }
        let started = self
            .animation_options()
            .and_then(|options| self.record(options).map_err(|e| format!("{e:?}")));
        if let Err(problem) = started {
            self.refuse_animation(&problem);
        }
    }

    fn record(&mut self, options: super::animation::AnimationOptions) -> Result<(), JsValue> {
        let (scaled_canvas, scaled) =
            super::animation::scaled_canvas(&self.document, self.scaled_size(options.width))?;
        let stream = scaled_canvas.capture_stream_with_frame_request_rate(CAPTURE_RATE)?;
        let recorder_options = MediaRecorderOptions::new();
        recorder_options.set_mime_type("video/webm");
        let recorder = MediaRecorder::new_with_media_stream_and_media_recorder_options(
            &stream,
            &recorder_options,
        )?;
        let chunks: Rc<RefCell<Vec<Blob>>> = Rc::default();
        let kept = Rc::clone(&chunks);
        let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
            if let Some(data) = event.data().filter(|d| d.size() > 0.0) {
                kept.borrow_mut().push(data);
            }
        });
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        let document = self.document.clone();
        let canvas = self.el.canvas.clone();
        let began = dom::now();
        let on_stop = Closure::once_into_js(move || {
            let parts = js_sys::Array::new();
            for chunk in chunks.borrow().iter() {
                parts.push(chunk);
            }
            let offered = Blob::new_with_blob_sequence(&parts).and_then(|blob| {
                let _ = canvas.set_attribute("data-webm-bytes", &blob.size().to_string());
                let _ =
                    canvas.set_attribute("data-webm-ms", &(dom::now() - began).round().to_string());
                let url = Url::create_object_url_with_blob(&blob)?;
                let offered = super::export::link(&document, "descent-animation.webm", &url);
                Url::revoke_object_url(&url)?;
                offered
            });
            if let Err(err) = offered {
                dom::report_error(&document, &err);
            }
        });
        recorder.set_onstop(Some(on_stop.unchecked_ref()));
        self.dispatch(Action::Landscape(L::Seek(options.from)));
        self.mirror_picture(&scaled)?;
        recorder.start_with_time_slice(250)?;
        self.recording = Some(Recording {
            recorder,
            _on_data: on_data,
            scaled,
            to: options.to,
            speed_before: self.state.landscape.speed,
            stopping: false,
        });
        self.el.record.set_text_content(Some("Recording…"));
        self.dispatch(Action::Landscape(L::SetSpeed(options.speed)));
        if !self.state.landscape.playing {
            self.dispatch(Action::Landscape(L::TogglePlay));
        }
        Ok(())
    }

    /// Copies the picture into the recorded canvas; stops the recording
    /// once the last chosen step is shown or the runs stop playing.
    pub(super) fn recording_frame(&mut self) {
        let Some(recording) = self.recording.as_ref() else {
            return;
        };
        if recording.stopping {
            return;
        }
        if let Err(err) = self.mirror_picture(&recording.scaled) {
            dom::report_error(&self.document, &err);
        }
        let landscape = &self.state.landscape;
        if landscape.playing && landscape.step < recording.to {
            return;
        }
        let speed = recording.speed_before;
        if landscape.playing {
            self.dispatch(Action::Landscape(L::TogglePlay));
        }
        self.dispatch(Action::Landscape(L::SetSpeed(speed)));
        let Some(recording) = self.recording.as_mut() else {
            return;
        };
        recording.stopping = true;
        if let Err(err) = recording.recorder.stop() {
            dom::report_error(&self.document, &err);
        }
        self.el.record.set_text_content(Some("Video (WebM)"));
    }
}
