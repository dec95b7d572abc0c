;B:210 host/kernel/entry.asm: the door into the host kernel from an interrupt,
; an exception or a system call.
;
; Every vector gets a tiny stub that makes the stack look the same: if the
; CPU did not push an error code for this vector, the stub pushes a zero;
; then it pushes the vector number and jumps to trap_common. trap_common
; saves the data segments and general registers (struct trap_frame in
; host/kernel/trap.h), switches to the kernel's data segments, and calls
; trap_dispatch(frame). On return it restores everything and irets.
;
; Register contract: at a stub, the stack holds the CPU's frame (and its
; error code for vectors 8, 10-14, 17, 21). At trap_dispatch: one argument,
; the frame pointer; ds = es = KERNEL_DS. On the way out eax..edi and the
; segment registers are reloaded from the frame, so C code changes the
; interrupted context by editing the frame.
;
; Next: host/kernel/traps.c (B:220), which decides what each vector means.

%include "kernel_asm_offsets.inc"
%include "arch/x86/trap_entry.inc"	; the stubs and the frame (P:125)

section .text
	TRAP_STUBS 256, trap_common

extern trap_dispatch
global trap_common
trap_common:
	SAVE_TRAP_FRAME
	CALL_TRAP_DISPATCH KERNEL_DS
global trap_return
trap_return:
	RESTORE_TRAP_FRAME
	iret

; The table of stub addresses that traps_init() turns into IDT gates.
section .rodata
	TRAP_STUB_TABLE 256

section .note.GNU-stack noalloc noexec nowrite progbits
