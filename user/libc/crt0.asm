;U:510 user/libc/crt0.asm: _start, where every host user program begins.
; The host enters here with esp pointing at argc, followed by argv[0..argc-1]
; and a NULL (arch/x86/syscall.h). _start passes them to main(argc, argv)
; and hands main's result to exit(), which flushes stdout and ends the
; process; exit never returns. The stack is aligned to 16 bytes at the call,
; as gcc's code expects. Next: unistd.h and kennel.h, the calls a
; program can make.
	bits 32
	global _start
	extern main
	extern exit

	section .text.start progbits alloc exec nowrite align=16
_start:
	xor ebp, ebp		; the outermost frame: backtraces stop here
	mov eax, [esp]		; argc
	lea ecx, [esp + 4]	; argv
	and esp, -16
	sub esp, 8		; after two pushes esp is 16-byte aligned again
	push ecx
	push eax
	call main
	mov [esp], eax
	call exit
.hang:
	ud2			; exit returned: impossible, so fault loudly
	jmp .hang

	section .note.GNU-stack noalloc noexec nowrite progbits
