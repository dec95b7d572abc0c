;T:320 tests/guests/lib/entry.asm: _start, a test guest's first
; instructions.
;
; Register contract on entry (arch/x86/hypercall.h, H:030): ring 1, eax =
; KENNEL_BOOT_MAGIC, esi = the guest-physical address of struct
; kennel_boot_info, cs = GUEST_CS, ds = es = ss = GUEST_DS, eflags with IF,
; and every other register zero, esp included: there is no stack yet, so
; nothing may be pushed before esp is set. _start first records every
; register exactly as it found it in boot_regs (runtime.c), using
; absolute addresses only, because hcalls.c checks that contract. Then it
; zeroes the bss (which holds the stack), loads esp with the top of the
; boot stack, pushes the arguments and calls runtime_start(magic,
; boot_info_gpa), which never returns. Next: the start in C, T:330.

%include "guest_abi.inc"

	bits 32
	global _start
	extern runtime_start
	extern boot_regs
	extern __bss_start
	extern __bss_end

	section .text.start progbits alloc exec nowrite align=16
_start:
	mov [boot_regs + BOOT_REGS_EAX], eax
	mov [boot_regs + BOOT_REGS_EBX], ebx
	mov [boot_regs + BOOT_REGS_ECX], ecx
	mov [boot_regs + BOOT_REGS_EDX], edx
	mov [boot_regs + BOOT_REGS_ESI], esi
	mov [boot_regs + BOOT_REGS_EDI], edi
	mov [boot_regs + BOOT_REGS_EBP], ebp
	mov [boot_regs + BOOT_REGS_ESP], esp
	mov [boot_regs + BOOT_REGS_CS], cs
	mov [boot_regs + BOOT_REGS_DS], ds
	mov [boot_regs + BOOT_REGS_ES], es
	mov [boot_regs + BOOT_REGS_FS], fs
	mov [boot_regs + BOOT_REGS_GS], gs
	mov [boot_regs + BOOT_REGS_SS], ss

	mov ebx, eax			; keep the magic: stosb needs eax
	cld
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb

	mov esp, boot_stack_top
	xor ebp, ebp			; the outermost frame
	pushfd				; eflags only now: pushing needs a stack
	pop dword [boot_regs + BOOT_REGS_EFLAGS]
	push esi			; boot_info_gpa
	push ebx			; magic
	call runtime_start
.hang:
	ud2				; runtime_start returned: impossible
	jmp .hang

	section .bss nobits alloc noexec write align=16
boot_stack:
	resb GUEST_STACK_SIZE
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
