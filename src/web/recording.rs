//! The animation as a video for slides: the picture's canvas recorded by the
//! browser's MediaRecorder (WebM) while the runs play from step 0 to their
//! end, then offered as a download.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobEvent, MediaRecorder, MediaRecorderOptions, Url};

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
    stopping: bool,
}

impl App {
    /// Starts recording the picture and plays the runs from step 0; the
    /// video is offered when they reach their end.
    pub(super) fn start_recording(&mut self) -> Result<(), JsValue> {
        if self.recording.as_ref().is_some_and(|r| !r.stopping) {
            return Ok(());
        }
        let stream = self
            .el
            .canvas
            .capture_stream_with_frame_request_rate(CAPTURE_RATE)?;
        let options = MediaRecorderOptions::new();
        options.set_mime_type("video/webm");
        let recorder =
            MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options)?;
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
        recorder.start_with_time_slice(250)?;
        self.recording = Some(Recording {
            recorder,
            _on_data: on_data,
            stopping: false,
        });
        self.el.record.set_text_content(Some("Recording…"));
        self.dispatch(Action::Landscape(L::Rewind));
        self.dispatch(Action::Landscape(L::TogglePlay));
        Ok(())
    }

    /// Stops the recording once the runs have stopped playing.
    pub(super) fn recording_frame(&mut self) {
        let Some(recording) = self.recording.as_mut() else {
            return;
        };
        if recording.stopping || self.state.landscape.playing {
            return;
        }
        recording.stopping = true;
        if let Err(err) = recording.recorder.stop() {
            dom::report_error(&self.document, &err);
        }
        self.el.record.set_text_content(Some("Video (WebM)"));
    }
}
