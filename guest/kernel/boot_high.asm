;G:115 guest/kernel/boot_high.asm: pup's first instructions at its linked
; address, 0xD01xxxxx, where boot.asm's jump lands with the boot map on.
;
; As in the host (B:016), they sit in a file of their own because nasm
; describes only a file's first code section to a debugger; sharing
; boot.asm with .boot, they made gdb warn at every stop in pup, since
; every backtrace ends here.
;
; Register contract on entry (from boot.asm): paging on with the boot map,
; boot_magic and boot_info_phys stored, no stack yet. Leaves for
; pup_main(magic, info_phys) on the boot stack at its linked address.
; Next: the table of operations that lets one kernel run on both, G:120.

extern pup_main
extern boot_stack_top
extern boot_magic
extern boot_info_phys
global start_high

section .text
start_high:
	mov esp, boot_stack_top
	xor ebp, ebp				; the outermost frame
	push dword [boot_info_phys]
	push dword [boot_magic]
	call pup_main
.never:
	ud2					; pup_main does not return
	jmp .never

section .note.GNU-stack noalloc noexec nowrite progbits
