// convert-ternary-to-linalg lowers dequantize to sitofp(t) * scale and
// quantize to three linalg.generics in f64 that mirror the runtime
// quantizer: a reduction of the statistics in row-major order (per channel:
// the channel dim is parallel, the others reduce), the scales (in f64 for the
// trits, rounded to f32 for the result), then the trits.
// RUN: triton-opt %s -convert-ternary-to-linalg -canonicalize | FileCheck %s

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[NONE:.*]] = affine_map<(d0, d1) -> ()>

// CHECK-LABEL: func.func @dequantize
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[COL]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-NEXT: ^bb0(%[[T:.*]]: i8, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[T]] : i8 to f32
// CHECK-NEXT: %[[V:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK-NEXT: linalg.yield %[[V]] : f32
func.func @dequantize(%t: tensor<4x3xi8>, %s: tensor<3xf32>) -> tensor<4x3xf32> {
  %d = ternary.dequantize %t, %s axis 1 : tensor<4x3xi8>, tensor<3xf32> -> tensor<4x3xf32>
  return %d : tensor<4x3xf32>
}

// absmean per column: sum |x| per column, mean = sum / 4 (rows),
// max(mean, 1e-5), then t = 1 if x / s > 0.5, -1 if below -0.5, else 0.
// CHECK-LABEL: func.func @absmean_per_column
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[COL]]], iterator_types = ["reduction", "parallel"]}
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK-NEXT: math.absf
// CHECK-NEXT: arith.addf
// CHECK: %[[SC:.*]]:2 = linalg.generic {{.*}} ins(%[[SUM]] : tensor<3xf64>) outs(%{{.*}}, %{{.*}} : tensor<3xf64>, tensor<3xf32>)
// CHECK: %[[MEAN:.*]] = arith.divf %{{.*}}, %cst{{.*}} : f64
// CHECK-NEXT: %[[SMALL:.*]] = arith.cmpf olt, %[[MEAN]], %cst{{.*}} : f64
// CHECK-NEXT: %[[SCALE:.*]] = arith.select %[[SMALL]], %cst{{.*}}, %[[MEAN]] : f64
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[SCALE]] : f64 to f32
// CHECK-NEXT: linalg.yield %[[SCALE]], %[[R]] : f64, f32
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SC]]#0 : tensor<4x3xf32>, tensor<3xf64>)
// CHECK: %[[RATIO:.*]] = arith.divf %{{.*}}, %{{.*}} : f64
// CHECK-DAG: %[[MINUS:.*]] = arith.cmpf olt, %[[RATIO]], %cst{{.*}} : f64
// CHECK-DAG: %[[PLUS:.*]] = arith.cmpf ogt, %[[RATIO]], %cst{{.*}} : f64
// CHECK: %[[M:.*]] = arith.select %[[MINUS]], %c-1_i8, %c0_i8 : i8
// CHECK-NEXT: arith.select %[[PLUS]], %c1_i8, %[[M]] : i8
// CHECK: return %[[T]], %[[SC]]#1 : tensor<4x3xi8>, tensor<3xf32>
func.func @absmean_per_column(%x: tensor<4x3xf32>) -> (tensor<4x3xi8>, tensor<3xf32>) {
  %t, %s = ternary.quantize absmean %x axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<3xf32>
  return %t, %s : tensor<4x3xi8>, tensor<3xf32>
}

// threshold: sum and count of |x| > T (two reduction outputs), scale 1
// when none is kept.
// CHECK-LABEL: func.func @threshold
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[NONE]], #[[NONE]]], iterator_types = ["reduction", "reduction"]}
// CHECK: arith.cmpf ogt
// CHECK: arith.addi %{{.*}}, %c1_i64 : i64
// CHECK: arith.cmpi ne, %{{.*}}, %c0_i64 : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f64
func.func @threshold(%x: tensor<4x3xf32>) -> (tensor<4x3xi8>, tensor<f32>) {
  %t, %s = ternary.quantize threshold(0.25) %x : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
  return %t, %s : tensor<4x3xi8>, tensor<f32>
}

// stochastic: max |x|, then u = splitmix64(splitmix64(seed) ^ flat) >> 11
// times 2^-53 against |x| / scale. splitmix64(5) = 0x...: an i64 constant.
// CHECK-LABEL: func.func @stochastic
// CHECK: arith.cmpf ogt
// CHECK: arith.xori %{{.*}}, %c{{.*}}_i64 : i64
// CHECK: arith.muli %{{.*}}, %c-4658895280553007687_i64 : i64
// CHECK: arith.muli %{{.*}}, %c-7723592293110705685_i64 : i64
// CHECK: arith.shrui %{{.*}}, %c11_i64 : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f64
func.func @stochastic(%x: tensor<4x3xf32>) -> (tensor<4x3xi8>, tensor<f32>) {
  %t, %s = ternary.quantize stochastic %x seed 5 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
  return %t, %s : tensor<4x3xi8>, tensor<f32>
}
