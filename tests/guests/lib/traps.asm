;T:350 tests/guests/lib/traps.asm: how a trap or an interrupt enters
; a test guest, and how the guest returns from it.
;
; The host delivers a trap the way the CPU would for an interrupt at the
; same privilege (H:500): on the guest's ring-1 stack it pushes eflags
; (whose IF is the virtual flag, kennel_data.irq_enabled), cs and eip, and
; an error code for vectors 8, 10-14, 17 and 21; if the guest was in
; ring 3 it first switches to the KH_SET_STACK stack and pushes ss and
; esp. Then it jumps to the gate's handler with cs = GUEST_CS.
;
; Every vector has a stub here, so every frame looks the same: a stub
; pushes a zero where the host pushed no error code, then its vector, and
; jumps to trap_entry. Register contract at trap_entry: the stack holds
; vector, error code, eip, cs, eflags [, esp, ss]; every general and
; segment register is the interrupted code's. trap_entry saves them all
; (struct trap_frame in guest.h), loads GUEST_DS into ds and es, and calls
; trap_dispatch(frame) with the direction flag clear, as C expects. C may
; change the interrupted context by editing the frame; it may also never
; return (catch.c jumps back to where a probe was started).
;
; The way out is the part a paravirtual guest must get right. "iret" in
; ring 1 cannot change the real IF, so the return path sets the virtual
; flag from the IF bit of the eflags it is about to pop, and then irets.
; Between those two instructions an interrupt must not be delivered, or
; its frame would land on the one being popped; the shared page's
; noirq_start and noirq_end name that window (runtime.c registers it),
; and the host never delivers while eip is inside it. The store goes
; through ss: ds has already been restored, and might be a ring-3
; selector; ss is still the guest's own. Next: the dispatcher, T:360.

%include "guest_abi.inc"
%include "arch/x86/trap_entry.inc"	; the stubs and the frame (P:125)

	bits 32
	extern trap_dispatch
	extern kennel_data

	section .text
	TRAP_STUBS 256, trap_entry

trap_entry:
	SAVE_TRAP_FRAME
	CALL_TRAP_DISPATCH GUEST_DS
	RESTORE_TRAP_FRAME
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

;T:355 Into ring 3 and back. enter_ring3(fn, arg, stack_top) never
; returns: it builds the frame an iret to ring 3 pops (ss = USER_DS, esp,
; eflags with IF, cs = USER_CS, eip = ring3_trampoline), puts arg on the
; ring-3 stack and fn in eax, and loads USER_DS into the data segments,
; since an iret to ring 3 would empty any segment register holding the
; ring-1 GUEST_DS. Register contract at ring3_trampoline (ring 3): eax =
; fn, [esp] = arg. It calls fn(arg) and raises RING3_EXIT_VECTOR with
; fn's result in eax; catch.c takes it from there, as from any other trap
; (T:370). A ring-3 function that traps never gets to the "int".

	global enter_ring3
enter_ring3:
	mov eax, [esp + 4]		; fn
	mov ecx, [esp + 8]		; arg
	mov edx, [esp + 12]		; the top of the ring-3 stack
	sub edx, 4
	mov [edx], ecx			; fn's argument, on the ring-3 stack
	mov cx, USER_DS
	mov ds, cx
	mov es, cx
	mov fs, cx
	mov gs, cx
	push USER_DS			; ss
	push edx			; esp
	push EFLAGS_IF | EFLAGS_RESERVED
	push USER_CS
	push ring3_trampoline
	iret

	global ring3_trampoline
ring3_trampoline:
	call eax
	int RING3_EXIT_VECTOR
.unreachable:
	ud2				; catch.c never returns here
	jmp .unreachable

; The table of stub addresses that set_gate() puts into gates.
	section .rodata
	TRAP_STUB_TABLE 256

section .note.GNU-stack noalloc noexec nowrite progbits
