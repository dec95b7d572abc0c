/*T:800 arch/x86/bench_mark.h: the marker instructions around a timed round.
 *
 * The benchmarks (pup's /bin/bench, G:730, and the bench test guest,
 * T:820) time each round of an operation with rdtsc. For `make profile`
 * (T:850) they also bracket the round with two marker instructions that
 * the project's QEMU plugin recognises by their bytes: a long nop,
 * "nopl disp32(%eax)" (0f 1f 80 and four bytes of displacement), whose
 * displacement carries a magic number, whether the round begins or ends,
 * and which operation it is. A nop changes nothing in any ring, costs one
 * instruction, and sits inside the rdtsc brackets of the empty loop too,
 * so the loop overhead that the benchmarks subtract includes it. Next:
 * the bench test guest, T:820 (pup's side is G:730). */
#ifndef ARCH_X86_BENCH_MARK_H
#define ARCH_X86_BENCH_MARK_H

#define BENCH_MARK_MAGIC	0x4b4e0000u	/* "KN" in the top half */
#define BENCH_MARK_END		0x00008000u	/* set: the round ends */
#define BENCH_MARK_OP_MASK	0x00007fffu	/* the operation's number */
#define BENCH_MARK_OPCODE	"\x0f\x1f\x80"	/* nopl disp32(%eax) */

#define bench_mark(word) asm volatile("nopl %c0(%%eax)" : : "i"(word) : "memory")
#define bench_mark_begin(op)	bench_mark(BENCH_MARK_MAGIC | (op))
#define bench_mark_end(op)	bench_mark(BENCH_MARK_MAGIC | BENCH_MARK_END | (op))

#endif
