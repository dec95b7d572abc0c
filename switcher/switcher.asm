;S:100 switcher/switcher.asm: the code that swaps the CPU between the host
; and a guest. It is linked at 0xFFC00000 (host/kernel/kernel.ld), the one address
; mapped in the host and in every guest page directory, because for a few
; instructions in each direction the CPU runs on one world's page tables
; with the other world's registers. Everything it needs while the guest's
; CR3 is loaded is in the Switcher's own pages: its text, the regs page
; (the guest's registers) and the state page (struct switcher_state).
;
; Two ways through:
;   switch_to_guest   host -> guest, called by switcher_run (host/switcher.c)
;   the 256 stubs     guest -> host, one per vector, via the guest's IDT
;
; Register contract of switch_to_guest: the caller did "pushf; lcall" with
; interrupts off, so the host stack holds eflags, cs and eip: the very shape
; of an interrupt frame, which is why the way back ends in iret. ebx holds
; the physical address of the page directory to run the guest on. Every
; general register except ebp, and eflags, come back changed; ebp and the
; data segment registers come back as they were. Next: S:110.

%include "asm_offsets.inc"
%include "arch/x86/trap_entry.inc"	; PUSH_ZERO_UNLESS_ERROR_CODE (P:125)

%define STATE(field) (SWITCHER_STATE + field)

section .switcher progbits alloc exec nowrite align=4096

;S:110 Into the guest. The host's stack pointer and page directory go in
; the state page, because after the switch nothing else remembers them.
; Then esp moves to the guest's saved registers: from here until the iret
; the stack *is* the guest's register file, and every pop loads one. The
; GDT, IDT and TSS change while the host's CR3 is still loaded, so that ltr
; can set the busy bit in the state page's GDT (read-only to the guest).
; The code and stack segments stay valid across lgdt because slots 1, 2 and
; 5 are the host's in every GDT (arch/x86/desc.h). The last instruction,
; iret, drops to ring 1 or 3 with the guest's eip, cs, eflags, esp and ss.
global switch_to_guest
switch_to_guest:
	push es
	push ds
	push gs
	push fs
	push ebp
	mov [STATE(ST_HOST_SP)], esp
	mov eax, cr3
	mov [STATE(ST_HOST_CR3)], eax
	mov esp, SWITCHER_REGS
	lgdt [STATE(ST_GUEST_GDTR)]
	lidt [STATE(ST_GUEST_IDTR)]
	and byte [STATE(ST_GUEST_GDT) + TSS_DESC_TYPE_BYTE], ~TSS_DESC_BUSY
	mov ax, TSS_SEL
	ltr ax
	mov cr3, ebx
	pop eax
	pop ebx
	pop ecx
	pop edx
	pop esi
	pop edi
	pop ebp
	pop gs
	pop fs
	pop ds
	pop es
	add esp, 8			; trapnum and errcode
	iret

;S:120 Out of the guest. Every vector of the guest's IDT is an interrupt
; gate to one of these stubs, so any trap, fault or interrupt in the guest
; lands here in ring 0, on the stack the guest TSS names: the end of the
; regs page. The CPU has pushed ss, esp, eflags, cs, eip and, for some
; vectors, an error code; the stub makes the frame uniform (a zero where
; the CPU gave no error code) and pushes its vector. Then exit_common.
%macro EXIT_STUB 1
exit_stub_%1:
	PUSH_ZERO_UNLESS_ERROR_CODE %1
	push %1
	jmp exit_common
%endmacro

%assign v 0
%rep 256
	EXIT_STUB v
%assign v v+1
%endrep

;S:130 exit_common finishes struct guest_regs by pushing the guest's
; general and segment registers, so the whole structure now sits at the end
; of the regs page for the host to read. It loads the kernel's data
; segments, keeps the vector in ebx, and undoes switch_to_guest in reverse:
; the host's page directory first (the state page is readable either way),
; then its GDT and IDT, then its stack, then its TSS (clearing the busy bit
; ltr left there last time). ebp and the data segments come back from the
; host stack.
;
; A host interrupt (vectors 32-47: the PIC) arrived while the guest ran; the
; host has not seen it yet. Jumping to the host's own entry stub for that
; vector handles it exactly as if it had interrupted switcher_run itself:
; the host stack holds the pushf/lcall frame, which the handler's iret
; consumes. Anything else returns straight to switcher_run, which reads
; trapnum from the regs page. If one of switch_to_guest's pops or its iret
; faulted, the CPU was in ring 0 and pushed its frame on the regs page below
; wherever esp then was, so the structure is out of place and its trapnum
; may be overwritten (a faulting iret's frame lands right on it). The saved
; cs says which: an exit from the guest has RPL 1 or 3, a fault of the
; Switcher's RPL 0. Then the Switcher itself writes the 256 marker where the
; host reads it, and the host kills that guest for it, never for whatever
; the shifted frame seems to say.
exit_common:
	push es
	push ds
	push fs
	push gs
	push ebp
	push edi
	push esi
	push edx
	push ecx
	push ebx
	push eax
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
	mov ebx, [esp + REGS_TRAPNUM]
	test byte [esp + REGS_CS], 3	; the CPU left ring 0: the Switcher faulted
	jnz .from_guest
	mov ebx, SWITCHER_NO_TRAP
	mov [SWITCHER_REGS + REGS_TRAPNUM], ebx
.from_guest:
	mov eax, [STATE(ST_HOST_CR3)]
	mov cr3, eax
	lgdt [STATE(ST_HOST_GDTR)]
	lidt [STATE(ST_HOST_IDTR)]
	mov esp, [STATE(ST_HOST_SP)]
	and byte [host_gdt + TSS_DESC_TYPE_BYTE], ~TSS_DESC_BUSY
	mov ax, TSS_SEL
	ltr ax
	pop ebp
	pop fs
	pop gs
	pop ds
	pop es
	cmp ebx, VEC_IRQ0
	jb .back
	cmp ebx, VEC_IRQ0 + VEC_IRQ_COUNT
	jae .back
	jmp [trap_stubs + ebx * 4]
.back:
	iret

extern host_gdt
extern trap_stubs

;S:140 The stubs' addresses, for the C side to build the guest IDT from.
; The table itself is host data: the guest never needs to read it.
section .rodata
global switcher_exit_stubs
switcher_exit_stubs:
%assign v 0
%rep 256
	dd exit_stub_%+v
%assign v v+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
