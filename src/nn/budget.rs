//! What one step of an optimizer costs in memory and arithmetic on a given
//! network, from what its registry entry says it stores, and the limits
//! beyond which a spec is refused before anything is allocated (a dense
//! p × p matrix at width 8192 would need tens of gigabytes; the refusal names
//! the limit and the widest network that fits).

use super::mlp::{Architecture, Mlp};
use crate::data::CLASSES;
use crate::error::FieldError;
use crate::optim::registry::{Configured, Storage};

/// The most memory a method's curvature may take (bytes).
pub const MAX_CURVATURE_BYTES: f64 = 512.0 * 1024.0 * 1024.0;
/// The most arithmetic one step's curvature may take (floating-point operations):
/// about ten seconds of one core.
pub const MAX_CURVATURE_FLOPS: f64 = 5e10;

/// Memory (bytes) and arithmetic (operations) beyond a gradient of one
/// step of an optimizer that keeps `storage`, on `arch` with `samples` training points.
pub fn cost(storage: Storage, arch: Architecture, samples: usize) -> (f64, f64) {
    let p = Mlp::new(arch).param_count() as f64;
    let n = samples as f64;
    match storage {
        Storage::Vectors => (8.0 * 4.0 * p, 8.0 * p),
        Storage::PerSample => (8.0 * n * p, 4.0 * p),
        Storage::Matrix => (8.0 * 2.0 * p * p, 6.0 * p * p),
        Storage::Dense { rows } => {
            let r = rows as f64;
            (
                8.0 * (r * n * p + 3.0 * p * p),
                2.0 * r * n * p * p + 4.0 * p * p * p,
            )
        }
        Storage::Kronecker { eigen } => {
            let mut sizes = vec![2];
            sizes.extend(std::iter::repeat_n(arch.width, arch.depth.max(1)));
            sizes.push(CLASSES);
            let (mut memory, mut work) = (0.0, 0.0);
            for pair in sizes.windows(2) {
                let (a, s) = ((pair[0] + 1) as f64, pair[1] as f64);
                memory += 8.0 * 3.0 * (a * a + s * s);
                let per_factor = if eigen { 20.0 } else { 2.0 };
                work += per_factor * (a * a * a + s * s * s) + 2.0 * n * (a * a + s * s);
            }
            (memory, work)
        }
    }
}

fn human_bytes(bytes: f64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024.0 * MIB {
        format!("{:.1} GiB", bytes / (1024.0 * MIB))
    } else {
        format!("{:.0} MiB", bytes / MIB)
    }
}

/// Refuses `optimizer` on `arch` when one step would exceed the limits,
/// naming both, what the network needs and the widest width that fits.
pub fn check(optimizer: &Configured, arch: Architecture, samples: usize) -> Result<(), FieldError> {
    let kind = (optimizer.entry.storage)(&optimizer.values);
    let method = optimizer.entry.name;
    let fits = |width: usize| {
        let (memory, work) = cost(kind, Architecture { width, ..arch }, samples);
        memory <= MAX_CURVATURE_BYTES && work <= MAX_CURVATURE_FLOPS
    };
    if fits(arch.width) {
        return Ok(());
    }
    let (memory, work) = cost(kind, arch, samples);
    let widest = (2..arch.width).rev().find(|&w| fits(w));
    let p = Mlp::new(arch).param_count();
    let what = match kind {
        Storage::Dense { .. } => format!(
            "forms a dense p × p curvature matrix; at width {} p = {p}",
            arch.width
        ),
        Storage::Matrix => format!(
            "keeps a dense p × p matrix; at width {} p = {p}",
            arch.width
        ),
        Storage::PerSample => {
            format!("keeps a gradient of p = {p} values for each of the {samples} samples")
        }
        Storage::Vectors => format!("keeps vectors of p = {p} values"),
        Storage::Kronecker { .. } => format!(
            "keeps per-layer factors up to {} × {}",
            arch.width + 1,
            arch.width + 1
        ),
    };
    let matrix_free = optimizer.entry.param("matrix_free").is_some();
    let fix = match (kind, widest) {
        (Storage::Dense { .. }, Some(w)) if matrix_free => {
            format!("set \"matrix_free\": true, or use a width of at most {w}")
        }
        (_, Some(w)) => format!("use a width of at most {w}"),
        (_, None) => "no width fits".to_string(),
    };
    Err(FieldError::new(
        "model.width",
        format!(
            "{method} {what}, which needs {} and {:.1e} operations per step (limits {} and {:.0e}): {fix}",
            human_bytes(memory),
            work,
            human_bytes(MAX_CURVATURE_BYTES),
            MAX_CURVATURE_FLOPS
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Parametrization;

    fn arch(width: usize) -> Architecture {
        Architecture {
            width,
            depth: 1,
            parametrization: Parametrization::Standard,
        }
    }

    #[test]
    fn the_lecture_width_fits_and_8192_is_refused_with_the_limit() {
        let configured = |name: &str, json: serde_json::Value| {
            let params = json.as_object().unwrap().clone().into_iter().collect();
            Configured::new(name, &params, "optimizer").unwrap()
        };
        let dense = configured("gauss-newton-tr", serde_json::json!({}));
        assert!(check(&dense, arch(32), 800).is_ok());
        let err = check(&dense, arch(8192), 800).unwrap_err();
        assert_eq!(err.field, "model.width");
        assert!(err.message.contains("p = 65541"), "{}", err.message);
        assert!(err.message.contains("limits 512 MiB"), "{}", err.message);
        assert!(
            err.message.contains("\"matrix_free\": true"),
            "{}",
            err.message
        );
        let free = configured("gauss-newton-tr", serde_json::json!({"matrix_free": true}));
        assert!(check(&free, arch(16384), 800).is_ok());
        let kfac = configured("kfac", serde_json::json!({}));
        assert!(check(&kfac, arch(32), 800).is_ok());
        assert!(check(&kfac, arch(16384), 800).is_err());
        let bfgs = configured("bfgs", serde_json::json!({}));
        assert!(check(&bfgs, arch(32), 800).is_ok());
        let err = check(&bfgs, arch(8192), 800).unwrap_err();
        assert!(
            err.message.contains("dense p × p matrix"),
            "{}",
            err.message
        );
        let sag = configured("sag", serde_json::json!({}));
        assert!(check(&sag, arch(8192), 800).is_ok());
        let sgd = configured("sgd", serde_json::json!({}));
        assert!(check(&sgd, arch(16384), 800).is_ok());
    }
}
