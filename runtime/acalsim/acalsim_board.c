/*===- acalsim_board.c - Console and exit of a --target=acalsim program ---===*
 *
 * See acalsim_board.h. acalsim_exit and acalsim_trap_handler are weak: the
 * QEMU test harness (runtime/acalsim/qemu/) replaces them to report its
 * device counters and to emulate the devices.
 *===----------------------------------------------------------------------===*/
#include "acalsim_board.h"

#define UART_BASE 0x10000000u
#define UART_LSR 5u
#define UART_LSR_THRE 0x20u
#define FINISHER_BASE 0x100000u
#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

void acalsim_putc(char c) {
  volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)UART_BASE;
  while (!(uart[UART_LSR] & UART_LSR_THRE))
    ;
  uart[0] = (uint8_t)c;
}

void acalsim_puts(const char *s) {
  while (*s)
    acalsim_putc(*s++);
}

void acalsim_put_hex32(uint32_t value) {
  static const char digits[] = "0123456789abcdef";
  for (int shift = 28; shift >= 0; shift -= 4)
    acalsim_putc(digits[(value >> shift) & 0xfu]);
}

void acalsim_put_dec(int64_t value) {
  char buffer[24];
  int length = 0;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value
                                 : (uint64_t)value;
  do {
    buffer[length++] = (char)('0' + magnitude % 10u);
    magnitude /= 10u;
  } while (magnitude);
  if (value < 0)
    acalsim_putc('-');
  while (length)
    acalsim_putc(buffer[--length]);
}

uint64_t acalsim_instret(void) {
  uint64_t value;
  __asm__ volatile("csrr %0, minstret" : "=r"(value));
  return value;
}

__attribute__((weak, noreturn)) void acalsim_exit(int code) {
  volatile uint32_t *finisher = (volatile uint32_t *)(uintptr_t)FINISHER_BASE;
  *finisher = code == 0 ? FINISHER_PASS
                        : (((uint32_t)code & 0xffffu) << 16) | FINISHER_FAIL;
  for (;;)
    ;
}

__attribute__((weak)) void acalsim_trap_handler(uint64_t *frame) {
  uint64_t cause, epc, tval;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  __asm__ volatile("csrr %0, mepc" : "=r"(epc));
  __asm__ volatile("csrr %0, mtval" : "=r"(tval));
  (void)frame;
  acalsim_puts("acalsim: unexpected trap mcause=");
  acalsim_put_dec((int64_t)cause);
  acalsim_puts(" mepc=0x");
  acalsim_put_hex32((uint32_t)epc);
  acalsim_puts(" mtval=0x");
  acalsim_put_hex32((uint32_t)tval);
  acalsim_puts("\n");
  acalsim_exit(3);
}
