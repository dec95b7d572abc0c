;B:210 host/entry.asm: the door into the host kernel from an interrupt,
; an exception or a system call.
;
; Every vector gets a tiny stub that makes the stack look the same: if the
; CPU did not push an error code for this vector, the stub pushes a zero;
; then it pushes the vector number and jumps to trap_common. trap_common
; saves the data segments and general registers (struct trap_frame in
; host/trap.h), switches to the kernel's data segments, and calls
; trap_dispatch(frame). On return it restores everything and irets.
;
; Register contract: at a stub, the stack holds the CPU's frame (and its
; error code for vectors 8, 10-14, 17, 21). At trap_dispatch: one argument,
; the frame pointer; ds = es = KERNEL_DS. On the way out eax..edi and the
; segment registers are reloaded from the frame, so C code changes the
; interrupted context by editing the frame.
;
; Next: host/traps.c (B:220), which decides what each vector means.

%include "asm_offsets.inc"

%macro TRAP_STUB 1
trap_stub_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21
	; the CPU pushed an error code
%else
	push 0				; fake error code
%endif
	push %1
	jmp trap_common
%endmacro

section .text
%assign v 0
%rep 256
	TRAP_STUB v
%assign v v+1
%endrep

extern trap_dispatch
global trap_common
trap_common:
	push ds
	push es
	push fs
	push gs
	pusha
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
	cld
	push esp			; struct trap_frame *
	call trap_dispatch
	add esp, 4
global trap_return
trap_return:
	popa
	pop gs
	pop fs
	pop es
	pop ds
	add esp, 8			; vector and error code
	iret

; The table of stub addresses that traps_init() turns into IDT gates.
section .rodata
global trap_stubs
trap_stubs:
%assign v 0
%rep 256
	dd trap_stub_%+v
%assign v v+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
