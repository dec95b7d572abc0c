;G:591 guest/kernel/test/crt.asm: a test program's first instructions.
; Register contract at _start (guest/include/pup/syscall.h): esp points
; at argc, then argv[0..argc-1] and a NULL. main(argc, argv) is called
; and its result handed to exit.

	bits 32
	extern main
	extern exit
	section .text.start progbits alloc exec nowrite align=16
	global _start
_start:
	mov eax, [esp]
	lea ebx, [esp + 4]
	push ebx
	push eax
	call main
	push eax
	call exit
.never:
	jmp .never

section .note.GNU-stack noalloc noexec nowrite progbits
