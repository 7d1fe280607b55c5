/*===- acalsim_board.h - Console and exit of a --target=acalsim program -*- C -*-===*
 *
 * The board support the generated main uses: a console on the virt
 * machine's 16550 UART (0x10000000) and an exit through QEMU's test finisher
 * (0x100000). No stdio: a few print functions, so the console needs nothing
 * from the C library.
 *===----------------------------------------------------------------------===*/
#ifndef ACALSIM_BOARD_H
#define ACALSIM_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void acalsim_putc(char c);
void acalsim_puts(const char *s);
void acalsim_put_hex32(uint32_t value);
void acalsim_put_dec(int64_t value);
/* Instructions retired inside traps (start.S's entry and the handler). */
extern uint64_t acalsim_trap_instret;
/* minstret: instructions retired (QEMU: exact with -icount). */
uint64_t acalsim_instret(void);
/* Ends the run: QEMU exits with `code` (0: success). */
void acalsim_exit(int code) __attribute__((noreturn));
/* Called by start.S's trap entry with the saved registers (frame[i] = x_i);
 * weak: the board's reports the trap and exits with code 3. */
void acalsim_trap_handler(uint64_t *frame);

#ifdef __cplusplus
}
#endif

#endif /* ACALSIM_BOARD_H */
