/*===- acalsim_harness.c - QEMU test harness: the ACALSim devices in a trap handler ===*
 *
 * Test harness code, linked into a --target=acalsim program only for runs
 * on `qemu-system-riscv64 -machine virt -bios none`, which has no ACALSim
 * devices: loads and stores to 0x10300000 / 0x10200000 raise access faults
 * (mcause 5 / 7, mtval = the address). This machine-mode trap handler
 * decodes the faulting load or store (RV64 LW/LWU/LD/SW/SD and the
 * compressed C.LW/C.LD/C.SW/C.SD), performs it on the device model
 * (../acalsim_model.c, the same source the host unit tests use), writes the
 * loaded value into the destination register and resumes after the
 * instruction. The generated code runs unchanged.
 *
 * At exit it prints the model's counters on one line, which tests read:
 *   acalsim-device: operations=N add=N sub=N mul=N div=N bad=N errors=N
 *   resets=N peer=N echo=N instret=N harness_instret=N
 * (instret: minstret at exit, instructions retired under `-icount`;
 * harness_instret: those retired in traps, i.e. emulating the devices:
 * start.S counts them)
 * then ends the run through the test finisher.
 *
 * Configuration (-D): ACALSIM_HARNESS_LATENCY (BUSY polls per operation,
 * default 3), ACALSIM_HARNESS_ERROR_AT (the n-th operation ends in ERROR),
 * ACALSIM_HARNESS_STUCK_AT (the n-th operation stays BUSY).
 *===----------------------------------------------------------------------===*/
#include "acalsim_board.h"
#include "acalsim_model.h"

#ifndef ACALSIM_HARNESS_LATENCY
#define ACALSIM_HARNESS_LATENCY 3
#endif
#ifndef ACALSIM_HARNESS_ERROR_AT
#define ACALSIM_HARNESS_ERROR_AT 0
#endif
#ifndef ACALSIM_HARNESS_STUCK_AT
#define ACALSIM_HARNESS_STUCK_AT 0
#endif

static acalsim_model model;
static int model_ready;


static acalsim_model *get_model(void) {
  if (!model_ready) {
    acalsim_model_init(&model, ACALSIM_HARNESS_LATENCY);
    model.error_at = ACALSIM_HARNESS_ERROR_AT;
    model.stuck_busy_at = ACALSIM_HARNESS_STUCK_AT;
    model_ready = 1;
  }
  return &model;
}

static void put_counter(const char *name, uint64_t value) {
  acalsim_puts(name);
  acalsim_put_dec((int64_t)value);
}

void acalsim_exit(int code) {
  acalsim_model *m = get_model();
  put_counter("acalsim-device: operations=", m->operations);
  put_counter(" add=", m->by_operation[0]);
  put_counter(" sub=", m->by_operation[1]);
  put_counter(" mul=", m->by_operation[2]);
  put_counter(" div=", m->by_operation[3]);
  put_counter(" bad=", m->by_operation[4]);
  put_counter(" errors=", m->errors);
  put_counter(" resets=", m->resets);
  put_counter(" peer=", m->peer_messages);
  put_counter(" echo=", m->echoes);
  put_counter(" instret=", acalsim_instret());
  put_counter(" harness_instret=", acalsim_trap_instret);
  acalsim_puts("\n");
  volatile uint32_t *finisher = (volatile uint32_t *)(uintptr_t)0x100000u;
  *finisher = code == 0 ? 0x5555u : (((uint32_t)code & 0xffffu) << 16) | 0x3333u;
  for (;;)
    ;
}

static void unhandled(uint64_t cause, uint64_t epc, uint64_t tval) {
  acalsim_puts("acalsim-harness: unhandled trap mcause=");
  acalsim_put_dec((int64_t)cause);
  acalsim_puts(" mepc=0x");
  acalsim_put_hex32((uint32_t)epc);
  acalsim_puts(" mtval=0x");
  acalsim_put_hex32((uint32_t)tval);
  acalsim_puts("\n");
  acalsim_exit(4);
}

/* What the faulting instruction does: its length, whether it loads, the
 * register it reads or writes, its width in bytes and (loads) whether it
 * sign-extends. Returns 0 for an instruction the harness does not take. */
typedef struct access {
  unsigned length, load, reg, width, sign;
} access;

static int decode(uint32_t insn, access *a) {
  if ((insn & 3u) == 3u) {
    uint32_t opcode = insn & 0x7fu, funct3 = (insn >> 12) & 7u;
    a->length = 4;
    if (opcode == 0x03u) { /* LOAD */
      static const unsigned widths[8] = {1, 2, 4, 8, 1, 2, 4, 0};
      a->load = 1;
      a->reg = (insn >> 7) & 31u;
      a->width = widths[funct3];
      a->sign = funct3 < 4;
      return a->width != 0;
    }
    if (opcode == 0x23u && funct3 < 4) { /* STORE */
      a->load = 0;
      a->reg = (insn >> 20) & 31u;
      a->width = 1u << funct3;
      a->sign = 0;
      return 1;
    }
    return 0;
  }
  uint32_t quadrant = insn & 3u, funct3 = (insn >> 13) & 7u;
  a->length = 2;
  a->reg = 8u + ((insn >> 2) & 7u);
  a->sign = 1;
  if (quadrant != 0)
    return 0;
  switch (funct3) {
  case 2: /* C.LW */
    a->load = 1, a->width = 4;
    return 1;
  case 3: /* C.LD */
    a->load = 1, a->width = 8;
    return 1;
  case 6: /* C.SW */
    a->load = 0, a->width = 4;
    return 1;
  case 7: /* C.SD */
    a->load = 0, a->width = 8;
    return 1;
  default:
    return 0;
  }
}

void acalsim_trap_handler(uint64_t *frame) {
  uint64_t cause, epc, tval;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  __asm__ volatile("csrr %0, mepc" : "=r"(epc));
  __asm__ volatile("csrr %0, mtval" : "=r"(tval));
  if ((cause != 5 && cause != 7) || !acalsim_model_owns((uint32_t)tval) ||
      (tval >> 32) != 0)
    unhandled(cause, epc, tval);
  /* mepc may be 2-byte aligned (compressed code): read halfwords. */
  const volatile uint16_t *pc = (const volatile uint16_t *)(uintptr_t)epc;
  uint32_t insn = pc[0];
  if ((insn & 3u) == 3u)
    insn |= (uint32_t)pc[1] << 16;
  access a;
  if (!decode(insn, &a) || a.width != 4 || a.load != (cause == 5))
    unhandled(cause, epc, tval);
  acalsim_model *m = get_model();
  if (a.load) {
    uint32_t value = acalsim_model_read(m, (uint32_t)tval);
    if (a.reg != 0)
      frame[a.reg] = a.sign ? (uint64_t)(int64_t)(int32_t)value
                            : (uint64_t)value;
  } else {
    acalsim_model_write(m, (uint32_t)tval, (uint32_t)frame[a.reg]);
  }
  epc += a.length;
  __asm__ volatile("csrw mepc, %0" : : "r"(epc));
}
