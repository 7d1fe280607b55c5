// PackingTest.cpp - proves that the runtime packing library
// (runtime/include/ternary_packing.h) implements the bit-exact format of
// DESIGN.md "Packing": offset2 (code = t + 1, 2 bits LSB first, 0b11 invalid)
// and base3 (byte = sum (t_i + 1) * 3^i, bytes 243..255 invalid), zero padding
// to a byte boundary per row, row order of tensors packed along an axis,
// validation with exact error indices, and the three quantizers as defined in
// the header. Every expectation is checked against a reference written
// independently in this file (bit-mask / power-table decoders, arithmetic
// encoders, multi-index tensor gathers, double-precision quantizers), never
// against the library's own output alone.
//
// Build (outside the CMake tree):
//   gcc -std=c99 -c runtime/src/ternary_packing.c -o /tmp/ternary_packing.o
//   g++ -std=c++17 -Wall -Wextra -Iruntime/include
//       unittests/Runtime/PackingTest.cpp /tmp/ternary_packing.o
//       -lgtest -lgtest_main -pthread -o /tmp/packtest

#include "ternary_packing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

const tri_encoding kEncodings[] = {TRI_ENCODING_OFFSET2, TRI_ENCODING_BASE3};

//===----------------------------------------------------------------------===//
// Independent reference codec
//===----------------------------------------------------------------------===//

const unsigned kPow3[6] = {1, 3, 9, 27, 81, 243};

unsigned refPerByte(tri_encoding e) {
  return e == TRI_ENCODING_OFFSET2 ? 4u : 5u;
}

// offset2 field k of `byte`, read bit by bit with masks: low bit 1 << 2k,
// high bit 1 << (2k + 1).
unsigned refOffset2Code(uint8_t byte, unsigned k) {
  unsigned lo = (byte & (1u << (2 * k))) ? 1u : 0u;
  unsigned hi = (byte & (1u << (2 * k + 1))) ? 2u : 0u;
  return hi + lo;
}

// base3 digit k of `byte` via the power table (no repeated division).
unsigned refBase3Digit(uint8_t byte, unsigned k) {
  return (byte / kPow3[k]) % 3u;
}

unsigned refCode(tri_encoding e, uint8_t byte, unsigned k) {
  return e == TRI_ENCODING_OFFSET2 ? refOffset2Code(byte, k)
                                   : refBase3Digit(byte, k);
}

bool refValid(tri_encoding e, uint8_t byte) {
  if (e == TRI_ENCODING_BASE3)
    return byte <= 242;
  for (unsigned k = 0; k < 4; ++k)
    if (refOffset2Code(byte, k) == 3u)
      return false;
  return true;
}

// Encodes one byte from `per` codes (code = t + 1) with plain arithmetic:
// offset2 as base-4 digits, base3 as base-3 digits.
uint8_t refEncodeByte(tri_encoding e, const int *trits) {
  unsigned radix = e == TRI_ENCODING_OFFSET2 ? 4u : 3u;
  unsigned value = 0, weight = 1;
  for (unsigned k = 0; k < refPerByte(e); ++k) {
    value += static_cast<unsigned>(trits[k] + 1) * weight;
    weight *= radix;
  }
  return static_cast<uint8_t>(value);
}

// Packs a row with the reference encoder (padding trits are 0).
std::vector<uint8_t> refPackRow(tri_encoding e, const std::vector<int8_t> &t) {
  unsigned per = refPerByte(e);
  size_t nbytes = (t.size() + per - 1) / per;
  std::vector<uint8_t> out(nbytes);
  for (size_t b = 0; b < nbytes; ++b) {
    int group[5] = {0, 0, 0, 0, 0};
    for (unsigned k = 0; k < per; ++k) {
      size_t i = b * per + k;
      group[k] = i < t.size() ? t[i] : 0;
    }
    out[b] = refEncodeByte(e, group);
  }
  return out;
}

// Decodes every trit position of the bytes, padding included.
std::vector<int> refDecodeAll(tri_encoding e, const std::vector<uint8_t> &b) {
  std::vector<int> out;
  for (uint8_t byte : b)
    for (unsigned k = 0; k < refPerByte(e); ++k)
      out.push_back(static_cast<int>(refCode(e, byte, k)) - 1);
  return out;
}

std::vector<int8_t> randomTrits(std::mt19937 &rng, size_t n) {
  std::vector<int8_t> t(n);
  for (auto &v : t)
    v = static_cast<int8_t>(static_cast<int>(rng() % 3u) - 1);
  return t;
}

// Packs a dense row-major tensor along `axis` by explicit multi-indices:
// rows are enumerated as the flat indices whose axis coordinate is 0, in
// increasing (row-major) order; each row is gathered with the axis stride.
std::vector<uint8_t> refPackTensor(tri_encoding e,
                                   const std::vector<int8_t> &trits,
                                   const std::vector<int64_t> &shape,
                                   unsigned axis) {
  size_t rank = shape.size();
  std::vector<size_t> stride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    stride[d - 1] = stride[d] * static_cast<size_t>(shape[d]);
  size_t total = 1;
  for (int64_t d : shape)
    total *= static_cast<size_t>(d);
  std::vector<uint8_t> out;
  for (size_t flat = 0; flat < total; ++flat) {
    size_t coord = (flat / stride[axis]) % static_cast<size_t>(shape[axis]);
    if (coord != 0)
      continue;
    std::vector<int8_t> row;
    for (int64_t j = 0; j < shape[axis]; ++j)
      row.push_back(trits[flat + static_cast<size_t>(j) * stride[axis]]);
    std::vector<uint8_t> packed = refPackRow(e, row);
    out.insert(out.end(), packed.begin(), packed.end());
  }
  return out;
}

// An encoding value outside the enum, (tri_encoding)7. The library is C,
// where the enum is an int; GCC/Clang do not assume strict enum ranges
// without -fstrict-enums. The value is only ever a prvalue argument (never
// stored in a tri_encoding object), so -fsanitize=enum stays quiet.
tri_encoding asEncoding(int value) {
  volatile int v = value;
  return static_cast<tri_encoding>(v);
}
tri_encoding badEncoding() { return asEncoding(7); }

//===----------------------------------------------------------------------===//
// The seed example: trits [1, -1, 0, 1, 0, -1]
//===----------------------------------------------------------------------===//

const std::vector<int8_t> kSeed = {1, -1, 0, 1, 0, -1};

TEST(SeedExample, Offset2PacksToHandComputedBytes) {
  // codes t+1: 2 0 1 2 | 1 0 (+ padding 1 1)
  // byte 0 = 2<<0 | 0<<2 | 1<<4 | 2<<6 = 2 + 0 + 16 + 128 = 146 = 0x92
  //        = 0b10'01'00'10 (fields read from the right: 10 00 01 10)
  // byte 1 = 1<<0 | 0<<2 | 1<<4 | 1<<6 = 1 + 0 + 16 + 64 = 81 = 0x51
  //        = 0b01'01'00'01
  ASSERT_EQ(tri_row_bytes(TRI_ENCODING_OFFSET2, kSeed.size()), 2u);
  uint8_t out[3] = {0xEE, 0xEE, 0xEE};
  ASSERT_EQ(tri_pack_row(TRI_ENCODING_OFFSET2, kSeed.data(), kSeed.size(),
                         out, nullptr),
            TRI_OK);
  EXPECT_EQ(out[0], 0x92);
  EXPECT_EQ(out[1], 0x51);
  EXPECT_EQ(out[2], 0xEE) << "wrote past tri_row_bytes";
}

TEST(SeedExample, Offset2UnpacksLosslessly) {
  const uint8_t packed[2] = {0x92, 0x51};
  int8_t out[6] = {9, 9, 9, 9, 9, 9};
  ASSERT_EQ(tri_unpack_row(TRI_ENCODING_OFFSET2, packed, 6, out, nullptr),
            TRI_OK);
  EXPECT_EQ(std::vector<int8_t>(out, out + 6), kSeed);
  // The independent decoder agrees, and the two padding trits are zero.
  EXPECT_EQ(refDecodeAll(TRI_ENCODING_OFFSET2, {0x92, 0x51}),
            (std::vector<int>{1, -1, 0, 1, 0, -1, 0, 0}));
}

TEST(SeedExample, Base3PacksToHandComputedBytes) {
  // digits t+1: 2 0 1 2 1 | 0 (+ padding 1 1 1 1)
  // byte 0 = 2*1 + 0*3 + 1*9 + 2*27 + 1*81 = 2 + 0 + 9 + 54 + 81 = 146 = 0x92
  // byte 1 = 0*1 + 1*3 + 1*9 + 1*27 + 1*81 = 120 = 0x78
  ASSERT_EQ(tri_row_bytes(TRI_ENCODING_BASE3, kSeed.size()), 2u);
  uint8_t out[3] = {0xEE, 0xEE, 0xEE};
  ASSERT_EQ(tri_pack_row(TRI_ENCODING_BASE3, kSeed.data(), kSeed.size(), out,
                         nullptr),
            TRI_OK);
  EXPECT_EQ(out[0], 146);
  EXPECT_EQ(out[1], 120);
  EXPECT_EQ(out[2], 0xEE) << "wrote past tri_row_bytes";
}

TEST(SeedExample, Base3UnpacksLosslessly) {
  const uint8_t packed[2] = {146, 120};
  int8_t out[6] = {9, 9, 9, 9, 9, 9};
  ASSERT_EQ(tri_unpack_row(TRI_ENCODING_BASE3, packed, 6, out, nullptr),
            TRI_OK);
  EXPECT_EQ(std::vector<int8_t>(out, out + 6), kSeed);
  EXPECT_EQ(refDecodeAll(TRI_ENCODING_BASE3, {146, 120}),
            (std::vector<int>{1, -1, 0, 1, 0, -1, 0, 0, 0, 0}));
}

//===----------------------------------------------------------------------===//
// Exhaustive over all 256 byte values
//===----------------------------------------------------------------------===//

TEST(Offset2Exhaustive, ValidIffNoFieldIs11) {
  int validCount = 0;
  for (unsigned v = 0; v < 256; ++v) {
    uint8_t byte = static_cast<uint8_t>(v);
    bool expected = (byte & 0x03) != 0x03 && (byte & 0x0C) != 0x0C &&
                    (byte & 0x30) != 0x30 && (byte & 0xC0) != 0xC0;
    EXPECT_EQ(tri_byte_is_valid(TRI_ENCODING_OFFSET2, byte) != 0, expected)
        << "byte " << v;
    validCount += expected;
  }
  EXPECT_EQ(validCount, 81); // 3^4 valid bytes
}

TEST(Offset2Exhaustive, ValidBytesDecodeLikeReference) {
  for (unsigned v = 0; v < 256; ++v) {
    uint8_t byte = static_cast<uint8_t>(v);
    if (!refValid(TRI_ENCODING_OFFSET2, byte))
      continue;
    int8_t out[4] = {9, 9, 9, 9};
    size_t err = 12345;
    ASSERT_EQ(tri_unpack_row(TRI_ENCODING_OFFSET2, &byte, 4, out, &err),
              TRI_OK)
        << "byte " << v;
    for (unsigned k = 0; k < 4; ++k)
      EXPECT_EQ(out[k], static_cast<int>(refOffset2Code(byte, k)) - 1)
          << "byte " << v << " field " << k;
  }
}

TEST(Offset2Exhaustive, InvalidBytesRejectedWithByteIndex) {
  // A 16-trit row (4 bytes) of non-trivial valid bytes; the invalid byte is
  // placed at each position in turn.
  const uint8_t filler[4] = {0x92, 0x00, 0xAA, 0x55};
  int invalidCount = 0;
  for (unsigned v = 0; v < 256; ++v) {
    uint8_t byte = static_cast<uint8_t>(v);
    if (refValid(TRI_ENCODING_OFFSET2, byte))
      continue;
    ++invalidCount;
    for (size_t pos = 0; pos < 4; ++pos) {
      uint8_t row[4];
      std::memcpy(row, filler, 4);
      row[pos] = byte;
      int8_t out[16];
      size_t err = 999;
      EXPECT_EQ(tri_unpack_row(TRI_ENCODING_OFFSET2, row, 16, out, &err),
                TRI_ERR_INVALID_CODE)
          << "byte " << v << " at " << pos;
      EXPECT_EQ(err, pos) << "byte " << v;
    }
  }
  EXPECT_EQ(invalidCount, 256 - 81);
}

TEST(Base3Exhaustive, ValidIffBelow243) {
  for (unsigned v = 0; v < 256; ++v)
    EXPECT_EQ(tri_byte_is_valid(TRI_ENCODING_BASE3, static_cast<uint8_t>(v)) !=
                  0,
              v < 243)
        << "byte " << v;
}

TEST(Base3Exhaustive, ValidBytesDecodeLikeReference) {
  for (unsigned v = 0; v < 243; ++v) {
    uint8_t byte = static_cast<uint8_t>(v);
    int8_t out[5] = {9, 9, 9, 9, 9};
    ASSERT_EQ(tri_unpack_row(TRI_ENCODING_BASE3, &byte, 5, out, nullptr),
              TRI_OK)
        << "byte " << v;
    int recomposed = 0;
    for (unsigned k = 0; k < 5; ++k) {
      EXPECT_EQ(out[k], static_cast<int>(refBase3Digit(byte, k)) - 1)
          << "byte " << v << " digit " << k;
      recomposed += (out[k] + 1) * static_cast<int>(kPow3[k]);
    }
    EXPECT_EQ(recomposed, static_cast<int>(v));
  }
}

TEST(Base3Exhaustive, Bytes243To255RejectedWithByteIndex) {
  const uint8_t filler[3] = {146, 0, 242};
  for (unsigned v = 243; v < 256; ++v) {
    for (size_t pos = 0; pos < 3; ++pos) {
      uint8_t row[3];
      std::memcpy(row, filler, 3);
      row[pos] = static_cast<uint8_t>(v);
      int8_t out[15];
      size_t err = 999;
      EXPECT_EQ(tri_unpack_row(TRI_ENCODING_BASE3, row, 15, out, &err),
                TRI_ERR_INVALID_CODE)
          << "byte " << v << " at " << pos;
      EXPECT_EQ(err, pos) << "byte " << v;
    }
  }
}

//===----------------------------------------------------------------------===//
// Exhaustive over all trit combinations of one byte
//===----------------------------------------------------------------------===//

TEST(PackFormula, AllOffset2QuadsMatchFormula) {
  std::set<unsigned> seen;
  for (int a = -1; a <= 1; ++a)
    for (int b = -1; b <= 1; ++b)
      for (int c = -1; c <= 1; ++c)
        for (int d = -1; d <= 1; ++d) {
          const int8_t t[4] = {static_cast<int8_t>(a), static_cast<int8_t>(b),
                               static_cast<int8_t>(c), static_cast<int8_t>(d)};
          unsigned expected = static_cast<unsigned>(a + 1) |
                              static_cast<unsigned>(b + 1) << 2 |
                              static_cast<unsigned>(c + 1) << 4 |
                              static_cast<unsigned>(d + 1) << 6;
          uint8_t byte = 0;
          ASSERT_EQ(tri_pack_row(TRI_ENCODING_OFFSET2, t, 4, &byte, nullptr),
                    TRI_OK);
          EXPECT_EQ(byte, expected) << a << " " << b << " " << c << " " << d;
          seen.insert(byte);
        }
  EXPECT_EQ(seen.size(), 81u); // injective
}

TEST(PackFormula, AllBase3QuintsMatchFormula) {
  std::set<unsigned> seen;
  for (unsigned combo = 0; combo < 243; ++combo) {
    int8_t t[5];
    unsigned rest = combo, expected = 0;
    for (unsigned k = 0; k < 5; ++k) {
      t[k] = static_cast<int8_t>(static_cast<int>(rest % 3) - 1);
      rest /= 3;
      expected += static_cast<unsigned>(t[k] + 1) * kPow3[k];
    }
    uint8_t byte = 0;
    ASSERT_EQ(tri_pack_row(TRI_ENCODING_BASE3, t, 5, &byte, nullptr), TRI_OK);
    EXPECT_EQ(byte, expected) << "combo " << combo;
    seen.insert(byte);
  }
  EXPECT_EQ(seen.size(), 243u); // bijection onto 0..242
  EXPECT_EQ(*seen.rbegin(), 242u);
}

//===----------------------------------------------------------------------===//
// Random round trips
//===----------------------------------------------------------------------===//

const size_t kLengths[] = {0,   1,   2,   3,    4,    5,    6,    7,   8,
                           9,   10,  11,  12,   13,   63,   64,   65,  1000,
                           1279, 1280, 1281, 2559, 2560, 2561, 3000};

void roundTripRows(tri_encoding e) {
  std::mt19937 rng(1234 + static_cast<unsigned>(e));
  for (size_t n : kLengths) {
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<int8_t> trits = randomTrits(rng, n);
      size_t nbytes = tri_row_bytes(e, n);
      std::vector<uint8_t> packed(nbytes + 1, 0xEE);
      ASSERT_EQ(tri_pack_row(e, trits.data(), n, packed.data(), nullptr),
                TRI_OK)
          << "n=" << n;
      EXPECT_EQ(packed[nbytes], 0xEE) << "overrun, n=" << n;
      packed.resize(nbytes);
      EXPECT_EQ(packed, refPackRow(e, trits)) << "n=" << n;
      std::vector<int8_t> back(n + 1, 9);
      ASSERT_EQ(tri_unpack_row(e, packed.data(), n, back.data(), nullptr),
                TRI_OK)
          << "n=" << n;
      EXPECT_EQ(back[n], 9) << "overrun, n=" << n;
      back.resize(n);
      EXPECT_EQ(back, trits) << "n=" << n;
    }
  }
}

TEST(RoundTrip, RandomRowsOffset2) { roundTripRows(TRI_ENCODING_OFFSET2); }

TEST(RoundTrip, RandomRowsBase3) { roundTripRows(TRI_ENCODING_BASE3); }

// The tensor functions process long rows in 1280-trit chunks; 1-D tensors of
// the lengths above cross that boundary.
TEST(RoundTrip, TensorPathAcrossChunkBoundary) {
  std::mt19937 rng(99);
  for (tri_encoding e : kEncodings) {
    for (size_t n : kLengths) {
      std::vector<int8_t> trits = randomTrits(rng, n);
      const int64_t shape[1] = {static_cast<int64_t>(n)};
      size_t size = tri_packed_size(e, shape, 1, 0);
      ASSERT_EQ(size, (n + refPerByte(e) - 1) / refPerByte(e));
      std::vector<uint8_t> packed(size + 1, 0xEE);
      ASSERT_EQ(tri_pack_tensor(e, trits.data(), shape, 1, 0, packed.data(),
                                nullptr),
                TRI_OK);
      EXPECT_EQ(packed[size], 0xEE);
      packed.resize(size);
      EXPECT_EQ(packed, refPackRow(e, trits)) << "enc " << e << " n=" << n;
      // One spare element: a sentinel, and a non-null buffer for n = 0
      // (tri_unpack_tensor rejects a null output even for empty tensors).
      std::vector<int8_t> back(n + 1, 9);
      ASSERT_EQ(tri_unpack_tensor(e, packed.data(), shape, 1, 0, back.data(),
                                  nullptr),
                TRI_OK);
      EXPECT_EQ(back[n], 9) << "overrun";
      back.resize(n);
      EXPECT_EQ(back, trits) << "enc " << e << " n=" << n;
    }
  }
}

//===----------------------------------------------------------------------===//
// Rows and padding
//===----------------------------------------------------------------------===//

TEST(RowBytes, CeilingDivision) {
  for (size_t n = 0; n < 2000; ++n) {
    EXPECT_EQ(tri_row_bytes(TRI_ENCODING_OFFSET2, n), n / 4 + (n % 4 ? 1 : 0))
        << n;
    EXPECT_EQ(tri_row_bytes(TRI_ENCODING_BASE3, n), n / 5 + (n % 5 ? 1 : 0))
        << n;
  }
  EXPECT_EQ(tri_row_bytes(TRI_ENCODING_OFFSET2, 4096), 1024u);
  EXPECT_EQ(tri_row_bytes(TRI_ENCODING_BASE3, 4096), 820u);
  EXPECT_EQ(tri_row_bytes(TRI_ENCODING_OFFSET2, 1000001), 250001u);
  EXPECT_EQ(tri_row_bytes(TRI_ENCODING_BASE3, 1000001), 200001u);
  EXPECT_EQ(tri_row_bytes(badEncoding(), 10), 0u);
}

// Packs all-(-1) rows (code 0 everywhere) so that any non-zero padding code
// stands out, then checks every padding position decodes to 0.
TEST(Padding, PaddingTritsEncodeAsZero) {
  for (tri_encoding e : kEncodings) {
    unsigned per = refPerByte(e);
    for (size_t n = 1; n <= 23; ++n) {
      std::vector<int8_t> trits(n, -1);
      size_t nbytes = tri_row_bytes(e, n);
      std::vector<uint8_t> packed(nbytes);
      ASSERT_EQ(tri_pack_row(e, trits.data(), n, packed.data(), nullptr),
                TRI_OK);
      std::vector<int> all = refDecodeAll(e, packed);
      ASSERT_EQ(all.size(), nbytes * per);
      for (size_t i = 0; i < all.size(); ++i)
        EXPECT_EQ(all[i], i < n ? -1 : 0) << "enc " << e << " n=" << n
                                          << " pos " << i;
    }
  }
  // Concrete last bytes: one -1 then 3 padding zeros in offset2 is
  // 0b01'01'01'00 = 0x54; in base3 0 + 3 + 9 + 27 + 81 = 120.
  const int8_t minusOne = -1;
  uint8_t byte = 0;
  ASSERT_EQ(tri_pack_row(TRI_ENCODING_OFFSET2, &minusOne, 1, &byte, nullptr),
            TRI_OK);
  EXPECT_EQ(byte, 0x54);
  ASSERT_EQ(tri_pack_row(TRI_ENCODING_BASE3, &minusOne, 1, &byte, nullptr),
            TRI_OK);
  EXPECT_EQ(byte, 120);
}

// For every row length with padding, every padding position and every
// non-zero code, the row is rejected with the index of the last byte.
TEST(Padding, NonZeroPaddingRejectedWithByteIndex) {
  std::mt19937 rng(7);
  for (tri_encoding e : kEncodings) {
    unsigned per = refPerByte(e);
    for (size_t n = 1; n <= 17; ++n) {
      if (n % per == 0)
        continue;
      std::vector<int8_t> trits = randomTrits(rng, n);
      std::vector<uint8_t> good = refPackRow(e, trits);
      size_t last = good.size() - 1;
      for (size_t pad = n % per; pad < per; ++pad) {
        for (int wrong : {-1, 1}) {
          // Rebuild the last byte from reference trits with one padding
          // trit set to a non-zero value.
          int group[5] = {0, 0, 0, 0, 0};
          for (unsigned k = 0; k < per; ++k) {
            size_t i = last * per + k;
            group[k] = i < n ? trits[i] : 0;
          }
          group[pad] = wrong;
          std::vector<uint8_t> bad = good;
          bad[last] = refEncodeByte(e, group);
          ASSERT_TRUE(refValid(e, bad[last]));
          std::vector<int8_t> out(n);
          size_t err = 999;
          EXPECT_EQ(tri_unpack_row(e, bad.data(), n, out.data(), &err),
                    TRI_ERR_BAD_PADDING)
              << "enc " << e << " n=" << n << " pad " << pad;
          EXPECT_EQ(err, last);
        }
      }
      // The correctly padded row is accepted.
      std::vector<int8_t> out(n);
      EXPECT_EQ(tri_unpack_row(e, good.data(), n, out.data(), nullptr),
                TRI_OK);
    }
  }
  // Hand example: offset2 n = 1, trit 0 -> 0x55 is fine; 0x95 puts code
  // 0b10 (+1) in the last padding field.
  const uint8_t padBad = 0x95;
  int8_t t = 9;
  size_t err = 999;
  EXPECT_EQ(tri_unpack_row(TRI_ENCODING_OFFSET2, &padBad, 1, &t, &err),
            TRI_ERR_BAD_PADDING);
  EXPECT_EQ(err, 0u);
  // Hand example: base3 n = 1, digit 0 -> trit -1, padding 1111 = 120 fine;
  // 120 + 81 = 201 makes the last padding digit 2.
  const uint8_t padBad3 = 201;
  EXPECT_EQ(tri_unpack_row(TRI_ENCODING_BASE3, &padBad3, 1, &t, &err),
            TRI_ERR_BAD_PADDING);
}

TEST(Padding, NeverChangesDotProduct) {
  std::mt19937 rng(2024);
  for (tri_encoding e : kEncodings) {
    for (size_t n : kLengths) {
      std::vector<int8_t> trits = randomTrits(rng, n);
      std::vector<uint8_t> packed(tri_row_bytes(e, n));
      ASSERT_EQ(tri_pack_row(e, trits.data(), n, packed.data(), nullptr),
                TRI_OK);
      std::vector<int> all = refDecodeAll(e, packed);
      ASSERT_EQ(all.size(), packed.size() * refPerByte(e));
      long dotOrig = 0, dotPacked = 0;
      for (int8_t v : trits)
        dotOrig += v; // dot with a ones vector
      for (int v : all)
        dotPacked += v;
      EXPECT_EQ(dotPacked, dotOrig) << "enc " << e << " n=" << n;
      // Also with arbitrary activations, including garbage in the positions
      // a kernel would read past the end of the row.
      long dotX = 0, dotXPacked = 0;
      for (size_t i = 0; i < all.size(); ++i) {
        long x = static_cast<long>(rng() % 201u) - 100;
        if (i < n)
          dotX += x * trits[i];
        dotXPacked += x * all[i];
      }
      EXPECT_EQ(dotXPacked, dotX) << "enc " << e << " n=" << n;
    }
  }
}

//===----------------------------------------------------------------------===//
// Invalid trits on pack
//===----------------------------------------------------------------------===//

TEST(InvalidTrit, PackRowReportsTritIndex) {
  for (tri_encoding e : kEncodings) {
    for (int bad : {2, -2, 127, -128}) {
      for (size_t pos : {size_t(0), size_t(3), size_t(4), size_t(5),
                         size_t(12)}) {
        std::vector<int8_t> trits(13, 1);
        trits[pos] = static_cast<int8_t>(bad);
        std::vector<uint8_t> out(tri_row_bytes(e, 13));
        size_t err = 999;
        EXPECT_EQ(tri_pack_row(e, trits.data(), 13, out.data(), &err),
                  TRI_ERR_INVALID_TRIT)
            << "enc " << e << " value " << bad << " at " << pos;
        EXPECT_EQ(err, pos);
      }
    }
  }
}

TEST(InvalidTrit, PackTensorReportsFlatIndex) {
  // [K=3000, N=3] along axis 0: the bad element in column 2 at k = 2000 lies
  // in the second 1280-trit chunk of row 2; its flat index is 2000*3 + 2.
  const int64_t shape[2] = {3000, 3};
  for (tri_encoding e : kEncodings) {
    for (int bad : {2, -2, 127, -128}) {
      std::vector<int8_t> trits(9000, 0);
      trits[2000 * 3 + 2] = static_cast<int8_t>(bad);
      std::vector<uint8_t> out(tri_packed_size(e, shape, 2, 0));
      size_t err = 0;
      EXPECT_EQ(tri_pack_tensor(e, trits.data(), shape, 2, 0, out.data(),
                                &err),
                TRI_ERR_INVALID_TRIT);
      EXPECT_EQ(err, 6002u);
      // Along axis 1 the same flat index is reported.
      std::vector<uint8_t> out1(tri_packed_size(e, shape, 2, 1));
      err = 0;
      EXPECT_EQ(tri_pack_tensor(e, trits.data(), shape, 2, 1, out1.data(),
                                &err),
                TRI_ERR_INVALID_TRIT);
      EXPECT_EQ(err, 6002u);
    }
  }
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

TEST(TensorSize, OneTwoThreeDimensionalShapes) {
  for (tri_encoding e : kEncodings) {
    unsigned per = refPerByte(e);
    auto rb = [per](int64_t n) {
      return (static_cast<size_t>(n) + per - 1) / per;
    };
    const int64_t s1[1] = {37};
    EXPECT_EQ(tri_packed_size(e, s1, 1, 0), rb(37));
    const int64_t s2[2] = {13, 6}; // [K, N]
    EXPECT_EQ(tri_packed_size(e, s2, 2, 0), 6 * rb(13));
    EXPECT_EQ(tri_packed_size(e, s2, 2, 1), 13 * rb(6));
    const int64_t s3[3] = {2, 7, 3};
    EXPECT_EQ(tri_packed_size(e, s3, 3, 0), 7 * 3 * rb(2));
    EXPECT_EQ(tri_packed_size(e, s3, 3, 1), 2 * 3 * rb(7));
    EXPECT_EQ(tri_packed_size(e, s3, 3, 2), 2 * 7 * rb(3));
    // Zero-sized dimensions are valid and give zero bytes.
    const int64_t z[2] = {0, 5};
    EXPECT_EQ(tri_packed_size(e, z, 2, 0), 0u);
    EXPECT_EQ(tri_packed_size(e, z, 2, 1), 0u);
  }
  // Hand values: [4096, 11008] along K in offset2 = 11008 * 1024 bytes.
  const int64_t big[2] = {4096, 11008};
  EXPECT_EQ(tri_packed_size(TRI_ENCODING_OFFSET2, big, 2, 0), 11272192u);
  EXPECT_EQ(tri_packed_size(TRI_ENCODING_BASE3, big, 2, 0), 11008u * 820u);
}

TEST(TensorSize, InvalidArgumentsGiveZero) {
  const int64_t s2[2] = {8, 4};
  const int64_t neg[2] = {8, -1};
  for (tri_encoding e : kEncodings) {
    EXPECT_EQ(tri_packed_size(e, s2, 0, 0), 0u);       // rank 0
    EXPECT_EQ(tri_packed_size(e, s2, 2, 2), 0u);       // axis == rank
    EXPECT_EQ(tri_packed_size(e, s2, 2, 77), 0u);      // axis > rank
    EXPECT_EQ(tri_packed_size(e, neg, 2, 0), 0u);      // negative dim
    EXPECT_EQ(tri_packed_size(e, neg, 2, 1), 0u);      // negative packed dim
    EXPECT_EQ(tri_packed_size(e, nullptr, 2, 0), 0u);  // no shape
    EXPECT_NE(tri_packed_size(e, s2, 2, 1), 0u);       // control: valid
  }
  EXPECT_EQ(tri_packed_size(badEncoding(), s2, 2, 0), 0u);
}

TEST(Tensor, Pack2DAlongAxis0RowsAreColumns) {
  const int64_t K = 13, N = 6;
  const int64_t shape[2] = {K, N};
  std::mt19937 rng(11);
  std::vector<int8_t> w = randomTrits(rng, K * N);
  for (tri_encoding e : kEncodings) {
    size_t rowBytes = tri_row_bytes(e, K);
    size_t size = tri_packed_size(e, shape, 2, 0);
    ASSERT_EQ(size, N * rowBytes);
    std::vector<uint8_t> packed(size);
    ASSERT_EQ(tri_pack_tensor(e, w.data(), shape, 2, 0, packed.data(),
                              nullptr),
              TRI_OK);
    for (int64_t n = 0; n < N; ++n) {
      std::vector<int8_t> column;
      for (int64_t k = 0; k < K; ++k)
        column.push_back(w[k * N + n]);
      std::vector<uint8_t> viaRow(rowBytes);
      ASSERT_EQ(tri_pack_row(e, column.data(), K, viaRow.data(), nullptr),
                TRI_OK);
      std::vector<uint8_t> got(packed.begin() + n * rowBytes,
                               packed.begin() + (n + 1) * rowBytes);
      EXPECT_EQ(got, viaRow) << "column " << n;
      EXPECT_EQ(got, refPackRow(e, column)) << "column " << n;
    }
    EXPECT_EQ(packed, refPackTensor(e, w, {K, N}, 0));
  }
}

TEST(Tensor, Pack2DAlongAxis1RowsAreRows) {
  const int64_t K = 5, N = 11;
  const int64_t shape[2] = {K, N};
  std::mt19937 rng(12);
  std::vector<int8_t> w = randomTrits(rng, K * N);
  for (tri_encoding e : kEncodings) {
    size_t rowBytes = tri_row_bytes(e, N);
    std::vector<uint8_t> packed(tri_packed_size(e, shape, 2, 1));
    ASSERT_EQ(packed.size(), K * rowBytes);
    ASSERT_EQ(tri_pack_tensor(e, w.data(), shape, 2, 1, packed.data(),
                              nullptr),
              TRI_OK);
    for (int64_t k = 0; k < K; ++k) {
      std::vector<int8_t> row(w.begin() + k * N, w.begin() + (k + 1) * N);
      std::vector<uint8_t> got(packed.begin() + k * rowBytes,
                               packed.begin() + (k + 1) * rowBytes);
      EXPECT_EQ(got, refPackRow(e, row)) << "row " << k;
    }
  }
}

TEST(Tensor, Pack3DAlongMiddleAxis) {
  const int64_t A = 2, B = 7, C = 3;
  const int64_t shape[3] = {A, B, C};
  std::mt19937 rng(13);
  std::vector<int8_t> t = randomTrits(rng, A * B * C);
  for (tri_encoding e : kEncodings) {
    size_t rowBytes = tri_row_bytes(e, B);
    std::vector<uint8_t> packed(tri_packed_size(e, shape, 3, 1));
    ASSERT_EQ(packed.size(), A * C * rowBytes);
    ASSERT_EQ(tri_pack_tensor(e, t.data(), shape, 3, 1, packed.data(),
                              nullptr),
              TRI_OK);
    // Row r = a * C + c holds t[a, :, c].
    for (int64_t a = 0; a < A; ++a)
      for (int64_t c = 0; c < C; ++c) {
        std::vector<int8_t> fiber;
        for (int64_t b = 0; b < B; ++b)
          fiber.push_back(t[(a * B + b) * C + c]);
        size_t r = static_cast<size_t>(a * C + c);
        std::vector<uint8_t> got(packed.begin() + r * rowBytes,
                                 packed.begin() + (r + 1) * rowBytes);
        EXPECT_EQ(got, refPackRow(e, fiber)) << "a=" << a << " c=" << c;
      }
    EXPECT_EQ(packed, refPackTensor(e, t, {A, B, C}, 1));
  }
}

TEST(Tensor, RoundTripAllShapesAndAxes) {
  const std::vector<std::vector<int64_t>> shapes = {
      {1}, {9}, {1281}, {4, 4}, {3, 7}, {1281, 2}, {2, 1281},
      {0, 3}, {3, 0}, {2, 3, 5}, {5, 1, 6}, {3, 2, 1300}};
  std::mt19937 rng(14);
  for (tri_encoding e : kEncodings) {
    for (const auto &shape : shapes) {
      unsigned rank = static_cast<unsigned>(shape.size());
      size_t total = 1;
      for (int64_t d : shape)
        total *= static_cast<size_t>(d);
      std::vector<int8_t> t = randomTrits(rng, total);
      for (unsigned axis = 0; axis < rank; ++axis) {
        size_t size = tri_packed_size(e, shape.data(), rank, axis);
        std::vector<uint8_t> packed(size + 1, 0xEE);
        ASSERT_EQ(tri_pack_tensor(e, t.data(), shape.data(), rank, axis,
                                  packed.data(), nullptr),
                  TRI_OK);
        EXPECT_EQ(packed[size], 0xEE) << "overrun";
        packed.resize(size);
        EXPECT_EQ(packed, refPackTensor(e, t, shape, axis))
            << "enc " << e << " rank " << rank << " axis " << axis;
        EXPECT_EQ(tri_validate_tensor(e, packed.data(), shape.data(), rank,
                                      axis, nullptr),
                  TRI_OK);
        std::vector<int8_t> back(total + 1, 9);
        ASSERT_EQ(tri_unpack_tensor(e, packed.data(), shape.data(), rank,
                                    axis, back.data(), nullptr),
                  TRI_OK);
        EXPECT_EQ(back[total], 9) << "overrun";
        back.resize(total);
        EXPECT_EQ(back, t) << "enc " << e << " rank " << rank << " axis "
                           << axis;
      }
    }
  }
}

// Corrupts one byte at a time (invalid code and, where the row has padding,
// bad padding) and checks validate and unpack report its offset in the
// whole buffer, including offsets inside the second chunk of a long row.
TEST(Tensor, ValidateAndUnpackReportOffendingByteOffset) {
  const std::vector<std::vector<int64_t>> shapes = {
      {13, 6}, {3001, 3}, {2, 7, 3}};
  std::mt19937 rng(15);
  for (tri_encoding e : kEncodings) {
    unsigned per = refPerByte(e);
    const uint8_t invalid = e == TRI_ENCODING_OFFSET2 ? 0xFF : 243;
    for (const auto &shape : shapes) {
      unsigned rank = static_cast<unsigned>(shape.size());
      size_t total = 1;
      for (int64_t d : shape)
        total *= static_cast<size_t>(d);
      std::vector<int8_t> t = randomTrits(rng, total);
      unsigned axis = rank == 3 ? 1u : 0u;
      std::vector<uint8_t> good = refPackTensor(e, t, shape, axis);
      size_t len = static_cast<size_t>(shape[axis]);
      size_t rowBytes = (len + per - 1) / per;
      ASSERT_EQ(good.size(), tri_packed_size(e, shape.data(), rank, axis));
      std::vector<size_t> offsets = {0, 1, rowBytes - 1, rowBytes,
                                     good.size() - 1};
      if (rowBytes > 300)
        offsets.push_back(rowBytes + 1280 / per + 7); // row 1, chunk 2
      for (size_t off : offsets) {
        std::vector<uint8_t> bad = good;
        bad[off] = invalid;
        size_t err = 12345;
        EXPECT_EQ(tri_validate_tensor(e, bad.data(), shape.data(), rank, axis,
                                      &err),
                  TRI_ERR_INVALID_CODE)
            << "offset " << off;
        EXPECT_EQ(err, off);
        std::vector<int8_t> out(total);
        err = 12345;
        EXPECT_EQ(tri_unpack_tensor(e, bad.data(), shape.data(), rank, axis,
                                    out.data(), &err),
                  TRI_ERR_INVALID_CODE);
        EXPECT_EQ(err, off);
      }
      if (len % per != 0) {
        // Last byte of the second row with all padding trits set to +1:
        // re-encode it from the reference decode.
        size_t off = 2 * rowBytes - 1;
        std::vector<int> trits = refDecodeAll(e, {good[off]});
        for (size_t k = len % per; k < per; ++k)
          trits[k] = 1;
        std::vector<uint8_t> bad = good;
        bad[off] = refEncodeByte(e, trits.data());
        size_t err = 12345;
        EXPECT_EQ(tri_validate_tensor(e, bad.data(), shape.data(), rank, axis,
                                      &err),
                  TRI_ERR_BAD_PADDING);
        EXPECT_EQ(err, off);
      }
    }
  }
}

TEST(Tensor, InvalidArgumentsRejected) {
  const int64_t shape[2] = {8, 4};
  const int64_t neg[2] = {-8, 4};
  std::vector<int8_t> t(32, 0);
  std::vector<uint8_t> buf(64, 0x55);
  std::vector<int8_t> out(32);
  struct Case {
    int e; // tri_encoding value, possibly out of range
    const int64_t *shape;
    unsigned rank, axis;
    const char *what;
  } cases[] = {
      {TRI_ENCODING_OFFSET2, shape, 0, 0, "rank 0"},
      {TRI_ENCODING_BASE3, shape, 2, 2, "axis == rank"},
      {TRI_ENCODING_OFFSET2, shape, 2, 5, "axis > rank"},
      {TRI_ENCODING_BASE3, neg, 2, 1, "negative dim"},
      {TRI_ENCODING_OFFSET2, neg, 2, 0, "negative packed dim"},
      {7, shape, 2, 0, "bad encoding"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(tri_pack_tensor(asEncoding(c.e), t.data(), c.shape, c.rank,
                              c.axis, buf.data(), nullptr),
              TRI_ERR_INVALID_ARGUMENT)
        << c.what;
    EXPECT_EQ(tri_unpack_tensor(asEncoding(c.e), buf.data(), c.shape, c.rank,
                                c.axis, out.data(), nullptr),
              TRI_ERR_INVALID_ARGUMENT)
        << c.what;
    EXPECT_EQ(tri_validate_tensor(asEncoding(c.e), buf.data(), c.shape,
                                  c.rank, c.axis, nullptr),
              TRI_ERR_INVALID_ARGUMENT)
        << c.what;
    EXPECT_EQ(tri_packed_size(asEncoding(c.e), c.shape, c.rank, c.axis), 0u)
        << c.what;
  }
  // Row functions reject a bad encoding too.
  EXPECT_EQ(tri_pack_row(badEncoding(), t.data(), 4, buf.data(), nullptr),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_unpack_row(badEncoding(), buf.data(), 4, out.data(), nullptr),
            TRI_ERR_INVALID_ARGUMENT);
  // Control: the same buffers are accepted with valid arguments.
  EXPECT_EQ(tri_pack_tensor(TRI_ENCODING_OFFSET2, t.data(), shape, 2, 0,
                            buf.data(), nullptr),
            TRI_OK);
}

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

TEST(Helpers, ZeroByteEncodesZeros) {
  // offset2: 0b01'01'01'01 = 0x55; base3: 1 + 3 + 9 + 27 + 81 = 121.
  EXPECT_EQ(tri_zero_byte(TRI_ENCODING_OFFSET2), 0x55);
  EXPECT_EQ(tri_zero_byte(TRI_ENCODING_BASE3), 121);
  for (tri_encoding e : kEncodings) {
    uint8_t z = tri_zero_byte(e);
    EXPECT_EQ(refDecodeAll(e, {z}), std::vector<int>(refPerByte(e), 0));
    const int8_t zeros[5] = {0, 0, 0, 0, 0};
    uint8_t packed = 0;
    ASSERT_EQ(tri_pack_row(e, zeros, refPerByte(e), &packed, nullptr),
              TRI_OK);
    EXPECT_EQ(packed, z);
  }
}

TEST(Helpers, TritsPerByte) {
  EXPECT_EQ(tri_trits_per_byte(TRI_ENCODING_OFFSET2), 4u);
  EXPECT_EQ(tri_trits_per_byte(TRI_ENCODING_BASE3), 5u);
  EXPECT_EQ(tri_trits_per_byte(badEncoding()), 0u);
}

TEST(Helpers, StatusMessagesNonEmptyAndDistinct) {
  const tri_status all[] = {TRI_OK,
                            TRI_ERR_INVALID_TRIT,
                            TRI_ERR_INVALID_CODE,
                            TRI_ERR_BAD_PADDING,
                            TRI_ERR_INVALID_ARGUMENT,
                            TRI_ERR_NON_FINITE};
  std::set<std::string> seen;
  for (tri_status s : all) {
    const char *msg = tri_status_message(s);
    ASSERT_NE(msg, nullptr) << "status " << s;
    EXPECT_GT(std::strlen(msg), 0u) << "status " << s;
    seen.insert(msg);
  }
  EXPECT_EQ(seen.size(), 6u);
}

//===----------------------------------------------------------------------===//
// Quantizers
//===----------------------------------------------------------------------===//

// BitNet b1.58 absmean in double: gamma = max(mean |x|, 1e-5),
// t = clamp(round-half-even(x / gamma), -1, 1). std::nearbyint uses the
// default rounding mode, round-to-nearest-even.
void refAbsmean(const std::vector<float> &x, std::vector<int8_t> &t,
                double &gamma) {
  double sum = 0.0;
  for (float v : x)
    sum += std::fabs(static_cast<double>(v));
  gamma = x.empty() ? 0.0 : sum / static_cast<double>(x.size());
  if (gamma < 1e-5)
    gamma = 1e-5;
  t.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    double r = std::nearbyint(static_cast<double>(x[i]) / gamma);
    t[i] = static_cast<int8_t>(r >= 1.0 ? 1 : (r <= -1.0 ? -1 : 0));
  }
}

TEST(Quantize, ThresholdHandExample) {
  // threshold 0.3: kept are |x| > 0.3 -> 1.5, -0.75, 0.75 (x = +-0.3 exactly
  // is NOT kept); scale = (1.5 + 0.75 + 0.75) / 3 = 1.0.
  const std::vector<float> x = {1.5f, -0.25f, 0.125f, -0.75f,
                                0.75f, 0.0f,  0.3f,   -0.3f};
  const int64_t shape[1] = {8};
  std::vector<int8_t> t(8, 9);
  float scale = -1;
  ASSERT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, x.data(), shape, 1, -1, 0.3f, 0,
                         t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(t, (std::vector<int8_t>{1, 0, 0, -1, 1, 0, 0, 0}));
  EXPECT_EQ(scale, 1.0f);
  // threshold 0.2: -0.25 joins; scale = (1.5+0.25+0.75+0.75+0.3+0.3)/6
  //                                   = 3.85 / 6.
  ASSERT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, x.data(), shape, 1, -1, 0.2f, 0,
                         t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(t, (std::vector<int8_t>{1, -1, 0, -1, 1, 0, 1, -1}));
  EXPECT_NEAR(scale, 3.85 / 6.0, 1e-6);
}

TEST(Quantize, ThresholdNothingKeptGivesScaleOneAndZeros) {
  const std::vector<float> x = {0.1f, -0.5f, 0.5f, 0.0f};
  const int64_t shape[2] = {2, 2};
  std::vector<int8_t> t(4, 9);
  float scale = -1;
  ASSERT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, x.data(), shape, 2, -1, 0.5f, 0,
                         t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(t, (std::vector<int8_t>(4, 0)));
  EXPECT_EQ(scale, 1.0f);
  // threshold 0 on all zeros: nothing is kept either.
  const std::vector<float> zeros(4, 0.0f);
  ASSERT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, zeros.data(), shape, 2, -1,
                         0.0f, 0, t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(t, (std::vector<int8_t>(4, 0)));
  EXPECT_EQ(scale, 1.0f);
}

TEST(Quantize, AbsmeanMatchesDoubleReference) {
  std::mt19937 rng(31);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  for (size_t n : {size_t(1), size_t(7), size_t(64), size_t(1000)}) {
    std::vector<float> x(n);
    for (float &v : x)
      v = normal(rng);
    std::vector<int8_t> expected;
    double gamma;
    refAbsmean(x, expected, gamma);
    const int64_t shape[1] = {static_cast<int64_t>(n)};
    std::vector<int8_t> t(n, 9);
    float scale = -1;
    ASSERT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 1, -1, 0.0f, 0,
                           t.data(), &scale),
              TRI_OK);
    EXPECT_EQ(t, expected) << "n=" << n;
    EXPECT_EQ(scale, static_cast<float>(gamma)) << "n=" << n;
  }
}

TEST(Quantize, AbsmeanTieRoundsHalfToEven) {
  // mean |x| = (0.5+0.5+1.5+1.5+1+1)/6 = 1 -> x/gamma = x. 0.5 and -0.5 are
  // exact ties and round to the even 0 (half-away-from-zero would give +-1);
  // +-1.5 round to +-2 and clamp to +-1.
  const std::vector<float> x = {0.5f, -0.5f, 1.5f, -1.5f, 1.0f, -1.0f};
  const int64_t shape[1] = {6};
  std::vector<int8_t> t(6, 9);
  float scale = -1;
  ASSERT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 1, -1, 0.0f, 0,
                         t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(scale, 1.0f);
  EXPECT_EQ(t, (std::vector<int8_t>{0, 0, 1, -1, 1, -1}));
  std::vector<int8_t> ref;
  double gamma;
  refAbsmean(x, ref, gamma);
  EXPECT_EQ(t, ref);
}

TEST(Quantize, AbsmeanTinyMeanUsesEpsilonGamma) {
  const std::vector<float> x(5, 0.0f);
  const int64_t shape[1] = {5};
  std::vector<int8_t> t(5, 9);
  float scale = -1;
  ASSERT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 1, -1, 0.0f, 0,
                         t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(scale, 1e-5f);
  EXPECT_EQ(t, (std::vector<int8_t>(5, 0)));
  // mean |x| = 3e-6 < 1e-5: gamma = 1e-5, x / gamma = 0.4, -0.2 -> 0, 0.
  // (Using the raw mean 3e-6 would give 1.33, -0.67 -> 1, -1.)
  const std::vector<float> tiny = {4e-6f, -2e-6f};
  const int64_t shape2[1] = {2};
  ASSERT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, tiny.data(), shape2, 1, -1, 0.0f,
                         0, t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(scale, 1e-5f);
  EXPECT_EQ(t[0], 0);
  EXPECT_EQ(t[1], 0);
}

TEST(Quantize, PerChannelAxis1GivesColumnScales) {
  const int64_t K = 9, N = 4;
  const int64_t shape[2] = {K, N};
  std::mt19937 rng(32);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> x(K * N);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      x[k * N + n] = uni(rng) * static_cast<float>(n + 1); // distinct ranges
  std::vector<int8_t> t(K * N, 9);
  std::vector<float> scales(N + 1, -7.0f);
  ASSERT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 2, 1, 0.0f, 0,
                         t.data(), scales.data()),
            TRI_OK);
  EXPECT_EQ(scales[N], -7.0f) << "wrote more than N scales";
  for (int64_t n = 0; n < N; ++n) {
    std::vector<float> column;
    for (int64_t k = 0; k < K; ++k)
      column.push_back(x[k * N + n]);
    std::vector<int8_t> expected;
    double gamma;
    refAbsmean(column, expected, gamma);
    EXPECT_EQ(scales[n], static_cast<float>(gamma)) << "column " << n;
    for (int64_t k = 0; k < K; ++k)
      EXPECT_EQ(t[k * N + n], expected[k]) << "k=" << k << " n=" << n;
  }
  // Threshold per channel: scale n = mean |x| of the kept column entries.
  const float thr = 0.4f;
  ASSERT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, x.data(), shape, 2, 1, thr, 0,
                         t.data(), scales.data()),
            TRI_OK);
  for (int64_t n = 0; n < N; ++n) {
    double sum = 0;
    int kept = 0;
    for (int64_t k = 0; k < K; ++k) {
      float v = x[k * N + n];
      int expected = v > thr ? 1 : (v < -thr ? -1 : 0);
      EXPECT_EQ(t[k * N + n], expected);
      if (expected != 0) {
        sum += std::fabs(v);
        ++kept;
      }
    }
    EXPECT_FLOAT_EQ(scales[n], kept ? static_cast<float>(sum / kept) : 1.0f)
        << "column " << n;
  }
  // channel_axis = 0 gives K scales, one per row.
  std::vector<float> rowScales(K);
  ASSERT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 2, 0, 0.0f, 0,
                         t.data(), rowScales.data()),
            TRI_OK);
  for (int64_t k = 0; k < K; ++k) {
    std::vector<float> row(x.begin() + k * N, x.begin() + (k + 1) * N);
    std::vector<int8_t> expected;
    double gamma;
    refAbsmean(row, expected, gamma);
    EXPECT_EQ(rowScales[k], static_cast<float>(gamma)) << "row " << k;
  }
}

TEST(Quantize, StochasticFollowsDocumentedRule) {
  // t = sign(x) iff tri_stochastic_uniform(seed, flat) < |x| / max|x|.
  std::mt19937 rng(33);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  std::vector<float> x(500);
  for (float &v : x)
    v = uni(rng);
  x[17] = 0.0f;
  double maxAbs = 0;
  for (float v : x)
    maxAbs = std::max(maxAbs, std::fabs(static_cast<double>(v)));
  const int64_t shape[2] = {20, 25};
  std::vector<int8_t> t(500, 9);
  float scale = -1;
  const uint64_t seed = 0xDEADBEEFull;
  ASSERT_EQ(tri_quantize(TRI_QUANT_STOCHASTIC, x.data(), shape, 2, -1, 0.0f,
                         seed, t.data(), &scale),
            TRI_OK);
  EXPECT_EQ(scale, static_cast<float>(maxAbs));
  int nonzero = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    ASSERT_TRUE(t[i] == -1 || t[i] == 0 || t[i] == 1) << i;
    if (t[i] != 0) {
      EXPECT_EQ(t[i] > 0, x[i] > 0) << "sign differs at " << i;
      ++nonzero;
    }
    double u = tri_stochastic_uniform(seed, i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    int expected = u < std::fabs(static_cast<double>(x[i])) / maxAbs
                       ? (x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0))
                       : 0;
    EXPECT_EQ(t[i], expected) << i;
  }
  EXPECT_EQ(t[17], 0);
  // E[#nonzero] = sum |x|/max ~ 250; it is neither all nor none.
  EXPECT_GT(nonzero, 150);
  EXPECT_LT(nonzero, 350);
}

TEST(Quantize, StochasticDeterministicPerSeed) {
  std::vector<float> x(1000, 0.5f);
  x[0] = 1.0f; // scale = 1 -> every other element is kept with p = 0.5
  const int64_t shape[1] = {1000};
  std::vector<int8_t> a(1000), b(1000), c(1000);
  float sa, sb, sc;
  ASSERT_EQ(tri_quantize(TRI_QUANT_STOCHASTIC, x.data(), shape, 1, -1, 0.0f,
                         42, a.data(), &sa),
            TRI_OK);
  ASSERT_EQ(tri_quantize(TRI_QUANT_STOCHASTIC, x.data(), shape, 1, -1, 0.0f,
                         42, b.data(), &sb),
            TRI_OK);
  ASSERT_EQ(tri_quantize(TRI_QUANT_STOCHASTIC, x.data(), shape, 1, -1, 0.0f,
                         43, c.data(), &sc),
            TRI_OK);
  EXPECT_EQ(a, b);
  EXPECT_EQ(sa, sb);
  // With 999 independent p = 0.5 draws, equality for another seed has
  // probability 2^-999.
  EXPECT_NE(a, c);
  EXPECT_EQ(sc, 1.0f);
  EXPECT_EQ(a[0], 1); // |x| = scale is always kept
  EXPECT_EQ(c[0], 1);
  EXPECT_EQ(tri_stochastic_uniform(42, 5), tri_stochastic_uniform(42, 5));
  EXPECT_NE(tri_stochastic_uniform(42, 5), tri_stochastic_uniform(43, 5));
  EXPECT_NE(tri_stochastic_uniform(42, 5), tri_stochastic_uniform(42, 6));
}

TEST(Quantize, StochasticIsUnbiased) {
  const std::vector<float> x = {0.9f, -0.3f, 0.05f, -0.75f,
                                0.5f, 0.0f,  -1.0f, 0.6f};
  const int64_t shape[1] = {8};
  const int kSeeds = 20000;
  std::vector<double> sum(8, 0.0);
  std::vector<int8_t> t(8);
  float scale = 0;
  for (int s = 0; s < kSeeds; ++s) {
    ASSERT_EQ(tri_quantize(TRI_QUANT_STOCHASTIC, x.data(), shape, 1, -1, 0.0f,
                           static_cast<uint64_t>(s) * 7919u + 1u, t.data(),
                           &scale),
              TRI_OK);
    ASSERT_EQ(scale, 1.0f);
    for (size_t i = 0; i < 8; ++i) {
      ASSERT_TRUE(t[i] == 0 || (t[i] > 0) == (x[i] > 0)) << i;
      sum[i] += t[i] * static_cast<double>(scale);
    }
  }
  // Each sample t*scale is scale * Bernoulli(p) with the sign of x, so its
  // standard deviation is at most scale/2 = 0.5 and the mean over 20000
  // seeds has standard deviation <= 0.5/sqrt(20000) = 0.0035. A tolerance
  // of 0.02 is > 5.6 sigma (false-failure odds < 1e-7 per element), yet a
  // biased rule (e.g. deterministic rounding, which maps 0.3 to 0 and 0.6
  // to 1) misses by >= 0.05.
  for (size_t i = 0; i < 8; ++i)
    EXPECT_NEAR(sum[i] / kSeeds, x[i], 0.02) << "element " << i;
}

TEST(Quantize, NonFiniteInputRejected) {
  const float kNaN = std::numeric_limits<float>::quiet_NaN();
  const float kInf = std::numeric_limits<float>::infinity();
  const int64_t shape[2] = {2, 3};
  for (tri_quant_method m :
       {TRI_QUANT_THRESHOLD, TRI_QUANT_ABSMEAN, TRI_QUANT_STOCHASTIC}) {
    for (float bad : {kNaN, kInf, -kInf}) {
      for (size_t pos : {size_t(0), size_t(4)}) {
        std::vector<float> x = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f};
        x[pos] = bad;
        std::vector<int8_t> t(6);
        float scales[3];
        EXPECT_EQ(tri_quantize(m, x.data(), shape, 2, -1, 0.1f, 1, t.data(),
                               scales),
                  TRI_ERR_NON_FINITE)
            << "method " << m << " pos " << pos;
        EXPECT_EQ(tri_quantize(m, x.data(), shape, 2, 1, 0.1f, 1, t.data(),
                               scales),
                  TRI_ERR_NON_FINITE)
            << "per-channel, method " << m << " pos " << pos;
      }
    }
  }
}

TEST(Quantize, InvalidThresholdAndArgumentsRejected) {
  const std::vector<float> x = {0.1f, -0.2f, 0.3f, 0.4f};
  const int64_t shape[2] = {2, 2};
  std::vector<int8_t> t(4);
  float scales[2];
  for (float thr : {-0.1f, -1e-30f, std::numeric_limits<float>::quiet_NaN(),
                    -std::numeric_limits<float>::infinity()})
    EXPECT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, x.data(), shape, 2, -1, thr,
                           0, t.data(), scales),
              TRI_ERR_INVALID_ARGUMENT)
        << "threshold " << thr;
  // Control: threshold 0 is valid (everything non-zero is kept).
  EXPECT_EQ(tri_quantize(TRI_QUANT_THRESHOLD, x.data(), shape, 2, -1, 0.0f, 0,
                         t.data(), scales),
            TRI_OK);
  EXPECT_EQ(t, (std::vector<int8_t>{1, -1, 1, 1}));
  // channel_axis out of range, negative dim, null buffers.
  EXPECT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 2, 2, 0.0f, 0,
                         t.data(), scales),
            TRI_ERR_INVALID_ARGUMENT);
  const int64_t neg[2] = {2, -2};
  EXPECT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), neg, 2, -1, 0.0f, 0,
                         t.data(), scales),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, nullptr, shape, 2, -1, 0.0f, 0,
                         t.data(), scales),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_quantize(TRI_QUANT_ABSMEAN, x.data(), shape, 2, -1, 0.0f, 0,
                         t.data(), nullptr),
            TRI_ERR_INVALID_ARGUMENT);
}

} // namespace
