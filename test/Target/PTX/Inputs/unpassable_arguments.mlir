// Arguments the launch manifest has no dtype for: a bf16 buffer, and a bf16
// scalar (f16, f32, f64 and integer scalars are passed by value).
module {
  func.func @L_forward(%arg0: memref<4xbf16>) {
    return
  }
}
// -----
module {
  func.func @L_scale(%arg0: memref<4xf32>, %arg1: bf16) {
    return
  }
}
