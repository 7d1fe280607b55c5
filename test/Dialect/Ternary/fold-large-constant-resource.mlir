// Folded packed constants larger than 1024 bytes are stored as dense_resource
// blobs (named ternary_packed*) instead of dense literals, with the exact
// bytes in the blob; 1024 bytes or fewer stay dense.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// 4100 zero trits in offset2: ceil(4100 / 4) = 1025 bytes of 0x55 > 1024.
// The blob is "0x" + alignment 1 as 4 little-endian bytes + the data; the
// regex (FileCheck allows at most 255 repeats) checks all 1025 bytes, and the
// `()` keeps its closing braces apart from FileCheck's `}}`.
// CHECK-LABEL: func.func @pack_1025_bytes
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense_resource<ternary_packed> : tensor<1025xui8> -> !ternary.packed<4100>
// CHECK-NEXT: return %[[C]]
// CHECK: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-NEXT: ternary_packed: "0x01000000{{((55){205}){5}()}}"
func.func @pack_1025_bytes() -> !ternary.packed<4100> {
  %t = arith.constant dense<0> : tensor<4100xi8>
  %p = ternary.pack %t : tensor<4100xi8> -> !ternary.packed<4100>
  return %p : !ternary.packed<4100>
}

// -----

// 4096 trits of +1 are exactly 1024 bytes of 0b10101010 = 0xaa: still dense.
// CHECK-LABEL: func.func @pack_1024_bytes
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<170> : tensor<1024xui8> -> !ternary.packed<4096>
// CHECK-NEXT: return %[[C]]
// CHECK-NOT: dense_resource
func.func @pack_1024_bytes() -> !ternary.packed<4096> {
  %t = arith.constant dense<1> : tensor<4096xi8>
  %p = ternary.pack %t : tensor<4096xi8> -> !ternary.packed<4096>
  return %p : !ternary.packed<4096>
}

// -----

// Relayout of 6000 zero trits from offset2 (1500 bytes) to base3:
// 6000 / 5 = 1200 bytes of 121 = 0x79.
// CHECK-LABEL: func.func @relayout_1200_bytes
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense_resource<ternary_packed> : tensor<1200xui8> -> !ternary.packed<6000, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
// CHECK: ternary_packed: "0x01000000{{((79){200}){6}()}}"
func.func @relayout_1200_bytes() -> !ternary.packed<6000, #ternary.layout<base3, axis = 0>> {
  %p = ternary.constant dense<85> : tensor<1500xui8> -> !ternary.packed<6000>
  %q = ternary.relayout %p : !ternary.packed<6000> -> !ternary.packed<6000, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<6000, #ternary.layout<base3, axis = 0>>
}

// -----

// Two large folds get two distinct blobs, and a large blob can be unpacked
// again: 1025 bytes of -1 trits (code 0 -> 0x00) unpack to a dense -1 splat.
// CHECK-LABEL: func.func @two_blobs_and_unpack
// CHECK-DAG: %[[A:.*]] = ternary.constant dense_resource<ternary_packed> : tensor<1025xui8> -> !ternary.packed<4100>
// CHECK-DAG: %[[B:.*]] = ternary.constant dense_resource<ternary_packed_1> : tensor<1025xui8> -> !ternary.packed<4100>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<-1> : tensor<4100xi8>
// CHECK: return %[[A]], %[[B]], %[[T]]
// CHECK-DAG: ternary_packed: "0x01000000{{((55){205}){5}()}}"
// CHECK-DAG: ternary_packed_1: "0x01000000{{((00){205}){5}()}}"
func.func @two_blobs_and_unpack() -> (!ternary.packed<4100>, !ternary.packed<4100>, tensor<4100xi8>) {
  %zero = arith.constant dense<0> : tensor<4100xi8>
  %a = ternary.pack %zero : tensor<4100xi8> -> !ternary.packed<4100>
  %minus = arith.constant dense<-1> : tensor<4100xi8>
  %b = ternary.pack %minus : tensor<4100xi8> -> !ternary.packed<4100>
  %r = ternary.relayout %b : !ternary.packed<4100> -> !ternary.packed<4100, #ternary.layout<base3, axis = 0>>
  %t = ternary.unpack %r : !ternary.packed<4100, #ternary.layout<base3, axis = 0>> -> tensor<4100xi8>
  return %a, %b, %t : !ternary.packed<4100>, !ternary.packed<4100>, tensor<4100xi8>
}
