/*===- base3_tables.h - vpshufb tables of the base3 decoder -------*- C -*-===*
 *
 * Included by kernels_avx2.c and kernels_avx512.c (their
 * tri_uk_base3_to_offset2_* of ukernel_internal.h). A base3 byte v (0..242,
 * digits d0..d4 = trit + 1, v = sum d_i 3^i) is split as v = 27 q + r
 * without a division, with 16-entry lookups only (vpshufb):
 *   h = v >> 4; q = QB[h] + (v >= BB[h])   (a block of 16 values holds at
 *                                           most one multiple of 27)
 *   r = v - T27[q]                         (0..26: digits d0, d1, d2)
 *   q = d3 + 3 d4                          (0..8)
 * and the 10-bit offset2 code d0 | d1 << 2 | ... | d4 << 8 of the byte is
 *   lo byte: LO_R[r] | D3[q]   (LO_R as two tables: r < 16 and r - 16)
 *   hi byte: D4[q]
 * Entries past the ranges above are never used for valid bytes (bytes
 * above 242 are replaced by 121, five zero trits, first).
 *===----------------------------------------------------------------------===*/
#ifndef TERNARY_BASE3_TABLES_H
#define TERNARY_BASE3_TABLES_H

#include <stdint.h>

enum {
  TRI_B3_QB,   /* floor(16 h / 27) */
  TRI_B3_BB,   /* the multiple of 27 inside [16 h, 16 h + 15], else 255 */
  TRI_B3_T27,  /* 27 q */
  TRI_B3_LO_A, /* d0 | d1 << 2 | d2 << 4 of r, r < 16 */
  TRI_B3_LO_B, /* the same of r + 16, r + 16 < 27 */
  TRI_B3_D3,   /* (q mod 3) << 6 */
  TRI_B3_D4,   /* q / 3 */
  TRI_B3_TABLES
};

static const uint8_t tri_uk_base3_tables[TRI_B3_TABLES][16]
    __attribute__((aligned(16))) = {
        {0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 7, 7, 8, 8},
        {255, 27, 255, 54, 255, 81, 108, 255, 135, 255, 162, 189, 255, 216,
         255, 255},
        {0, 27, 54, 81, 108, 135, 162, 189, 216, 0, 0, 0, 0, 0, 0, 0},
        {0, 1, 2, 4, 5, 6, 8, 9, 10, 16, 17, 18, 20, 21, 22, 24},
        {25, 26, 32, 33, 34, 36, 37, 38, 40, 41, 42, 0, 0, 0, 0, 0},
        {0, 64, 128, 0, 64, 128, 0, 64, 128, 0, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0},
};

/* Output bytes of one 128-bit lane after the packing of the 10-bit codes
 * into 40-bit groups (bytes 0..4 and 8..12 of each lane): the first 10 of
 * the lane from the codes of inputs 0..7 (SA), the next 6 and the last 4
 * from inputs 8..15 (SB1 at bytes 10..15, SB2 at bytes 0..3); -1 (0x80):
 * zero. */
static const int8_t tri_uk_base3_compact[3][16] __attribute__((aligned(16))) = {
    {0, 1, 2, 3, 4, 8, 9, 10, 11, 12, -1, -1, -1, -1, -1, -1},
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 8},
    {9, 10, 11, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
};

/* The trits t = d - 1 of the same split, for the int8 kernels that read
 * base3 directly (base3_i8.h): trit j of r (j = 0, 1, 2) for r < 16 and for
 * r - 16, and trits 3 and 4 from q. */
enum {
  TRI_B3_T0A, TRI_B3_T0B, TRI_B3_T1A, TRI_B3_T1B, TRI_B3_T2A, TRI_B3_T2B,
  TRI_B3_T3, TRI_B3_T4, TRI_B3_TRIT_TABLES
};

static const int8_t tri_uk_base3_trits[TRI_B3_TRIT_TABLES][16]
    __attribute__((aligned(16))) = {
        {-1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1},
        {0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0, 0, 0, 0},
        {-1, -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1},
        {1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0},
        {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0},
        {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
        {-1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0},
        {-1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
};

#endif /* TERNARY_BASE3_TABLES_H */
