;B:010 host/kernel/boot.asm: the very first instructions kennel runs.
;
; The build and the shared headers are behind you (P); this chapter brings
; the host kernel up, from the bootloader's jump to a kernel with memory,
; interrupts and a timer, before any program runs (U).
;
; GRUB (or QEMU's -kernel loader) finds the Multiboot header below, loads
; the kernel at physical 1 MiB, and jumps to start with paging off,
; eax = the Multiboot magic and ebx = the physical address of the
; multiboot_info block. The kernel is linked to run at 0xC0100000, so before
; any C code runs we must turn paging on with a page directory that maps
; the kernel where it was linked. We use 4 MiB pages (CR4.PSE): slot 0 maps
; the first 4 MiB to itself, so the instruction after "mov cr0" still has
; somewhere to run, and slots 768..959 map physical 0..768 MiB at
; 0xC0000000. That directory stays the kernel's for good; C code removes
; the identity slot once we are running high (see vm_init, B:100).
;
; Register contract at kernel_main: eax and ebx as GRUB left them, pushed
; as kernel_main(magic, mbi_phys); esp = top of boot_stack; interrupts off.
;
; The jump high lands in host/kernel/boot_high.asm (B:016), in a file of
; its own because nasm describes only a file's first code section to a
; debugger. Next: kernel_main in host/kernel/main.c (B:030).

%include "kernel_asm_offsets.inc"

MB_FLAGS	equ 0x3			; page-align modules, give memory info
MB_MAGIC	equ 0x1BADB002

section .multiboot
align 4
	dd MB_MAGIC
	dd MB_FLAGS
	dd (-(MB_MAGIC + MB_FLAGS)) & 0xFFFFFFFF

section .bss
align 4096
global boot_stack_top
boot_stack:
	resb BOOT_STACK_SIZE
boot_stack_top:

section .data
align 4096
global kernel_pgdir
kernel_pgdir:
	times 1024 dd 0

; The entry code is linked at its physical address (host/kernel/kernel.ld), so
; that both GRUB and QEMU find the entry point inside a loaded segment.
section .boot progbits alloc exec nowrite align=16
global start
extern start_high

start:
	cli
	mov esi, eax				; keep the magic; eax is scratch below
	; Fill the directory (at its physical address: paging is still off).
	mov edi, kernel_pgdir - KERNEL_BASE
	mov dword [edi], 0x83			; slot 0: 0..4 MiB, PSE|RW|P
	mov ecx, DIRECT_MAP_SLOTS
	mov eax, 0x83				; physical 0, PSE|RW|P
	lea edx, [edi + (KERNEL_BASE >> 22) * 4]
.fill:
	mov [edx], eax
	add eax, 0x400000
	add edx, 4
	loop .fill

	; Turn on 4 MiB pages, point CR3 at the directory, enable paging with
	; write protection honoured in supervisor mode (CR0.WP): the Switcher
	; relies on read-only pages staying read-only to a ring-1 guest.
	mov ecx, cr4
	or ecx, 0x10				; CR4.PSE
	mov cr4, ecx
	mov cr3, edi
	mov ecx, cr0
	or ecx, 0x80010000			; CR0.PG | CR0.WP
	mov cr0, ecx

	; Still executing at a low address: jump to the linked (high) one.
	mov ecx, start_high
	jmp ecx

section .note.GNU-stack noalloc noexec nowrite progbits
