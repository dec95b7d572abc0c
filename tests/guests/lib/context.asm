;T:375 tests/guests/lib/context.asm: saving a place in ring-1 code and
; jumping back to it, from wherever the guest has got to since.
;
; int context_save(struct context *c)
;   Contract: called from C. Stores what the C calling convention says a
;   callee must preserve (ebx, esi, edi, ebp), the stack pointer as the
;   caller will see it after the return, and the return address, then
;   returns 0.
;
; void context_jump(struct context *c, int value)
;   Contract: never returns. Reloads those registers and returns from
;   context_save a second time, now with value (never 0) in eax.
;
; This is setjmp and longjmp, for catch.c: a trap handler that decides the
; probe it interrupted is over jumps straight back to where the probe was
; started, abandoning the trap frame and whatever stack the probe had,
; ring 3's included. The context must outlive neither its caller's frame
; nor the jump. Next: back to catch.c, T:370.

	bits 32
	section .text

	global context_save
context_save:
	mov eax, [esp + 4]		; c
	mov [eax + 0], ebx
	mov [eax + 4], esi
	mov [eax + 8], edi
	mov [eax + 12], ebp
	lea ecx, [esp + 4]		; esp after our ret
	mov [eax + 16], ecx
	mov ecx, [esp]			; our return address
	mov [eax + 20], ecx
	xor eax, eax
	ret

	global context_jump
context_jump:
	mov edx, [esp + 4]		; c
	mov eax, [esp + 8]		; value
	mov ebx, [edx + 0]
	mov esi, [edx + 4]
	mov edi, [edx + 8]
	mov ebp, [edx + 12]
	mov esp, [edx + 16]
	jmp [edx + 20]

section .note.GNU-stack noalloc noexec nowrite progbits
