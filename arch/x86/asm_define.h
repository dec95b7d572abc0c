/* arch/x86/asm_define.h: DEFINE(NAME, value), the one macro behind every
 * generated nasm header (P:020, P:300). In a file compiled with -S, it
 * leaves the line "->NAME value" in the assembly text, which the build
 * turns into "%define NAME value". value must be a compile-time constant. */
#ifndef ARCH_X86_ASM_DEFINE_H
#define ARCH_X86_ASM_DEFINE_H

#define DEFINE(name, value) \
	asm volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

#endif
