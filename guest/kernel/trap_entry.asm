;G:200 guest/kernel/trap_entry.asm: how every trap, interrupt and system call
; enters pup, and how it leaves.
;
; Natively the CPU delivers through pup's IDT; under kennel the host does
; it by hand (H:500), except for "int $0x80" from ring 3, which the CPU
; delivers straight to pup's ring-1 handler through a trap gate the host
; copied into the real IDT (a "direct trap", H:435). Either way the frame
; on pup's kernel stack is the CPU's: eflags, cs, eip, an error code for
; vectors 8, 10-14, 17 and 21, and esp and ss first when the trap came from
; ring 3 (on the stack named by TSS.esp0 natively, KH_SET_STACK under
; kennel). The only difference is eflags.IF: under kennel it is the
; virtual flag the host pushed, kennel_data.irq_enabled.
;
; Every vector pup handles has a stub here: it pushes a zero where the CPU
; pushed no error code, then its vector, so every frame has one shape.
; Register contract at trap_common: the stack holds vector, error code,
; eip, cs, eflags [, esp, ss]; every general and segment register is the
; interrupted code's. trap_common saves them all (struct trap_frame,
; trap.h) and loads the kernel's data segment into ds and es. Which
; segment that is depends on the world (KERNEL_DS natively, GUEST_DS under
; kennel), but ss already holds it: a trap from ring 3 loaded it from the
; TSS, and one from the kernel found it there. Then trap_dispatch(frame),
; with the direction flag clear, as C expects. Next: G:210.

%include "pup_asm_offsets.inc"
%include "arch/x86/trap_entry.inc"	; the stubs and the frame (P:125)

	bits 32
	extern trap_dispatch
	extern kennel_data
	extern pv

	section .text
	TRAP_STUBS 64, trap_common
	global syscall_entry
syscall_entry:				; int $0x80: no error code
	push 0
	push PUP_SYSCALL_VECTOR
	jmp trap_common

trap_common:
	SAVE_TRAP_FRAME
	CALL_TRAP_DISPATCH ss

;G:210 The way out, shared by every trap, and by a new process's first
; return to ring 3 (G:350). Register contract at trap_return: esp points
; at a struct trap_frame. Everything is popped, then the last step is the
; table's: pv.iret. Natively that is iret itself. In ring 1 it is not
; enough, because iret there cannot change the real IF, and the flag pup
; must restore is the virtual one: so kennel_iret copies the IF bit of the
; eflags it is about to pop into kennel_data.irq_enabled, then irets.
; Between those two instructions the host must not deliver an interrupt,
; or the new frame would land on top of the one being popped, and an
; interrupt arriving there again and again would grow the stack without
; end: [noirq_start, noirq_end) names that window in the shared page, and
; the host holds interrupts back while eip is in it. The store goes
; through ss, because ds has already been restored and may be a ring-3
; selector by now; ss is still the kernel's own.
	global trap_return
trap_return:
	RESTORE_TRAP_FRAME
	jmp [pv + PV_IRET]

	global native_iret
native_iret:
	iret

	global kennel_iret
kennel_iret:
	push eax			; esp -> eax, eip, cs, eflags
	mov eax, [esp + 12]
	and eax, EFLAGS_IF
	global noirq_start
noirq_start:
	mov [ss:kennel_data + KD_IRQ_ENABLED], eax
	pop eax
	iret
	global noirq_end
noirq_end:

; The stubs' addresses, for the gates traps.c builds.
	section .rodata
	TRAP_STUB_TABLE 64

section .note.GNU-stack noalloc noexec nowrite progbits
