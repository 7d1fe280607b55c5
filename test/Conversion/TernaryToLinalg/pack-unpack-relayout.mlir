// convert-ternary-to-linalg lowers unpack, pack and relayout to elementwise
// linalg.generics on the bytes: unpack decodes trit (byte >> 2 (i mod 4)) & 3
// minus 1 from byte (row, i / 4); pack builds each byte from its trits
// (code t + 1, shifted for offset2, times 3^j for base3), reading zeros past
// the end of a row; relayout is a pack whose trits are decoded from the
// input bytes (one generic, no tensor of trits), and so is a pack of
// static reshapes and transposes of an unpack (conv-to-matmul's unbound
// filter). A dynamic row count is recovered from the bytes.
// RUN: triton-opt %s -convert-ternary-to-linalg -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @unpack
// CHECK-SAME: (%[[BYTES:[^:]+]]: tensor<2x2xi8>) -> tensor<6x2xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<6x2xi8>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK-NEXT: %[[N:.*]] = linalg.index 1 : index
// CHECK-NEXT: %[[COL:.*]] = arith.divui %[[I]], %c4 : index
// CHECK-NEXT: %[[POS:.*]] = arith.remui %[[I]], %c4 : index
// CHECK-NEXT: %[[BYTE:.*]] = tensor.extract %[[BYTES]][%[[N]], %[[COL]]] : tensor<2x2xi8>
// CHECK: %[[SH:.*]] = arith.shrui %[[BYTE]], %{{.*}} : i8
// CHECK-NEXT: %[[CODE:.*]] = arith.andi %[[SH]], %c3_i8 : i8
// CHECK-NEXT: %[[TRIT:.*]] = arith.subi %[[CODE]], %c1_i8 : i8
// CHECK-NEXT: linalg.yield %[[TRIT]] : i8
func.func @unpack(%p: !ternary.packed<6x2>) -> tensor<6x2xi8> {
  %t = ternary.unpack %p : !ternary.packed<6x2> -> tensor<6x2xi8>
  return %t : tensor<6x2xi8>
}

// An unpack read only by tensor.extract: each read decodes its byte (row
// (c, kw) = c * 2 + kw of the bytes packed along axis 0, column f / 4), and
// no tensor of trits is built.
// CHECK-LABEL: func.func @unpack_read_by_extract
// CHECK-SAME: (%[[BYTES:[^:]+]]: tensor<6x1xi8>, %[[F:[^:]+]]: index, %[[C:[^:]+]]: index, %[[KW:[^:]+]]: index) -> i8
// CHECK-NOT: linalg.generic
// CHECK: %[[C2:.*]] = arith.muli %[[C]], %c2 : index
// CHECK: %[[ROW:.*]] = arith.addi %[[C2]], %[[KW]] : index
// CHECK: %[[COL:.*]] = arith.divui %[[F]], %c4 : index
// CHECK: %[[POS:.*]] = arith.remui %[[F]], %c4 : index
// CHECK: %[[BYTE:.*]] = tensor.extract %[[BYTES]][%[[ROW]], %[[COL]]] : tensor<6x1xi8>
// CHECK: arith.shrui %[[BYTE]]
// CHECK: %[[TRIT:.*]] = arith.subi %{{.*}}, %c1_i8 : i8
// CHECK: return %[[TRIT]]
func.func @unpack_read_by_extract(%w: !ternary.packed<4x3x1x2>, %f: index, %c: index, %kw: index) -> i8 {
  %c0 = arith.constant 0 : index
  %t = ternary.unpack %w : !ternary.packed<4x3x1x2> -> tensor<4x3x1x2xi8>
  %v = tensor.extract %t[%f, %c, %c0, %kw] : tensor<4x3x1x2xi8>
  return %v : i8
}

// Base3 along axis 1, 7 trits per row: 2 bytes of 5 digits, digits 7..9 are
// padding (trit 0).
// CHECK-LABEL: func.func @pack_base3
// CHECK-SAME: (%[[T:[^:]+]]: tensor<?x7xi8>) -> tensor<?x2xi8>
// CHECK: %[[ROWS:.*]] = tensor.dim %[[T]], %c0 : tensor<?x7xi8>
// CHECK: tensor.empty(%[[ROWS]]) : tensor<?x2xi8>
// CHECK: %[[FIRST:.*]] = arith.muli %{{.*}}, %c5 : index
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi ult, %[[FIRST]], %c7 : index
// CHECK: tensor.extract %[[T]]
// CHECK: %[[Z:.*]] = arith.select %[[IN]], %{{.*}}, %c0_i8 : i8
// CHECK-NEXT: arith.addi %[[Z]], %c1_i8 : i8
// CHECK: arith.muli %{{.*}}, %c3_i8 : i8
// CHECK: arith.muli %{{.*}}, %c9_i8 : i8
// CHECK: arith.muli %{{.*}}, %c27_i8 : i8
// CHECK: arith.muli %{{.*}}, %c81_i8 : i8
// CHECK: linalg.yield
func.func @pack_base3(%t: tensor<?x7xi8>) -> !ternary.packed<?x7, #ternary.layout<base3, axis = 1>> {
  %p = ternary.pack %t : tensor<?x7xi8> -> !ternary.packed<?x7, #ternary.layout<base3, axis = 1>>
  return %p : !ternary.packed<?x7, #ternary.layout<base3, axis = 1>>
}

// Offset2 pack: codes shifted by 0, 2, 4, 6 and or-ed.
// CHECK-LABEL: func.func @pack_offset2
// CHECK: tensor.extract
// CHECK: tensor.extract
// CHECK: arith.shli %{{.*}}, %c2_i8 : i8
// CHECK-NEXT: arith.ori
// CHECK: tensor.extract
// CHECK: arith.shli %{{.*}}, %c4_i8 : i8
// CHECK-NEXT: arith.ori
// CHECK: tensor.extract
// CHECK: arith.shli %{{.*}}, %c6_i8 : i8
// CHECK-NEXT: arith.ori
func.func @pack_offset2(%t: tensor<8x3xi8>) -> !ternary.packed<8x3> {
  %p = ternary.pack %t : tensor<8x3xi8> -> !ternary.packed<8x3>
  return %p : !ternary.packed<8x3>
}

// CHECK-LABEL: func.func @relayout
// CHECK-SAME: (%[[IN:[^:]+]]: tensor<3x2xi8>) -> tensor<8x1xi8>
// CHECK-NOT: tensor<8x3xi8>
// CHECK: %[[BYTES:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<8x1xi8>)
// CHECK: %[[B0:.*]] = tensor.extract %[[IN]][%c0, %{{.*}}] : tensor<3x2xi8>
// CHECK: arith.shrui %[[B0]]
// CHECK: %[[B1:.*]] = tensor.extract %[[IN]][%c1, %{{.*}}] : tensor<3x2xi8>
// CHECK: arith.shrui %[[B1]]
// CHECK: arith.muli %{{.*}}, %c3_i8 : i8
// CHECK: %[[B2:.*]] = tensor.extract %[[IN]][%c2, %{{.*}}] : tensor<3x2xi8>
// CHECK: arith.shrui %[[B2]]
// CHECK: arith.muli %{{.*}}, %c9_i8 : i8
// CHECK-NOT: linalg.generic
// CHECK: return %[[BYTES]]
func.func @relayout(%p: !ternary.packed<8x3>) -> !ternary.packed<8x3, #ternary.layout<base3, axis = 1>> {
  %q = ternary.relayout %p : !ternary.packed<8x3> -> !ternary.packed<8x3, #ternary.layout<base3, axis = 1>>
  return %q : !ternary.packed<8x3, #ternary.layout<base3, axis = 1>>
}

// A filter [F = 4, C = 2, KH = 1, KW = 3] (bytes: one row per (c, kh, kw),
// packed along F) packed as the weight [K = C*KH*KW = 6, F] along K: byte j
// of row f holds trits k = 4j .. 4j + 3, each decoded from the filter's
// byte (row c*3 + kw with c = k / 3, kw = k % 3; column f / 4, bits
// 2 (f mod 4)). No tensor of trits, no transpose.
// CHECK-LABEL: func.func @pack_of_view
// CHECK-SAME: (%[[W:[^:]+]]: tensor<6x1xi8>) -> tensor<4x2xi8>
// CHECK-NOT: linalg.transpose
// CHECK-NOT: tensor<4x2x1x3xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x2xi8>)
// CHECK: %[[F:.*]] = arith.remui %{{.*}}, %c4 : index
// CHECK: %[[K0:.*]] = arith.muli %{{.*}}, %c4 : index
// CHECK: %[[KC:.*]] = arith.select %{{.*}}, %[[K0]], %c0 : index
// CHECK: %[[KW:.*]] = arith.remui %[[KC]], %c3 : index
// CHECK: %[[C:.*]] = arith.divui %[[KC]], %c3 : index
// CHECK: %[[C3:.*]] = arith.muli %[[C]], %c3 : index
// CHECK: %[[ROW:.*]] = arith.addi %[[C3]], %[[KW]] : index
// CHECK: %[[COL:.*]] = arith.divui %[[F]], %c4 : index
// CHECK: tensor.extract %[[W]][%[[ROW]], %[[COL]]] : tensor<6x1xi8>
// CHECK-COUNT-3: tensor.extract %[[W]]
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
// CHECK-NOT: linalg.generic
func.func @pack_of_view(%w: !ternary.packed<4x2x1x3>) -> !ternary.packed<6x4> {
  %t = ternary.unpack %w : !ternary.packed<4x2x1x3> -> tensor<4x2x1x3xi8>
  %c = tensor.collapse_shape %t [[0], [1, 2, 3]] : tensor<4x2x1x3xi8> into tensor<4x6xi8>
  %e = tensor.empty() : tensor<6x4xi8>
  %tr = linalg.transpose ins(%c : tensor<4x6xi8>) outs(%e : tensor<6x4xi8>) permutation = [1, 0]
  %p = ternary.pack %tr : tensor<6x4xi8> -> !ternary.packed<6x4>
  return %p : !ternary.packed<6x4>
}
