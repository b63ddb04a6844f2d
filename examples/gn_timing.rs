use descent::data::PeaksData;
use descent::nn::{ggn, Architecture, Init, Mlp, Parametrization, Workspace};
use std::time::Instant;
fn main() {
    let data = PeaksData::generate(0, 1000, 0.8);
    let mlp = Mlp::new(Architecture {
        width: 32,
        depth: 1,
        parametrization: Parametrization::Standard,
    });
    let theta = mlp.init(Init::Xavier, 0);
    let mut ws = Workspace::default();
    for _ in 0..3 {
        let t = Instant::now();
        let _c = ggn::dense(&mlp, &theta, &data.train, false, &mut ws);
        println!("dense ggn {:?}", t.elapsed());
    }
}
