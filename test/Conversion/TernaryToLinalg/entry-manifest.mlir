// ternary-entry-manifest describes each public layer function that
// ternary-flatten-layers made (ternary.origin) in the exported JSON string
// __tritondsl_manifest: its C entry symbol, the leading param arguments
// (packed params with logical shape, encoding, axis and the i8 storage
// shape of the ABI), the inputs (a scalar one, passed by value, marked
// "scalar") and the results, `null` for dynamic dims.
// Private layer functions, top-level functions and initialized params (which
// are constants, not arguments) are not listed; the origin attribute is
// consumed.
// RUN: triton-opt %s -ternary-flatten-layers -ternary-entry-manifest | FileCheck %s
// RUN: not triton-opt %s -ternary-flatten-layers -ternary-entry-manifest -ternary-entry-manifest 2>&1 | FileCheck %s --check-prefix=TWICE

// CHECK-NOT: ternary.origin
// CHECK: llvm.mlir.global external constant @__tritondsl_manifest("{\22version\22:1,\22functions\22:[
// CHECK-SAME: {\22layer\22:\22Dense\22,\22function\22:\22forward\22,\22symbol\22:\22_mlir_ciface_Dense_forward\22,
// CHECK-SAME: \22arguments\22:[{\22param\22:\22Dense.w\22,\22dtype\22:\22packed\22,\22shape\22:[37,6],\22encoding\22:\22offset2\22,\22axis\22:0,\22storage\22:[6,10]},
// CHECK-SAME: {\22dtype\22:\22f32\22,\22shape\22:[null,37]}],
// CHECK-SAME: \22results\22:[{\22dtype\22:\22f32\22,\22shape\22:[null,6]}]},
// CHECK-SAME: {\22layer\22:\22Model\22,\22function\22:\22forward\22,\22symbol\22:\22_mlir_ciface_Model_forward\22,
// CHECK-SAME: \22arguments\22:[{\22param\22:\22Dense.w\22,{{[^}]*}}},{\22dtype\22:\22f32\22,\22shape\22:[null,37]},{\22dtype\22:\22i32\22,\22shape\22:[]},{\22dtype\22:\22f32\22,\22shape\22:[],\22scalar\22:true}],
// CHECK-SAME: \22results\22:[{\22dtype\22:\22f32\22,\22shape\22:[null,6]},{\22dtype\22:\22i32\22,\22shape\22:[]}]}]}\00")
// CHECK-NOT: Model_helper
// CHECK-NOT: \22top\22

// TWICE: error: the symbol '__tritondsl_manifest' is taken

module {
  ternary.layer @Dense {
    ternary.param @w : !ternary.packed<37x6>
    ternary.param @b : tensor<6xf32> = dense<1.0> : tensor<6xf32>
    func.func @forward(%x: tensor<?x37xf32>) -> tensor<?x6xf32> {
      %w = ternary.get_param @w : !ternary.packed<37x6>
      %b = ternary.get_param @b : tensor<6xf32>
      %y = ternary.matmul %x, %w bias %b : tensor<?x37xf32>, !ternary.packed<37x6>, tensor<6xf32> -> tensor<?x6xf32>
      return %y : tensor<?x6xf32>
    }
  }
  ternary.layer @Model {
    func.func @forward(%x: tensor<?x37xf32>, %n: tensor<i32>, %s: f32) -> (tensor<?x6xf32>, tensor<i32>) {
      %y = ternary.call @helper(%x) : (tensor<?x37xf32>) -> tensor<?x6xf32>
      return %y, %n : tensor<?x6xf32>, tensor<i32>
    }
    func.func private @helper(%x: tensor<?x37xf32>) -> tensor<?x6xf32> {
      %y = ternary.call @Dense::@forward(%x) : (tensor<?x37xf32>) -> tensor<?x6xf32>
      return %y : tensor<?x6xf32>
    }
  }
  func.func @top(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
