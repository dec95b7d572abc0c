;P:160 lib/context_switch.asm: context_switch, the one place a kernel
; changes which kernel stack it runs on. The host (U:320) and pup (G:350)
; both link it.
;
; void context_switch(uint32_t *save_esp, uint32_t load_esp)
;
; Contract: called from C with interrupts disabled. It pushes the
; registers the C calling convention says a callee must preserve (ebp,
; ebx, esi, edi), stores esp in *save_esp, loads load_esp, pops the same
; four registers from the other stack and returns on it. eax, ecx and
; edx are caller-saved, so C has already given them up; eflags travels
; nowhere, which is why both sides agree to switch with interrupts off.
; The return lands wherever the other stack last called context_switch,
; or, for a stack that never ran, at the address its creator left above
; four zero registers (the host's sched_new_context, pup's proc.c).
; Address space and the TSS's ring-0 (or ring-1) stack are the caller's
; business. Next: lib/string.c.

	bits 32
	global context_switch
	section .text
context_switch:
	mov eax, [esp + 4]	; where to save this stack's esp
	mov edx, [esp + 8]	; the stack to resume
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
