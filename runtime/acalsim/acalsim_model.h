/*===- acalsim_model.h - A C model of the ACALSim devices ---------*- C -*-===*
 *
 * The compute device (0x10300000) and the echo device (0x10200000),
 * register by register, as docs/targets/acalsim.md describes them. One
 * source for two users: the QEMU test harness's machine-mode trap handler
 * (qemu/acalsim_harness.c), which turns the access faults of generated code
 * into calls of acalsim_model_read/write, and the host unit tests of the
 * protocol library (unittests/Runtime/ACALSimTest.cpp).
 *
 * Behaviour: TRIGGER makes STATUS BUSY for `latency` reads of STATUS, then
 * READY with RESULT = A op B (32-bit wrap-around; DIV is signed, truncating)
 * or ERROR (DIV by zero, OPERATION > 3). RESET clears every register.
 * PEER_DATA_OUT loops back to PEER_DATA_IN and sets PEER_READY; reading
 * PEER_DATA_IN clears it. Echo: a write of DATA_IN is BUSY for `latency`
 * STATUS reads, then DATA_READY with DATA_OUT = DATA_IN; reading DATA_OUT
 * clears DATA_READY.
 *
 * Faults for tests: `error_at` > 0 makes the error_at-th operation end in
 * ERROR; `stuck_busy_at` > 0 makes that operation BUSY forever.
 *
 * Freestanding C99, no allocation.
 *===----------------------------------------------------------------------===*/
#ifndef ACALSIM_MODEL_H
#define ACALSIM_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acalsim_model {
  /* compute device registers */
  uint32_t operand_a, operand_b, operation, result, status, peer_in;
  /* STATUS reads left while BUSY (compute, echo) */
  uint32_t busy_left, echo_busy_left;
  /* echo device registers */
  uint32_t echo_in, echo_out, echo_status;
  /* configuration */
  uint32_t latency;
  uint64_t error_at, stuck_busy_at;
  /* counters: triggered operations, by operation (index 4: bad op) */
  uint64_t operations, by_operation[5], errors, resets, peer_messages,
      echoes, accesses;
} acalsim_model;

/* A model in the reset state with `latency` BUSY polls per operation. */
void acalsim_model_init(acalsim_model *model, uint32_t latency);

/* Is `address` a register of either device (word-aligned, in range)? */
int acalsim_model_owns(uint32_t address);

/* A 32-bit register read / write at an absolute address. Unknown offsets
 * read 0 and ignore writes. */
uint32_t acalsim_model_read(acalsim_model *model, uint32_t address);
void acalsim_model_write(acalsim_model *model, uint32_t address,
                         uint32_t value);

#ifdef __cplusplus
}
#endif

#endif /* ACALSIM_MODEL_H */
