/*===- start.S - Start-up code of a --target=acalsim program --------------===*
 *
 * Machine mode on `qemu-system-riscv64 -machine virt -bios none` (or any
 * rv64gc board with RAM at the linker script's origin): one hart runs, the
 * others park. Sets sp, gp and tp (the TLS block of the linker script),
 * zeroes .tbss/.bss, turns the FPU on, installs the trap entry, calls main
 * and passes its result to acalsim_exit (acalsim_board.c).
 *
 * The trap entry saves x1..x31 in a frame on the stack and calls
 * acalsim_trap_handler(frame) (frame[i] = x_i), which may change registers
 * and mepc; then it restores them and returns with mret, adding the
 * instructions retired in the trap (minstret: exact under QEMU's -icount) to
 * acalsim_trap_instret. The board's handler
 * reports the trap and exits; the QEMU test harness links a handler that
 * emulates the devices instead.
 *===----------------------------------------------------------------------===*/
  .section .text.start, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, __stack_top
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la tp, __tls_base
  la t0, __zero_start
  la t1, __zero_end
1:                          /* both ends 16-byte aligned (acalsim.ld) */
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  li t0, (1 << 13)          /* mstatus.FS = initial: FP instructions on */
  csrs mstatus, t0
  csrw fcsr, zero
  la t0, acalsim_trap_entry
  csrw mtvec, t0
  call main
  call acalsim_exit
park:
  wfi
  j park

  .text
  .balign 4
  .globl acalsim_trap_entry
acalsim_trap_entry:
  csrw mscratch, t0
  csrr t0, minstret
  addi sp, sp, -272
  sd t0, 256(sp)            /* minstret at entry */
  csrr t0, mscratch
  sd x1, 8(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  sd x5, 40(sp)
  sd x6, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  addi t0, sp, 272
  sd t0, 16(sp)             /* the interrupted sp */
  sd zero, 0(sp)            /* x0 */
  mv a0, sp
  call acalsim_trap_handler
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  /* acalsim_trap_instret += instructions retired since the entry (plus
   * the 2 before and the 11 after the two reads of minstret). */
  ld t0, 256(sp)
  csrr t1, minstret
  sub t1, t1, t0
  addi t1, t1, 13
  la t0, acalsim_trap_instret
  ld t2, 0(t0)
  add t2, t2, t1
  sd t2, 0(t0)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  addi sp, sp, 272
  mret

  .bss
  .balign 8
  .globl acalsim_trap_instret
acalsim_trap_instret:
  .zero 8
