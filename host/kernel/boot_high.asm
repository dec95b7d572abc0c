;B:016 host/kernel/boot_high.asm: the first instructions at the kernel's
; linked address, 0xC01xxxxx, where boot.asm's jump lands with paging on.
;
; They live apart from boot.asm because nasm's debug information (DWARF)
; describes one code section per file: with .boot and .text in one file,
; gdb found this code in the file's address ranges but in none of its
; functions, and warned about it at every stop whose backtrace reached
; here, which is every stop in the host (scripts/kennel.gdb, P:400).
;
; Register contract on entry (from boot.asm): paging on, eax and ebx as
; GRUB left them, saved in esi (magic) and ebx (mbi_phys); no stack yet.
; Next: kernel_main in host/kernel/main.c (B:030).

extern boot_stack_top
extern kernel_main
global start_high

section .text
start_high:
	mov esp, boot_stack_top
	xor ebp, ebp				; end of the frame-pointer chain
	push ebx				; mbi_phys
	push esi				; magic
	call kernel_main
.hang:
	cli
	hlt
	jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
