/*===- ternary_packing.h - Bit-exact ternary packing format -------*- C -*-===*
 *
 * The single source of truth for how ternary weights ({-1, 0, +1}) are stored
 * in bytes. The compiler (constant folding, verifiers), the CPU kernels, the
 * generated C for ACALSim, the PyTorch runtime helpers and the tests all use
 * this header, so every target agrees on the same bytes.
 *
 * Encodings
 *   offset2  2 bits per trit. code = t + 1: -1 -> 0b00, 0 -> 0b01, +1 -> 0b10.
 *            Code 0b11 is invalid. Element i of a row sits in byte i/4 at bits
 *            2*(i%4), least significant first (llama.cpp TQ2_0, bitnet I2_S).
 *   base3    5 trits per byte: byte = sum_{i=0..4} (t_i + 1) * 3^i, 0..242.
 *            Bytes 243..255 are invalid. 1.6 bits per trit.
 *
 * Rows
 *   A tensor is packed along one axis (the "packed axis"): every 1-D fiber
 *   along that axis is one row. A row always ends on a byte boundary; the
 *   padding trits are zeros (offset2 code 0b01, base3 digit 1), so padding
 *   never changes a dot product. Rows follow each other in row-major order of
 *   the remaining axes. For y = x @ W with W[K, N] packed along axis 0, each of
 *   the N output columns is one contiguous row of K trits.
 *
 * Unpacking validates everything: invalid codes and non-zero padding are
 * reported with the index of the offending byte.
 *
 * Plain C99, no allocation, no global state: usable from C, C++, generated
 * code and Python (ctypes / extension modules).
 *===----------------------------------------------------------------------===*/
#ifndef TERNARY_PACKING_H
#define TERNARY_PACKING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tri_encoding {
  TRI_ENCODING_OFFSET2 = 0, /* 4 trits per byte, 2 bits each */
  TRI_ENCODING_BASE3 = 1,   /* 5 trits per byte, base-3 digits */
} tri_encoding;

typedef enum tri_status {
  TRI_OK = 0,
  TRI_ERR_INVALID_TRIT = 1,   /* an input value is not -1, 0 or +1 */
  TRI_ERR_INVALID_CODE = 2,   /* a packed byte holds an invalid code */
  TRI_ERR_BAD_PADDING = 3,    /* padding trits of a row are not zero */
  TRI_ERR_INVALID_ARGUMENT = 4, /* bad encoding, shape, axis or size */
  TRI_ERR_NON_FINITE = 5        /* quantizer input is NaN or infinite */
} tri_status;

/* Trits per byte of an encoding (4 or 5); 0 for an unknown encoding. */
unsigned tri_trits_per_byte(tri_encoding encoding);

/* Bytes of one packed row of `n` trits (the row is padded to a byte). */
size_t tri_row_bytes(tri_encoding encoding, size_t n);

/* Bytes of a whole tensor of the given shape packed along `axis`; 0 when the
 * arguments are invalid (rank 0, axis out of range, negative dim). */
size_t tri_packed_size(tri_encoding encoding, const int64_t *shape,
                       unsigned rank, unsigned axis);

/* Byte value that encodes a row of zeros, e.g. for padding (0x55 / 121). */
uint8_t tri_zero_byte(tri_encoding encoding);

/* Is `byte` a valid packed byte of the encoding (padding not considered)? */
int tri_byte_is_valid(tri_encoding encoding, uint8_t byte);

/* Packs one row of `n` trits into tri_row_bytes(encoding, n) bytes at `out`.
 * On TRI_ERR_INVALID_TRIT, *error_index (if non-null) is the trit index. */
tri_status tri_pack_row(tri_encoding encoding, const int8_t *trits, size_t n,
                        uint8_t *out, size_t *error_index);

/* Unpacks one row of `n` trits from tri_row_bytes(encoding, n) bytes.
 * On TRI_ERR_INVALID_CODE or TRI_ERR_BAD_PADDING, *error_index (if non-null)
 * is the index of the offending byte within the row. */
tri_status tri_unpack_row(tri_encoding encoding, const uint8_t *in, size_t n,
                          int8_t *out, size_t *error_index);

/* Packs a dense row-major tensor of trits along `axis` into
 * tri_packed_size(...) bytes. *error_index is the flat (row-major) index of
 * an invalid trit. */
tri_status tri_pack_tensor(tri_encoding encoding, const int8_t *trits,
                           const int64_t *shape, unsigned rank, unsigned axis,
                           uint8_t *out, size_t *error_index);

/* Unpacks into a dense row-major tensor. *error_index is the offset of the
 * offending byte in `in`. */
tri_status tri_unpack_tensor(tri_encoding encoding, const uint8_t *in,
                             const int64_t *shape, unsigned rank,
                             unsigned axis, int8_t *out, size_t *error_index);

/* Checks a packed buffer without unpacking it (codes and padding). */
tri_status tri_validate_tensor(tri_encoding encoding, const uint8_t *in,
                               const int64_t *shape, unsigned rank,
                               unsigned axis, size_t *error_index);

/* One line describing a status, e.g. for diagnostics. */
const char *tri_status_message(tri_status status);

/*===------------------------------------------------------------------===*
 * Quantizers: float -> trits + scale, with dequantized value t * scale.
 *===------------------------------------------------------------------===*/

typedef enum tri_quant_method {
  /* t = +1 if x > threshold, -1 if x < -threshold, else 0;
   * scale = mean |x| over the elements with t != 0 (1 if there are none),
   * as in Ternary Weight Networks. */
  TRI_QUANT_THRESHOLD = 0,
  /* BitNet b1.58: gamma = max(mean |x|, 1e-5); t = clamp(round(x / gamma),
   * -1, 1) with round-half-to-even; scale = gamma. */
  TRI_QUANT_ABSMEAN = 1,
  /* Unbiased stochastic rounding: scale = max |x| (1 if all zero);
   * t = sign(x) with probability |x| / scale, else 0, drawn from a
   * counter-based generator keyed by (seed, flat index): deterministic. */
  TRI_QUANT_STOCHASTIC = 2,
} tri_quant_method;

/* Quantizes a row-major tensor. With channel_axis < 0 one scale covers the
 * whole tensor (scales[0]); otherwise there is one scale per index of
 * `channel_axis`, computed over all the other elements. `threshold` is used
 * by TRI_QUANT_THRESHOLD, `seed` by TRI_QUANT_STOCHASTIC. NaN or infinite
 * inputs give TRI_ERR_NON_FINITE and leave the outputs unspecified. */
tri_status tri_quantize(tri_quant_method method, const float *x,
                        const int64_t *shape, unsigned rank, int channel_axis,
                        float threshold, uint64_t seed, int8_t *trits,
                        float *scales);

/* The uniform [0, 1) variate used by TRI_QUANT_STOCHASTIC for `index`. */
double tri_stochastic_uniform(uint64_t seed, uint64_t index);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERNARY_PACKING_H */
