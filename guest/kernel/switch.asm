;G:350 guest/kernel/switch.asm: changing from one process to another.
;
; Each process that is not running is stopped inside switch_context, on
; its own kernel stack, with its callee-saved registers pushed there; its
; struct proc remembers only that stack pointer (context). Switching is
; therefore: push our registers, save esp, load the other's esp, pop its
; registers, and "ret" into wherever it stopped. A process that never ran
; has a stack made to look the same (proc.c, G:331): four zero registers,
; then the address it should "return" to: trap_return, to start a
; program in ring 3 from its trap frame, or the start of a kernel thread.
;
; Register contract: switch_context(uint32_t *save_esp, uint32_t next_esp),
; cdecl; interrupts off (the caller is schedule, which also changed the
; address space and the kernel stack for traps from ring 3 first). It
; returns, much later, when somebody switches back. Next: G:360.

	bits 32
	section .text
	global switch_context
switch_context:
	mov eax, [esp + 4]		; where to save our esp
	mov edx, [esp + 8]		; the esp to resume
	push ebp
	push ebx
	push esi
	push edi
	mov [eax], esp
	mov esp, edx
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
