//===- ACALSimTest.cpp - The ACALSim device model and protocol library ----===//
//
// Proves, on the host: the device model (runtime/acalsim/acalsim_model.c, the
// source the QEMU harness's trap handler also runs) behaves as the register
// map says — operations with 32-bit wrap-around, BUSY for `latency` STATUS
// reads after TRIGGER, READY or ERROR, RESET, the peer loopback, the echo
// device, injected faults; and the protocol library
// (runtime/acalsim/acalsim.c), with its register accesses routed to the
// model, computes through it: results and statuses, bounded polls, the
// sticky run status, and ternary matmuls whose device and host offloads agree
// with a plain integer reference, with one device operation per non-zero
// trit and token.
//
//===----------------------------------------------------------------------===//
#include "acalsim.h"
#include "acalsim_model.h"
#include "ternary_packing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

constexpr uint32_t reg(uint32_t offset) { return ACALSIM_COMPUTE_BASE + offset; }

uint32_t modelRead(void *context, uint32_t address) {
  return acalsim_model_read(static_cast<acalsim_model *>(context), address);
}
void modelWrite(void *context, uint32_t address, uint32_t value) {
  acalsim_model_write(static_cast<acalsim_model *>(context), address, value);
}

/// Routes the library to a fresh model for one test.
class ACALSimLibraryTest : public ::testing::Test {
protected:
  void SetUp() override {
    acalsim_model_init(&model, 3);
    acalsim_set_mmio(modelRead, modelWrite, &model);
    acalsim_run_begin();
  }
  void TearDown() override { acalsim_set_mmio(nullptr, nullptr, nullptr); }
  acalsim_model model;
};

uint32_t operate(acalsim_model &model, uint32_t op, uint32_t a, uint32_t b,
                 unsigned *busyReads = nullptr) {
  acalsim_model_write(&model, reg(ACALSIM_REG_OPERAND_A), a);
  acalsim_model_write(&model, reg(ACALSIM_REG_OPERAND_B), b);
  acalsim_model_write(&model, reg(ACALSIM_REG_OPERATION), op);
  acalsim_model_write(&model, reg(ACALSIM_REG_CONTROL), ACALSIM_CONTROL_TRIGGER);
  unsigned busy = 0;
  uint32_t status;
  while ((status = acalsim_model_read(&model, reg(ACALSIM_REG_STATUS))) &
         ACALSIM_STATUS_BUSY)
    if (++busy > 100)
      break;
  if (busyReads)
    *busyReads = busy;
  return status;
}

TEST(ACALSimModel, OperationsWrapAroundAt32Bits) {
  acalsim_model model;
  acalsim_model_init(&model, 0);
  struct Case {
    uint32_t op, a, b, result;
  } cases[] = {{ACALSIM_OP_ADD, 40, 2, 42},
               {ACALSIM_OP_ADD, 0xFFFFFFFFu, 1, 0},
               {ACALSIM_OP_ADD, 0x7FFFFFFFu, 1, 0x80000000u},
               {ACALSIM_OP_SUB, 0, 1, 0xFFFFFFFFu},
               {ACALSIM_OP_SUB, 5, 7, static_cast<uint32_t>(-2)},
               {ACALSIM_OP_MUL, 0x10000u, 0x10000u, 0},
               {ACALSIM_OP_MUL, static_cast<uint32_t>(-3), 7,
                static_cast<uint32_t>(-21)},
               {ACALSIM_OP_DIV, static_cast<uint32_t>(-7), 2,
                static_cast<uint32_t>(-3)}};
  for (const Case &c : cases) {
    uint32_t status = operate(model, c.op, c.a, c.b);
    EXPECT_EQ(status & (ACALSIM_STATUS_READY | ACALSIM_STATUS_ERROR),
              ACALSIM_STATUS_READY);
    EXPECT_EQ(acalsim_model_read(&model, reg(ACALSIM_REG_RESULT)), c.result)
        << "op " << c.op << " a " << c.a << " b " << c.b;
  }
  EXPECT_EQ(model.operations, 8u);
  EXPECT_EQ(model.by_operation[ACALSIM_OP_ADD], 3u);
  EXPECT_EQ(model.by_operation[ACALSIM_OP_SUB], 2u);
}

TEST(ACALSimModel, BusyForLatencyStatusReadsThenReady) {
  acalsim_model model;
  acalsim_model_init(&model, 4);
  unsigned busy = 0;
  uint32_t status = operate(model, ACALSIM_OP_ADD, 1, 2, &busy);
  EXPECT_EQ(busy, 4u);
  EXPECT_EQ(status, ACALSIM_STATUS_READY);
  EXPECT_EQ(acalsim_model_read(&model, reg(ACALSIM_REG_RESULT)), 3u);
}

TEST(ACALSimModel, ErrorOnDivideByZeroAndBadOperation) {
  acalsim_model model;
  acalsim_model_init(&model, 1);
  EXPECT_EQ(operate(model, ACALSIM_OP_DIV, 1, 0), ACALSIM_STATUS_ERROR);
  EXPECT_EQ(operate(model, 9, 1, 1), ACALSIM_STATUS_ERROR);
  EXPECT_EQ(operate(model, ACALSIM_OP_DIV, 0x80000000u, 0xFFFFFFFFu),
            ACALSIM_STATUS_ERROR);
  EXPECT_EQ(model.errors, 3u);
  EXPECT_EQ(model.by_operation[4], 1u);
  EXPECT_EQ(operate(model, ACALSIM_OP_SUB, 1, 1), ACALSIM_STATUS_READY);
}

TEST(ACALSimModel, ResetClearsEveryRegister) {
  acalsim_model model;
  acalsim_model_init(&model, 0);
  operate(model, ACALSIM_OP_ADD, 20, 22);
  acalsim_model_write(&model, reg(ACALSIM_REG_PEER_DATA_OUT), 5);
  acalsim_model_write(&model, reg(ACALSIM_REG_CONTROL), ACALSIM_CONTROL_RESET);
  for (uint32_t offset = 0; offset <= ACALSIM_REG_PEER_DATA_IN; offset += 4)
    EXPECT_EQ(acalsim_model_read(&model, reg(offset)), 0u) << offset;
  EXPECT_EQ(model.resets, 1u);
}

TEST(ACALSimModel, PeerLoopbackAndEcho) {
  acalsim_model model;
  acalsim_model_init(&model, 2);
  acalsim_model_write(&model, reg(ACALSIM_REG_PEER_DATA_OUT), 0xABCDu);
  EXPECT_TRUE(acalsim_model_read(&model, reg(ACALSIM_REG_STATUS)) &
              ACALSIM_STATUS_PEER_READY);
  EXPECT_EQ(acalsim_model_read(&model, reg(ACALSIM_REG_PEER_DATA_IN)), 0xABCDu);
  EXPECT_FALSE(acalsim_model_read(&model, reg(ACALSIM_REG_STATUS)) &
               ACALSIM_STATUS_PEER_READY);

  acalsim_model_write(&model, ACALSIM_ECHO_BASE + ACALSIM_ECHO_DATA_IN, 77);
  EXPECT_EQ(acalsim_model_read(&model, ACALSIM_ECHO_BASE + ACALSIM_ECHO_STATUS),
            ACALSIM_ECHO_STATUS_BUSY);
  EXPECT_EQ(acalsim_model_read(&model, ACALSIM_ECHO_BASE + ACALSIM_ECHO_STATUS),
            ACALSIM_ECHO_STATUS_BUSY);
  EXPECT_EQ(acalsim_model_read(&model, ACALSIM_ECHO_BASE + ACALSIM_ECHO_STATUS),
            ACALSIM_ECHO_STATUS_DATA_READY);
  EXPECT_EQ(acalsim_model_read(&model, ACALSIM_ECHO_BASE + ACALSIM_ECHO_DATA_OUT),
            77u);
  EXPECT_EQ(acalsim_model_read(&model, ACALSIM_ECHO_BASE + ACALSIM_ECHO_STATUS), 0u);
  EXPECT_TRUE(acalsim_model_owns(ACALSIM_ECHO_BASE + ACALSIM_ECHO_CONTROL));
  EXPECT_FALSE(acalsim_model_owns(ACALSIM_COMPUTE_BASE + 0x20));
  EXPECT_FALSE(acalsim_model_owns(ACALSIM_COMPUTE_BASE + 2));
}

TEST_F(ACALSimLibraryTest, ComputeGoesThroughTheDevice) {
  uint32_t result = 0;
  EXPECT_EQ(acalsim_compute(ACALSIM_OP_ADD, 0xFFFFFFFFu, 2, &result), ACALSIM_OK);
  EXPECT_EQ(result, 1u);
  EXPECT_EQ(acalsim_compute(ACALSIM_OP_MUL, 6, 7, &result), ACALSIM_OK);
  EXPECT_EQ(result, 42u);
  EXPECT_EQ(acalsim_compute(ACALSIM_OP_DIV, 6, 0, &result), ACALSIM_ERR_DEVICE);
  EXPECT_EQ(model.operations, 3u);
  EXPECT_EQ(model.resets, 1u); // acalsim_run_begin
}

TEST_F(ACALSimLibraryTest, StuckBusyTimesOut) {
  model.stuck_busy_at = 1;
  uint32_t result = 0;
  EXPECT_EQ(acalsim_compute(ACALSIM_OP_ADD, 1, 1, &result), ACALSIM_ERR_TIMEOUT);
  EXPECT_STREQ(acalsim_status_message(ACALSIM_ERR_TIMEOUT),
               "device timeout (BUSY after the poll limit)");
}

TEST_F(ACALSimLibraryTest, PeerAndEcho) {
  acalsim_peer_send(123);
  uint32_t value = 0;
  EXPECT_EQ(acalsim_peer_receive(&value), ACALSIM_OK);
  EXPECT_EQ(value, 123u);
  EXPECT_EQ(acalsim_peer_receive(&value), ACALSIM_ERR_TIMEOUT);
  acalsim_echo_reset();
  EXPECT_EQ(acalsim_echo(0xFEEDu, &value), ACALSIM_OK);
  EXPECT_EQ(value, 0xFEEDu);
  EXPECT_EQ(model.echoes, 1u);
}

TEST(ACALSimQuantize, RoundsHalfAwayFromZero) {
  // absmax 127: s = 1, so q = round-half-away(x).
  float x[] = {127.0f, 0.5f, -0.5f, 1.49f, -2.5f, 2.4999998f, -127.0f, 0.0f};
  int8_t q[8];
  EXPECT_EQ(acalsim_quantize_row(x, 8, q), 127.0f);
  int8_t want[] = {127, 1, -1, 1, -3, 2, -127, 0};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(q[i], want[i]) << i;
}

/// y = x @ W, integer reference, for random trits packed by the packing
/// library; both offloads, and the device's operation count.
TEST_F(ACALSimLibraryTest, TernaryMatmulDeviceAndHostMatchTheReference) {
  const int64_t m = 3, k = 37, n = 5;
  std::mt19937 rng(11);
  std::vector<int8_t> x(m * k), trits(k * n);
  for (int8_t &v : x)
    v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  for (int8_t &t : trits)
    t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
  // One packed row of K trits per output column.
  size_t rowBytes = tri_row_bytes(TRI_ENCODING_OFFSET2, k);
  std::vector<uint8_t> packed(rowBytes * n);
  uint64_t nonzero = 0;
  for (int64_t column = 0; column < n; ++column) {
    std::vector<int8_t> row(k);
    for (int64_t i = 0; i < k; ++i) {
      row[i] = trits[i * n + column];
      nonzero += row[i] != 0;
    }
    ASSERT_EQ(tri_pack_row(TRI_ENCODING_OFFSET2, row.data(), k,
                           packed.data() + column * rowBytes, nullptr),
              TRI_OK);
  }
  std::vector<int32_t> bias = {5, -5, 100, 0, -1};
  std::vector<int32_t> device(m * n), host(m * n);
  acalsim_ternary_matmul_i8_i32(x.data(), packed.data(), bias.data(),
                                device.data(), m, k, n, ACALSIM_OFFLOAD_DEVICE);
  EXPECT_EQ(model.operations, nonzero * m);
  EXPECT_EQ(model.by_operation[ACALSIM_OP_MUL], 0u);
  acalsim_ternary_matmul_i8_i32(x.data(), packed.data(), bias.data(),
                                host.data(), m, k, n, ACALSIM_OFFLOAD_HOST);
  EXPECT_EQ(model.operations, nonzero * m);
  EXPECT_EQ(acalsim_run_end(), ACALSIM_OK);
  for (int64_t row = 0; row < m; ++row)
    for (int64_t column = 0; column < n; ++column) {
      int64_t sum = bias[column];
      for (int64_t i = 0; i < k; ++i)
        sum += int64_t(x[row * k + i]) * trits[i * n + column];
      EXPECT_EQ(device[row * n + column], sum);
      EXPECT_EQ(host[row * n + column], sum);
    }
}

TEST_F(ACALSimLibraryTest, AnErrorIsStickyAndStopsLaterKernels) {
  model.error_at = 2;
  const int64_t k = 4;
  uint8_t packed[1] = {0xAA}; // four +1 trits
  int8_t x[k] = {1, 2, 3, 4};
  int32_t y = -7;
  acalsim_ternary_matmul_i8_i32(x, packed, nullptr, &y, 1, k, 1,
                                ACALSIM_OFFLOAD_DEVICE);
  EXPECT_EQ(acalsim_run_status(), ACALSIM_ERR_DEVICE);
  EXPECT_EQ(y, -7); // not written
  uint64_t operations = model.operations;
  acalsim_ternary_matmul_i8_i32(x, packed, nullptr, &y, 1, k, 1,
                                ACALSIM_OFFLOAD_DEVICE);
  EXPECT_EQ(model.operations, operations);
  EXPECT_EQ(acalsim_run_end(), ACALSIM_ERR_DEVICE);
  acalsim_run_begin();
  EXPECT_EQ(acalsim_run_status(), ACALSIM_OK);
}

TEST_F(ACALSimLibraryTest, InvalidTritCodeIsRefused) {
  uint8_t packed[1] = {0xFF};
  int8_t x[4] = {1, 1, 1, 1};
  int32_t y = 0;
  acalsim_ternary_matmul_i8_i32(x, packed, nullptr, &y, 1, 4, 1,
                                ACALSIM_OFFLOAD_HOST);
  EXPECT_EQ(acalsim_run_end(), ACALSIM_ERR_WEIGHTS);
}

TEST_F(ACALSimLibraryTest, NonZeroPaddingIsRefused) {
  // K = 2: the byte's upper two codes are padding and must be 0b01 (zero).
  int8_t x[2] = {1, 1};
  int32_t y = 0;
  uint8_t good[1] = {0x5A}; // +1, +1, pad 0, pad 0
  acalsim_ternary_matmul_i8_i32(x, good, nullptr, &y, 1, 2, 1,
                                ACALSIM_OFFLOAD_HOST);
  EXPECT_EQ(acalsim_run_status(), ACALSIM_OK);
  EXPECT_EQ(y, 2);
  uint8_t bad[1] = {0x0A}; // +1, +1, pad -1, pad -1
  acalsim_ternary_matmul_i8_i32(x, bad, nullptr, &y, 1, 2, 1,
                                ACALSIM_OFFLOAD_HOST);
  EXPECT_EQ(acalsim_run_end(), ACALSIM_ERR_WEIGHTS);
}

TEST_F(ACALSimLibraryTest, NonFiniteRowIsRefused) {
  // A row holding inf or NaN has no int8 quantization: the run stops with
  // ACALSIM_ERR_ARGUMENT, nothing written, no device operation.
  uint8_t packed[1] = {0xAA}; // four +1 trits
  for (float bad : {INFINITY, -INFINITY, NAN}) {
    acalsim_run_begin();
    model.operations = 0;
    float x[4] = {1.0f, bad, 2.0f, 3.0f};
    float y = -7.0f;
    acalsim_ternary_matmul_f32(x, packed, nullptr, 0, nullptr, &y, 1, 4, 1,
                               ACALSIM_OFFLOAD_DEVICE);
    EXPECT_EQ(acalsim_run_end(), ACALSIM_ERR_ARGUMENT) << bad;
    EXPECT_EQ(y, -7.0f);
    EXPECT_EQ(model.operations, 0u);
  }
  EXPECT_STREQ(acalsim_status_message(ACALSIM_ERR_ARGUMENT),
               "invalid kernel argument");
}

} // namespace
