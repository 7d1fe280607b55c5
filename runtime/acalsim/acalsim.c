/*===- acalsim.c - The ACALSim compute device protocol library ------------===*
 *
 * See acalsim.h. Freestanding: the only dependency is ternary_packing.c (the
 * one definition of the packed format), for decoding weight rows.
 *===----------------------------------------------------------------------===*/
#include "acalsim.h"

#include "ternary_packing.h"

/* The longest K a kernel takes: the decoded row and the quantized
 * activations live in static buffers of this size. */
#ifndef ACALSIM_MAX_K
#define ACALSIM_MAX_K 65536
#endif

static acalsim_read_fn mmio_read;
static acalsim_write_fn mmio_write;
static void *mmio_context;
static int32_t run_status;
static int8_t decoded_row[ACALSIM_MAX_K];
static int8_t quantized_row[ACALSIM_MAX_K];

void acalsim_set_mmio(acalsim_read_fn read, acalsim_write_fn write,
                      void *context) {
  mmio_read = read;
  mmio_write = write;
  mmio_context = context;
}

uint32_t acalsim_read(uint32_t address) {
  if (mmio_read)
    return mmio_read(mmio_context, address);
  return *(volatile uint32_t *)(uintptr_t)address;
}

void acalsim_write(uint32_t address, uint32_t value) {
  if (mmio_write) {
    mmio_write(mmio_context, address, value);
    return;
  }
  *(volatile uint32_t *)(uintptr_t)address = value;
}

const char *acalsim_status_message(int32_t status) {
  switch (status) {
  case ACALSIM_OK:
    return "ok";
  case ACALSIM_ERR_DEVICE:
    return "device error (STATUS.ERROR)";
  case ACALSIM_ERR_TIMEOUT:
    return "device timeout (BUSY after the poll limit)";
  case ACALSIM_ERR_WEIGHTS:
    return "invalid packed weights";
  case ACALSIM_ERR_ARGUMENT:
    return "invalid kernel argument";
  }
  return "unknown status";
}

void acalsim_reset(void) {
  acalsim_write(ACALSIM_COMPUTE_BASE + ACALSIM_REG_CONTROL,
                ACALSIM_CONTROL_RESET);
}

void acalsim_set_operands(uint32_t a, uint32_t b) {
  acalsim_write(ACALSIM_COMPUTE_BASE + ACALSIM_REG_OPERAND_A, a);
  acalsim_write(ACALSIM_COMPUTE_BASE + ACALSIM_REG_OPERAND_B, b);
}

void acalsim_set_operation(uint32_t operation) {
  acalsim_write(ACALSIM_COMPUTE_BASE + ACALSIM_REG_OPERATION, operation);
}

void acalsim_trigger(void) {
  acalsim_write(ACALSIM_COMPUTE_BASE + ACALSIM_REG_CONTROL,
                ACALSIM_CONTROL_TRIGGER);
}

acalsim_status acalsim_wait(void) {
  for (uint32_t poll = 0; poll < ACALSIM_POLL_LIMIT; ++poll) {
    uint32_t status =
        acalsim_read(ACALSIM_COMPUTE_BASE + ACALSIM_REG_STATUS);
    if (status & ACALSIM_STATUS_ERROR)
      return ACALSIM_ERR_DEVICE;
    if (!(status & ACALSIM_STATUS_BUSY) && (status & ACALSIM_STATUS_READY))
      return ACALSIM_OK;
  }
  return ACALSIM_ERR_TIMEOUT;
}

uint32_t acalsim_result(void) {
  return acalsim_read(ACALSIM_COMPUTE_BASE + ACALSIM_REG_RESULT);
}

acalsim_status acalsim_compute(uint32_t operation, uint32_t a, uint32_t b,
                               uint32_t *result) {
  acalsim_set_operands(a, b);
  acalsim_set_operation(operation);
  acalsim_trigger();
  acalsim_status status = acalsim_wait();
  if (status != ACALSIM_OK)
    return status;
  *result = acalsim_result();
  return ACALSIM_OK;
}

void acalsim_peer_send(uint32_t value) {
  acalsim_write(ACALSIM_COMPUTE_BASE + ACALSIM_REG_PEER_DATA_OUT, value);
}

acalsim_status acalsim_peer_receive(uint32_t *value) {
  for (uint32_t poll = 0; poll < ACALSIM_POLL_LIMIT; ++poll)
    if (acalsim_read(ACALSIM_COMPUTE_BASE + ACALSIM_REG_STATUS) &
        ACALSIM_STATUS_PEER_READY) {
      *value = acalsim_read(ACALSIM_COMPUTE_BASE + ACALSIM_REG_PEER_DATA_IN);
      return ACALSIM_OK;
    }
  return ACALSIM_ERR_TIMEOUT;
}

void acalsim_echo_reset(void) {
  acalsim_write(ACALSIM_ECHO_BASE + ACALSIM_ECHO_CONTROL,
                ACALSIM_ECHO_CONTROL_RESET);
}

acalsim_status acalsim_echo(uint32_t value, uint32_t *echoed) {
  acalsim_write(ACALSIM_ECHO_BASE + ACALSIM_ECHO_DATA_IN, value);
  for (uint32_t poll = 0; poll < ACALSIM_POLL_LIMIT; ++poll) {
    uint32_t status = acalsim_read(ACALSIM_ECHO_BASE + ACALSIM_ECHO_STATUS);
    if (!(status & ACALSIM_ECHO_STATUS_BUSY) &&
        (status & ACALSIM_ECHO_STATUS_DATA_READY)) {
      *echoed = acalsim_read(ACALSIM_ECHO_BASE + ACALSIM_ECHO_DATA_OUT);
      return ACALSIM_OK;
    }
  }
  return ACALSIM_ERR_TIMEOUT;
}

void acalsim_run_begin(void) {
  run_status = ACALSIM_OK;
  acalsim_reset();
}

int32_t acalsim_run_end(void) { return run_status; }

int32_t acalsim_run_status(void) { return run_status; }

static void fail(acalsim_status status) {
  if (run_status == ACALSIM_OK)
    run_status = status;
}

float acalsim_quantize_row(const float *x, int64_t k, int8_t *q) {
  float absmax = 0.0f;
  int finite = 1;
  for (int64_t i = 0; i < k; ++i) {
    float a = x[i] < 0.0f ? -x[i] : x[i];
    if (!(a <= 3.40282347e+38f)) /* inf or NaN (a comparison with NaN is
                                    false: it must be tested for) */
      finite = 0;
    else if (a > absmax)
      absmax = a;
  }
  if (!finite) {
    fail(ACALSIM_ERR_ARGUMENT);
    absmax = 0.0f;
  }
  if (absmax == 0.0f) {
    for (int64_t i = 0; i < k; ++i)
      q[i] = 0;
    return 0.0f;
  }
  float s = 127.0f / absmax;
  for (int64_t i = 0; i < k; ++i) {
    float v = x[i] * s;
    /* Round half away from zero without libm: truncate, then look at the
     * (exact) fraction. */
    int32_t t = (int32_t)v;
    float fraction = v - (float)t;
    if (fraction >= 0.5f)
      ++t;
    else if (fraction <= -0.5f)
      --t;
    if (t > 127)
      t = 127;
    if (t < -127)
      t = -127;
    q[i] = (int8_t)t;
  }
  return absmax;
}

/* The trits of every byte value, and whether it is valid (no code 0b11):
 * made once by tri_unpack_row, so the packing library stays the one
 * definition of the format; decoding is then a table look-up per byte. */
static int8_t byte_trits[256][4];
static uint8_t byte_valid[256];
static int byte_tables_ready;

static void init_byte_tables(void) {
  for (unsigned value = 0; value < 256; ++value) {
    uint8_t byte = (uint8_t)value;
    byte_valid[value] = tri_unpack_row(TRI_ENCODING_OFFSET2, &byte, 4,
                                       byte_trits[value], 0) == TRI_OK;
  }
  byte_tables_ready = 1;
}

/* Decodes column `column` of W (one packed row of K trits) into
 * decoded_row; refuses invalid codes and non-zero padding. */
static int decode_column(const void *w, int64_t k, int64_t column) {
  if (!byte_tables_ready)
    init_byte_tables();
  size_t row_bytes = tri_row_bytes(TRI_ENCODING_OFFSET2, (size_t)k);
  const uint8_t *row = (const uint8_t *)w + (size_t)column * row_bytes;
  int64_t full = k / 4;
  for (int64_t i = 0; i < full; ++i) {
    uint8_t byte = row[i];
    if (!byte_valid[byte]) {
      fail(ACALSIM_ERR_WEIGHTS);
      return 0;
    }
    __builtin_memcpy(decoded_row + 4 * i, byte_trits[byte], 4);
  }
  /* The last, partial byte: tri_unpack_row checks its padding too. */
  if (k % 4 && tri_unpack_row(TRI_ENCODING_OFFSET2, row + full,
                              (size_t)(k % 4), decoded_row + 4 * full,
                              0) != TRI_OK) {
    fail(ACALSIM_ERR_WEIGHTS);
    return 0;
  }
  return 1;
}

/* sum_k q[k] * t[k] with adds and subtracts only: on the device (one
 * ADD/SUB per non-zero trit) or on the core. 32-bit wrap-around either
 * way. */
static int32_t ternary_dot(const int8_t *q, const int8_t *t, int64_t k,
                           int32_t offload) {
  uint32_t acc = 0;
  if (offload == ACALSIM_OFFLOAD_DEVICE) {
    for (int64_t i = 0; i < k; ++i) {
      if (t[i] == 0)
        continue;
      uint32_t result;
      acalsim_status status =
          acalsim_compute(t[i] > 0 ? ACALSIM_OP_ADD : ACALSIM_OP_SUB, acc,
                          (uint32_t)(int32_t)q[i], &result);
      if (status != ACALSIM_OK) {
        fail(status);
        return 0;
      }
      acc = result;
    }
    return (int32_t)acc;
  }
  for (int64_t i = 0; i < k; ++i) {
    if (t[i] > 0)
      acc += (uint32_t)(int32_t)q[i];
    else if (t[i] < 0)
      acc -= (uint32_t)(int32_t)q[i];
  }
  return (int32_t)acc;
}

static int check_shape(int64_t m, int64_t k, int64_t n) {
  if (m < 0 || n < 0 || k < 0 || k > ACALSIM_MAX_K) {
    fail(ACALSIM_ERR_ARGUMENT);
    return 0;
  }
  return run_status == ACALSIM_OK;
}

static float column_scale(const float *scale, int64_t scale_count,
                          int64_t column) {
  if (scale_count <= 0)
    return 1.0f;
  return scale[scale_count == 1 ? 0 : column];
}

void acalsim_ternary_matmul_f32(const float *x, const void *w,
                                const float *scale, int64_t scale_count,
                                const float *bias, float *y, int64_t m,
                                int64_t k, int64_t n, int32_t offload) {
  if (!check_shape(m, k, n))
    return;
  /* Tokens outer: each row is quantized once; the packed column is decoded
   * per token (decoding is cheap beside the device round trips). */
  for (int64_t row = 0; row < m; ++row) {
    float absmax = acalsim_quantize_row(x + row * k, k, quantized_row);
    if (run_status != ACALSIM_OK)
      return;
    float step = absmax / 127.0f;
    for (int64_t column = 0; column < n; ++column) {
      if (!decode_column(w, k, column))
        return;
      int32_t acc = ternary_dot(quantized_row, decoded_row, k, offload);
      if (run_status != ACALSIM_OK)
        return;
      float value = (float)acc * step;
      if (scale_count > 0)
        value = value * column_scale(scale, scale_count, column);
      if (bias)
        value = value + bias[column];
      y[row * n + column] = value;
    }
  }
}

void acalsim_ternary_matmul_i8_i32(const int8_t *x, const void *w,
                                   const int32_t *bias, int32_t *y, int64_t m,
                                   int64_t k, int64_t n, int32_t offload) {
  if (!check_shape(m, k, n))
    return;
  for (int64_t column = 0; column < n; ++column) {
    if (!decode_column(w, k, column))
      return;
    for (int64_t row = 0; row < m; ++row) {
      int32_t acc = ternary_dot(x + row * k, decoded_row, k, offload);
      if (run_status != ACALSIM_OK)
        return;
      y[row * n + column] =
          (int32_t)((uint32_t)acc + (bias ? (uint32_t)bias[column] : 0u));
    }
  }
}

void acalsim_ternary_matmul_i8_f32(const int8_t *x, const void *w,
                                   const float *scale, int64_t scale_count,
                                   const float *bias, float *y, int64_t m,
                                   int64_t k, int64_t n, int32_t offload) {
  if (!check_shape(m, k, n))
    return;
  for (int64_t column = 0; column < n; ++column) {
    if (!decode_column(w, k, column))
      return;
    for (int64_t row = 0; row < m; ++row) {
      int32_t acc = ternary_dot(x + row * k, decoded_row, k, offload);
      if (run_status != ACALSIM_OK)
        return;
      float value = (float)acc;
      if (scale_count > 0)
        value = value * column_scale(scale, scale_count, column);
      if (bias)
        value = value + bias[column];
      y[row * n + column] = value;
    }
  }
}
