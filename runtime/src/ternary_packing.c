/*===- ternary_packing.c - Bit-exact ternary packing format ------*- C -*-===*
 *
 * Implementation of ternary_packing.h. See that header for the format.
 *
 *===----------------------------------------------------------------------===*/
#include "ternary_packing.h"

#include <math.h>
#include <string.h>

unsigned tri_trits_per_byte(tri_encoding encoding) {
  switch (encoding) {
  case TRI_ENCODING_OFFSET2:
    return 4;
  case TRI_ENCODING_BASE3:
    return 5;
  }
  return 0;
}

size_t tri_row_bytes(tri_encoding encoding, size_t n) {
  unsigned per = tri_trits_per_byte(encoding);
  return per == 0 ? 0 : n / per + (n % per != 0);
}

uint8_t tri_zero_byte(tri_encoding encoding) {
  /* offset2: four codes 0b01 -> 0b01010101; base3: 1+3+9+27+81. */
  return encoding == TRI_ENCODING_BASE3 ? (uint8_t)121 : (uint8_t)0x55;
}

int tri_byte_is_valid(tri_encoding encoding, uint8_t byte) {
  if (encoding == TRI_ENCODING_BASE3)
    return byte < 243;
  /* offset2: no 2-bit field may be 0b11. */
  for (unsigned i = 0; i < 4; ++i)
    if (((byte >> (2 * i)) & 3u) == 3u)
      return 0;
  return 1;
}

/* Splits `shape` around `axis` into outer * len * inner. Returns 0 on bad
 * arguments or overflow. */
static int split_shape(const int64_t *shape, unsigned rank, unsigned axis,
                       size_t *outer, size_t *len, size_t *inner) {
  if (!shape || rank == 0 || axis >= rank)
    return 0;
  size_t o = 1, in = 1;
  for (unsigned d = 0; d < rank; ++d) {
    if (shape[d] < 0)
      return 0;
    size_t dim = (size_t)shape[d];
    if (d == axis)
      continue;
    size_t *acc = d < axis ? &o : &in;
    if (dim != 0 && *acc > SIZE_MAX / dim)
      return 0;
    *acc *= dim;
  }
  *outer = o;
  *len = (size_t)shape[axis];
  *inner = in;
  return 1;
}

size_t tri_packed_size(tri_encoding encoding, const int64_t *shape,
                       unsigned rank, unsigned axis) {
  size_t outer, len, inner;
  if (tri_trits_per_byte(encoding) == 0 ||
      !split_shape(shape, rank, axis, &outer, &len, &inner))
    return 0;
  size_t rows = outer * inner;
  size_t row = tri_row_bytes(encoding, len);
  if (rows != 0 && row > SIZE_MAX / rows)
    return 0;
  return rows * row;
}

tri_status tri_pack_row(tri_encoding encoding, const int8_t *trits, size_t n,
                        uint8_t *out, size_t *error_index) {
  unsigned per = tri_trits_per_byte(encoding);
  if (per == 0 || (n && (!trits || !out)))
    return TRI_ERR_INVALID_ARGUMENT;
  size_t nbytes = tri_row_bytes(encoding, n);
  for (size_t b = 0; b < nbytes; ++b) {
    unsigned byte = 0, weight = 1;
    for (unsigned k = 0; k < per; ++k) {
      size_t i = b * per + k;
      int t = i < n ? trits[i] : 0; /* padding is zero */
      if (t < -1 || t > 1) {
        if (error_index)
          *error_index = i;
        return TRI_ERR_INVALID_TRIT;
      }
      unsigned code = (unsigned)(t + 1);
      if (encoding == TRI_ENCODING_OFFSET2) {
        byte |= code << (2 * k);
      } else {
        byte += code * weight;
        weight *= 3;
      }
    }
    out[b] = (uint8_t)byte;
  }
  return TRI_OK;
}

tri_status tri_unpack_row(tri_encoding encoding, const uint8_t *in, size_t n,
                          int8_t *out, size_t *error_index) {
  unsigned per = tri_trits_per_byte(encoding);
  if (per == 0 || (n && !in))
    return TRI_ERR_INVALID_ARGUMENT;
  size_t nbytes = tri_row_bytes(encoding, n);
  for (size_t b = 0; b < nbytes; ++b) {
    unsigned byte = in[b];
    if (!tri_byte_is_valid(encoding, (uint8_t)byte)) {
      if (error_index)
        *error_index = b;
      return TRI_ERR_INVALID_CODE;
    }
    for (unsigned k = 0; k < per; ++k) {
      unsigned code;
      if (encoding == TRI_ENCODING_OFFSET2) {
        code = (byte >> (2 * k)) & 3u;
      } else {
        code = byte % 3u;
        byte /= 3u;
      }
      size_t i = b * per + k;
      if (i < n) {
        if (out)
          out[i] = (int8_t)((int)code - 1);
      } else if (code != 1u) {
        if (error_index)
          *error_index = b;
        return TRI_ERR_BAD_PADDING;
      }
    }
  }
  return TRI_OK;
}

/* Shared walker for pack / unpack / validate of a whole tensor. A row buffer
 * on the stack keeps rows contiguous for the row functions; long rows are
 * processed in chunks that are a multiple of the trits per byte. */
enum { TRI_CHUNK = 4 * 5 * 64 };

tri_status tri_pack_tensor(tri_encoding encoding, const int8_t *trits,
                           const int64_t *shape, unsigned rank, unsigned axis,
                           uint8_t *out, size_t *error_index) {
  size_t outer, len, inner;
  unsigned per = tri_trits_per_byte(encoding);
  if (per == 0 || !split_shape(shape, rank, axis, &outer, &len, &inner))
    return TRI_ERR_INVALID_ARGUMENT;
  size_t rowBytes = tri_row_bytes(encoding, len);
  int8_t chunk[TRI_CHUNK];
  for (size_t o = 0; o < outer; ++o) {
    for (size_t in = 0; in < inner; ++in) {
      uint8_t *rowOut = out + (o * inner + in) * rowBytes;
      for (size_t start = 0; start < len; start += TRI_CHUNK) {
        size_t count = len - start < TRI_CHUNK ? len - start : TRI_CHUNK;
        for (size_t j = 0; j < count; ++j)
          chunk[j] = trits[(o * len + start + j) * inner + in];
        size_t bad = 0;
        tri_status st =
            tri_pack_row(encoding, chunk, count, rowOut + start / per, &bad);
        if (st != TRI_OK) {
          if (error_index)
            *error_index = (o * len + start + bad) * inner + in;
          return st;
        }
      }
    }
  }
  return TRI_OK;
}

static tri_status unpack_or_validate(tri_encoding encoding, const uint8_t *in,
                                     const int64_t *shape, unsigned rank,
                                     unsigned axis, int8_t *out,
                                     size_t *error_index) {
  size_t outer, len, inner;
  unsigned per = tri_trits_per_byte(encoding);
  if (per == 0 || !split_shape(shape, rank, axis, &outer, &len, &inner))
    return TRI_ERR_INVALID_ARGUMENT;
  size_t rowBytes = tri_row_bytes(encoding, len);
  int8_t chunk[TRI_CHUNK];
  for (size_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < inner; ++i) {
      size_t rowOffset = (o * inner + i) * rowBytes;
      for (size_t start = 0; start < len; start += TRI_CHUNK) {
        size_t count = len - start < TRI_CHUNK ? len - start : TRI_CHUNK;
        size_t bad = 0;
        tri_status st = tri_unpack_row(encoding, in + rowOffset + start / per,
                                       count, chunk, &bad);
        if (st != TRI_OK) {
          if (error_index)
            *error_index = rowOffset + start / per + bad;
          return st;
        }
        if (out)
          for (size_t j = 0; j < count; ++j)
            out[(o * len + start + j) * inner + i] = chunk[j];
      }
    }
  }
  return TRI_OK;
}

tri_status tri_unpack_tensor(tri_encoding encoding, const uint8_t *in,
                             const int64_t *shape, unsigned rank,
                             unsigned axis, int8_t *out, size_t *error_index) {
  if (!out)
    return TRI_ERR_INVALID_ARGUMENT;
  return unpack_or_validate(encoding, in, shape, rank, axis, out, error_index);
}

tri_status tri_validate_tensor(tri_encoding encoding, const uint8_t *in,
                               const int64_t *shape, unsigned rank,
                               unsigned axis, size_t *error_index) {
  return unpack_or_validate(encoding, in, shape, rank, axis, NULL,
                            error_index);
}

const char *tri_status_message(tri_status status) {
  switch (status) {
  case TRI_OK:
    return "ok";
  case TRI_ERR_INVALID_TRIT:
    return "value is not a trit (-1, 0 or +1)";
  case TRI_ERR_INVALID_CODE:
    return "packed byte holds an invalid code";
  case TRI_ERR_BAD_PADDING:
    return "padding trits of a packed row are not zero";
  case TRI_ERR_INVALID_ARGUMENT:
    return "invalid argument (encoding, shape, axis or buffer)";
  case TRI_ERR_NON_FINITE:
    return "value to quantize is NaN or infinite";
  }
  return "unknown status";
}

/*===------------------------------------------------------------------===*
 * Quantizers
 *===------------------------------------------------------------------===*/

static uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double tri_stochastic_uniform(uint64_t seed, uint64_t index) {
  uint64_t bits = splitmix64(splitmix64(seed) ^ index);
  return (double)(bits >> 11) * (1.0 / 9007199254740992.0); /* 2^-53 */
}

/* Round half to even, independent of the floating-point environment. */
static double round_half_even(double v) {
  double f = floor(v);
  double diff = v - f;
  if (diff > 0.5)
    return f + 1.0;
  if (diff < 0.5)
    return f;
  return fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

static int8_t sign_trit(double v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

tri_status tri_quantize(tri_quant_method method, const float *x,
                        const int64_t *shape, unsigned rank, int channel_axis,
                        float threshold, uint64_t seed, int8_t *trits,
                        float *scales) {
  size_t outer = 1, channels = 1, inner = 1;
  if (!x || !trits || !scales || (rank > 0 && !shape))
    return TRI_ERR_INVALID_ARGUMENT;
  if (channel_axis >= 0) {
    if ((unsigned)channel_axis >= rank ||
        !split_shape(shape, rank, (unsigned)channel_axis, &outer, &channels,
                     &inner))
      return TRI_ERR_INVALID_ARGUMENT;
  } else {
    for (unsigned d = 0; d < rank; ++d) {
      if (shape[d] < 0)
        return TRI_ERR_INVALID_ARGUMENT;
      inner *= (size_t)shape[d];
    }
  }
  if (method == TRI_QUANT_THRESHOLD && !(threshold >= 0.0f))
    return TRI_ERR_INVALID_ARGUMENT;
  if (method != TRI_QUANT_THRESHOLD && method != TRI_QUANT_ABSMEAN &&
      method != TRI_QUANT_STOCHASTIC)
    return TRI_ERR_INVALID_ARGUMENT;

  /* Elements of channel c: flat = (o * channels + c) * inner + i. */
  for (size_t c = 0; c < channels; ++c) {
    double sumAbs = 0.0, maxAbs = 0.0, sumKept = 0.0;
    size_t count = 0, kept = 0;
    for (size_t o = 0; o < outer; ++o)
      for (size_t i = 0; i < inner; ++i) {
        double v = x[(o * channels + c) * inner + i];
        if (!isfinite(v))
          return TRI_ERR_NON_FINITE;
        double a = fabs(v);
        sumAbs += a;
        if (a > maxAbs)
          maxAbs = a;
        if (a > threshold) {
          sumKept += a;
          ++kept;
        }
        ++count;
      }
    double scale = 1.0;
    switch (method) {
    case TRI_QUANT_THRESHOLD:
      scale = kept ? sumKept / (double)kept : 1.0;
      break;
    case TRI_QUANT_ABSMEAN:
      scale = count ? sumAbs / (double)count : 0.0;
      if (scale < 1e-5)
        scale = 1e-5;
      break;
    case TRI_QUANT_STOCHASTIC:
      scale = maxAbs > 0.0 ? maxAbs : 1.0;
      break;
    }
    scales[c] = (float)scale;
    for (size_t o = 0; o < outer; ++o)
      for (size_t i = 0; i < inner; ++i) {
        size_t flat = (o * channels + c) * inner + i;
        double v = x[flat];
        int8_t t = 0;
        switch (method) {
        case TRI_QUANT_THRESHOLD:
          t = v > threshold ? 1 : (v < -(double)threshold ? -1 : 0);
          break;
        case TRI_QUANT_ABSMEAN: {
          double r = round_half_even(v / scale);
          t = r > 1.0 ? 1 : (r < -1.0 ? -1 : (int8_t)r);
          break;
        }
        case TRI_QUANT_STOCHASTIC:
          t = tri_stochastic_uniform(seed, flat) < fabs(v) / scale
                  ? sign_trit(v)
                  : 0;
          break;
        }
        trits[flat] = t;
      }
  }
  return TRI_OK;
}
