;S:200 switcher/switcher.asm: the code that swaps the CPU between the host
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
; data segment registers come back as they were. The three code paths
; are quoted whole below (S:210, S:220, S:230). Next: S:210.

%include "asm_offsets.inc"
%include "arch/x86/trap_entry.inc"	; PUSH_ZERO_UNLESS_ERROR_CODE (P:125)

%define STATE(field) (SWITCHER_STATE + field)

section .switcher progbits alloc exec nowrite align=4096

;S:210 Into the guest. The host's stack pointer and page directory go in
; the state page, because after the switch nothing else remembers them.
; Then esp moves to the guest's saved registers: from here until the iret
; the stack *is* the guest's register file, and every pop loads one. The
; GDT, IDT and TSS change while the host's CR3 is still loaded, so that ltr
; can set the busy bit in the state page's GDT (read-only to the guest).
; ltr faults on a TSS already marked busy, and the copy may still carry the
; bit from this guest's last entry, so it is cleared first. The code and
; stack segments stay valid across lgdt because slots 1, 2 and 5 are the
; host's in every GDT (arch/x86/desc.h). Only then does CR3 change, to the
; shadow directory in ebx (noted in the state page for gdb, P:400). The
; last instruction, iret, drops to ring 1 or 3 with the guest's eip, cs,
; eflags, esp and ss.
;:
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
	mov [STATE(ST_GUEST_CR3)], ebx	; for the debugger's world command
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
;:

;S:220 Out of the guest. Every vector of the guest's IDT is an interrupt
; gate to one of these stubs, so any trap, fault or interrupt in the guest
; lands here in ring 0, on the stack the guest TSS names: the end of the
; regs page. The CPU has pushed ss, esp, eflags, cs, eip and, for some
; vectors, an error code; the stub makes the frame uniform (a zero where
; the CPU gave no error code) and pushes its vector. Then exit_common.
;:
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
;:

;S:230 exit_common finishes struct guest_regs by pushing the guest's
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
;:
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
;:

extern host_gdt
extern trap_stubs

;S:240 The stubs' addresses, for the C side to build the guest IDT from.
; The table itself is host data: the guest never needs to read it.
section .rodata
global switcher_exit_stubs
switcher_exit_stubs:
%assign v 0
%rep 256
	dd exit_stub_%+v
%assign v v+1
%endrep

;S:310 Step 2, the CPU. "int $0x1f" looks up gate 0x1f in the IDT the
; CPU uses, the guest IDT in the state page (S:120). The gate's DPL is 1
; (guest_stub_dpl, H:430), so ring 1 passes and ring 3 would get #GP. It
; is an interrupt gate to exit_stub_31 with the host's code selector, a
; change to ring 0, so the CPU takes ss0:esp0 from the guest TSS
; (KERNEL_DS : the end of the regs page, S:130), clears IF and pushes ss,
; esp, eflags, cs and eip, eip being the instruction after the int. Those
; five words are the top of struct guest_regs (S:020).
;
; Step 3, the exit stub and exit_common (S:220, S:230):
;   push 0              no error code for vector 31: keeps the shape
;   push 31             trapnum
;   jmp exit_common
;   push es ... push eax   eleven registers; eax lands lowest, at
;                          SWITCHER_REGS: regs.eax = 10, regs.ebx = 1
;   mov ax, KERNEL_DS   eax is saved, so it may be used now; ds, es
;   mov ebx, [esp + REGS_TRAPNUM]       ebx = 31
;   mov cr3, host cr3; lgdt, lidt host; mov esp, host_sp
;   clear the busy bit of the host GDT's TSS; ltr
;   pop ebp, fs, gs, ds, es             the host's, from switch_to_guest
;   31 is below VEC_IRQ0, so: iret
; That iret pops the eip, cs and eflags of "pushf; lcall" in switcher_run
; (S:110), which returns with the host's interrupts still off. Next: S:320.

;S:340 Step 6, back into the guest: the next pass of run_guest calls
; enter_guest again (H:230), the selectors and eflags in g->regs are
; checked, and switcher_run (S:110) presets trapnum to 256 and calls
; switch_to_guest (S:210):
;   push es, ds, gs, fs, ebp; save esp and cr3 in the state page
;   mov esp, SWITCHER_REGS       the stack is now struct guest_regs
;   lgdt, lidt guest; clear the guest TSS's busy bit; ltr
;   mov cr3, ebx                 the shadow page directory
;   pop eax                      regs.eax: the answer, if there was one
;   pop ebx ... pop es
;   add esp, 8                   over trapnum and errcode
;   iret                         eip, cs, eflags, esp, ss of step 2
; The guest is back at the instruction after "int $0x1f", in ring 1, with
; eax as the host left it in g->regs: here still 10, since KH_TS answers
; nothing, and hcall returns that. Its virtual TS is now set, so its next
; FPU instruction faults into its own handler (H:240). That is the whole
; path; the reading goes on with the page tables the guest ran on all
; along. Next: V:005.

section .note.GNU-stack noalloc noexec nowrite progbits
