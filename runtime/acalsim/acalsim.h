/*===- acalsim.h - The ACALSim compute device protocol library ----*- C -*-===*
 *
 * What generated code for --target=acalsim calls: the register protocol of
 * the ACALSim compute device (0x10300000) and echo device (0x10200000), and
 * the ternary matmul kernels that run their accumulation on the device
 * (docs/targets/acalsim.md).
 *
 * Freestanding C99: no malloc, no threads, no stdio; static state only (one
 * core, one device). The same source builds for riscv64 bare metal (the
 * generated directory copies it) and for the host (unit tests against the
 * device model, acalsim_model.h, through acalsim_set_mmio).
 *
 * Errors never print wrong numbers: a kernel that sees the device's ERROR
 * bit or a poll timeout records a sticky status and stops; later kernels do
 * nothing; the generated entry returns acalsim_run_end()'s status.
 *===----------------------------------------------------------------------===*/
#ifndef ACALSIM_H
#define ACALSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Register map (docs/targets/acalsim.md). */
#define ACALSIM_COMPUTE_BASE 0x10300000u
#define ACALSIM_ECHO_BASE 0x10200000u

#define ACALSIM_REG_OPERAND_A 0x00u
#define ACALSIM_REG_OPERAND_B 0x04u
#define ACALSIM_REG_OPERATION 0x08u
#define ACALSIM_REG_RESULT 0x0Cu
#define ACALSIM_REG_STATUS 0x10u
#define ACALSIM_REG_CONTROL 0x14u
#define ACALSIM_REG_PEER_DATA_OUT 0x18u
#define ACALSIM_REG_PEER_DATA_IN 0x1Cu

#define ACALSIM_OP_ADD 0u
#define ACALSIM_OP_SUB 1u
#define ACALSIM_OP_MUL 2u
#define ACALSIM_OP_DIV 3u

#define ACALSIM_STATUS_BUSY 0x1u
#define ACALSIM_STATUS_READY 0x2u
#define ACALSIM_STATUS_ERROR 0x4u
#define ACALSIM_STATUS_PEER_READY 0x8u

#define ACALSIM_CONTROL_RESET 0x1u
#define ACALSIM_CONTROL_TRIGGER 0x2u

#define ACALSIM_ECHO_DATA_IN 0x00u
#define ACALSIM_ECHO_DATA_OUT 0x04u
#define ACALSIM_ECHO_STATUS 0x08u
#define ACALSIM_ECHO_CONTROL 0x0Cu
#define ACALSIM_ECHO_STATUS_BUSY 0x1u
#define ACALSIM_ECHO_STATUS_DATA_READY 0x2u
#define ACALSIM_ECHO_CONTROL_RESET 0x1u

/* Polls of STATUS before a wait gives up (ACALSIM_ERR_TIMEOUT). */
#ifndef ACALSIM_POLL_LIMIT
#define ACALSIM_POLL_LIMIT 100000u
#endif

typedef enum acalsim_status {
  ACALSIM_OK = 0,
  ACALSIM_ERR_DEVICE = 1,   /* STATUS.ERROR after TRIGGER (div by 0, bad op) */
  ACALSIM_ERR_TIMEOUT = 2,  /* BUSY for ACALSIM_POLL_LIMIT polls */
  ACALSIM_ERR_WEIGHTS = 3,  /* an invalid packed trit code (0b11) or padding */
  ACALSIM_ERR_ARGUMENT = 4  /* a shape the kernels do not take, or an f32
                               row holding inf or NaN (not quantizable) */
} acalsim_status;

/* A short message for a status ("device error", ...). */
const char *acalsim_status_message(int32_t status);

/* Host builds only: route register accesses to functions (the device model
 * in unit tests) instead of the physical addresses. Null restores MMIO. */
typedef uint32_t (*acalsim_read_fn)(void *context, uint32_t address);
typedef void (*acalsim_write_fn)(void *context, uint32_t address,
                                 uint32_t value);
void acalsim_set_mmio(acalsim_read_fn read, acalsim_write_fn write,
                      void *context);

/* Raw 32-bit register access (address = base + offset). */
uint32_t acalsim_read(uint32_t address);
void acalsim_write(uint32_t address, uint32_t value);

/* The compute device, one step each. */
void acalsim_reset(void);
void acalsim_set_operands(uint32_t a, uint32_t b);
void acalsim_set_operation(uint32_t operation);
void acalsim_trigger(void);
/* Polls STATUS until READY (ACALSIM_OK) or ERROR (ACALSIM_ERR_DEVICE), at
 * most ACALSIM_POLL_LIMIT times (ACALSIM_ERR_TIMEOUT). */
acalsim_status acalsim_wait(void);
uint32_t acalsim_result(void);
/* One whole operation: operands, operation, trigger, wait, result. */
acalsim_status acalsim_compute(uint32_t operation, uint32_t a, uint32_t b,
                               uint32_t *result);

/* The peer link. */
void acalsim_peer_send(uint32_t value);
/* Waits for PEER_READY (bounded), then reads PEER_DATA_IN. */
acalsim_status acalsim_peer_receive(uint32_t *value);

/* The echo device: writes DATA_IN, waits for DATA_READY, reads DATA_OUT. */
void acalsim_echo_reset(void);
acalsim_status acalsim_echo(uint32_t value, uint32_t *echoed);

/* The sticky status of a run: acalsim_run_begin resets the device and
 * clears it; the first failing kernel sets it; acalsim_run_end returns it. */
void acalsim_run_begin(void);
int32_t acalsim_run_end(void);
int32_t acalsim_run_status(void);

/* Where ternary matmuls accumulate. */
typedef enum acalsim_offload {
  ACALSIM_OFFLOAD_HOST = 0,   /* RISC-V integer adds/subs on the core */
  ACALSIM_OFFLOAD_DEVICE = 1  /* one device ADD/SUB per non-zero trit */
} acalsim_offload;

/* y[M][N] = x[M][K] @ W[K][N] with W packed offset2 along K (one row of
 * ceil(K/4) bytes per output column, ternary_packing.h).
 *
 * f32: each row of x is quantized to int8 (absmax per row: s = 127/max|x|,
 * q = x*s rounded half away from zero), accumulated exactly in int32,
 * then y = acc * (max|x|/127) [* scale] [+ bias] in f32.
 * i8: accumulated in int32; the i32 form adds an i32 bias, the f32 form
 * converts and applies scale and bias.
 * `scale` has `scale_count` elements (0: none, 1: per tensor, N: per
 * column); `bias` is null or N elements. */
void acalsim_ternary_matmul_f32(const float *x, const void *w,
                                const float *scale, int64_t scale_count,
                                const float *bias, float *y, int64_t m,
                                int64_t k, int64_t n, int32_t offload);
void acalsim_ternary_matmul_i8_i32(const int8_t *x, const void *w,
                                   const int32_t *bias, int32_t *y, int64_t m,
                                   int64_t k, int64_t n, int32_t offload);
void acalsim_ternary_matmul_i8_f32(const int8_t *x, const void *w,
                                   const float *scale, int64_t scale_count,
                                   const float *bias, float *y, int64_t m,
                                   int64_t k, int64_t n, int32_t offload);

/* The int8 quantization of one f32 row (what the f32 kernel does): writes
 * q[k], returns max|x|. A row holding inf or NaN records
 * ACALSIM_ERR_ARGUMENT and gives zeros. Exposed for tests. */
float acalsim_quantize_row(const float *x, int64_t k, int8_t *q);

#ifdef __cplusplus
}
#endif

#endif /* ACALSIM_H */
