// C = alpha · A·B (+ C when accumulate = 1), with A (m × k) and B (k × n)
// read through row and column strides, so one kernel serves every product of
// the forward and backward passes, transposed or not. Each 16 × 16 workgroup
// computes one 16 × 16 tile of C, staging tiles of A and B in workgroup
// memory so each global value is loaded once per tile instead of once per
// output. Products with an inner dimension of 2 or 5 are not matrix products
// in any useful sense and are fused into element-wise kernels instead
// (`hidden.wgsl`).

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
// Depth of each step along k: each thread stages four values of A and four of
// B per step, so a long inner dimension takes a quarter of the barriers.
const DEPTH: u32 = 64u;

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> tile_a: array<array<f32, DEPTH>, TILE>;
var<workgroup> tile_b: array<array<f32, TILE>, DEPTH>;

@compute @workgroup_size(16, 16)
fn main(
    @builtin(local_invocation_id) local: vec3<u32>,
    @builtin(workgroup_id) group: vec3<u32>,
) {
    let row = group.y * TILE + local.y;
    let col = group.x * TILE + local.x;
    let a_base = group.y * TILE;
    let b_base = group.x * TILE;
    var sum = 0.0;
    for (var start = 0u; start < dims.k; start += DEPTH) {
        for (var part = 0u; part < DEPTH / TILE; part++) {
            // A's tile: row a_base + local.y, depth start + part·16 + local.x.
            let ka = start + part * TILE + local.x;
            let ra = a_base + local.y;
            var va = 0.0;
            if (ra < dims.m && ka < dims.k) {
                va = a[dims.a_offset + ra * dims.a_row + ka * dims.a_col];
            }
            tile_a[local.y][part * TILE + local.x] = va;
            // B's tile: depth start + part·16 + local.y, column b_base + local.x.
            let kb = start + part * TILE + local.y;
            var vb = 0.0;
            if (kb < dims.k && col < dims.n) {
                vb = b[dims.b_offset + kb * dims.b_row + col * dims.b_col];
            }
            tile_b[part * TILE + local.y][local.x] = vb;
        }
        workgroupBarrier();
        for (var i = 0u; i < DEPTH; i++) {
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
