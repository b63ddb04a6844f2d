// C = alpha · A·B (+ C when accumulate = 1), with A (m × k) and B (k × n)
// read through row and column strides, so one kernel serves every product of
// the forward and backward passes, transposed or not. Each 16 × 16 workgroup
// computes one 16 × 16 tile of C, staging tiles of A and B in workgroup
// memory so each global value is loaded once per tile instead of once per
// output.

struct Dims {
    m: u32,
    n: u32,
    k: u32,
    accumulate: u32,
    a_offset: u32,
    a_row: u32,
    a_col: u32,
    b_offset: u32,
    b_row: u32,
    b_col: u32,
    c_offset: u32,
    c_row: u32,
    alpha: f32,
}

const TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> tile_a: array<array<f32, TILE>, TILE>;
var<workgroup> tile_b: array<array<f32, TILE>, TILE>;

@compute @workgroup_size(16, 16)
fn main(
    @builtin(local_invocation_id) local: vec3<u32>,
    @builtin(workgroup_id) group: vec3<u32>,
) {
    let row = group.y * TILE + local.y;
    let col = group.x * TILE + local.x;
    var sum = 0.0;
    for (var start = 0u; start < dims.k; start += TILE) {
        let ka = start + local.x;
        var va = 0.0;
        if (row < dims.m && ka < dims.k) {
            va = a[dims.a_offset + row * dims.a_row + ka * dims.a_col];
        }
        tile_a[local.y][local.x] = va;
        let kb = start + local.y;
        var vb = 0.0;
        if (kb < dims.k && col < dims.n) {
            vb = b[dims.b_offset + kb * dims.b_row + col * dims.b_col];
        }
        tile_b[local.y][local.x] = vb;
        workgroupBarrier();
        for (var i = 0u; i < TILE; i++) {
            sum += tile_a[local.y][i] * tile_b[i][local.x];
        }
        workgroupBarrier();
    }
    if (row < dims.m && col < dims.n) {
        let index = dims.c_offset + row * dims.c_row + col;
        var value = dims.alpha * sum;
        if (dims.accumulate == 1u) {
            value += c[index];
        }
        c[index] = value;
    }
}
