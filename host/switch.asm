;U:320 host/switch.asm: context_switch, the one place the host changes
; which kernel stack it runs on.
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
; or, for a new process, in trap_return (host/entry.asm), which pops the
; prepared trap frame and irets into ring 3 (see sched_new_context).
; Address space and TSS esp0 are the caller's business (sched.c, run).
; Next: back to host/sched.c for sleeping and waking (U:330).

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
