;G:110 guest/kernel/boot.asm: pup's first instructions, on bare metal or
; on kennel.
;
; One image, two ways in, told apart by eax, as Linux tells a lguest
; boot from a native one:
;
;   natively (Multiboot, from QEMU's -kernel or GRUB): ring 0, paging off,
;     eax = 0x2BADB002, ebx = physical address of the multiboot_info;
;   under kennel (H:030): ring 1, on the host's linear map (virtual X is
;     guest-physical X), eax = KENNEL_BOOT_MAGIC, esi = guest-physical
;     address of struct kennel_boot_info, esp = 0.
;
; Either way there is no stack, and pup is linked at 0xD0100000 but sits
; at 0x100000, so this code runs at its physical address (kernel.ld puts
; it in .boot) and names every variable as "symbol - KERNEL_BASE". It
; clears the bss, then builds the boot page tables: all of RAM (natively
; what Multiboot's mem_upper says; under kennel every frame below
; pfn_limit, which takes in the device page and the queues above RAM)
; mapped twice, at 0 so that the next instruction still has somewhere to
; be, and at KERNEL_BASE where the C code is linked. Plain 4 KiB pages:
; kennel's shadow tables have no 4 MiB ones. One set of page tables serves
; both halves. Then it turns them on, and this is where the two worlds
; part for the first time: natively by loading CR3 and setting CR0.PG
; (with CR0.WP, so the kernel too honours read-only pages); under kennel,
; which owns CR3, by hypercall. KH_INIT must come first, and before it
; the shared page must say what the host reads only then: the system-call
; vector for direct traps, the start of the kernel half, an empty ring.
;
; Register contract at pup_main(magic, info_phys): the boot stack at its
; linked address, paging on with the boot map, interrupts off (natively
; cli; under kennel the virtual flag, which starts clear), reached through
; start_high in guest/kernel/boot_high.asm (G:115), a file of its own for
; the debugger's sake as the host's is (B:016). Next: the
; table of operations that lets one kernel run on both, G:120.

%include "pup_asm_offsets.inc"

%define PHYS(x) ((x) - KERNEL_BASE)

; The linker script checks its own copy of the base against this one.
global pup_kernel_base
pup_kernel_base equ KERNEL_BASE

section .multiboot
align 4
	dd MULTIBOOT_HEADER_MAGIC
	dd MULTIBOOT_FLAGS
	dd (-(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)) & 0xFFFFFFFF

section .bss
align 4096
global boot_pgdir
boot_pgdir:
	resb 4096
global boot_page_tables
boot_page_tables:
	resb MAP_TABLES * 4096
global boot_stack
boot_stack:
	resb BOOT_STACK_SIZE
global boot_stack_top
boot_stack_top:

section .data
align 4
global boot_magic
boot_magic:	dd 0
global boot_info_phys
boot_info_phys:	dd 0
global boot_map_bytes
boot_map_bytes:	dd 0

section .boot progbits alloc exec nowrite align=16
global start
extern start_high
extern kennel_data
extern __bss_start
extern __bss_end

start:
	mov ebp, eax			; the magic: which world this is
	mov edx, ebx			; natively, the multiboot_info
	cmp ebp, KENNEL_BOOT_MAGIC
	cmove edx, esi			; under kennel, the boot info
	je .known
	cmp ebp, MULTIBOOT_BOOT_MAGIC
	jne .unknown
	cli				; natively only: ring 1 would trap
.known:
	cld
	mov edi, PHYS(__bss_start)
	mov ecx, __bss_end
	sub ecx, __bss_start
	xor eax, eax
	rep stosb
	mov [PHYS(boot_magic)], ebp
	mov [PHYS(boot_info_phys)], edx
	mov esp, PHYS(boot_stack_top)
	call map_size
	mov [PHYS(boot_map_bytes)], eax
	call fill_boot_map
	cmp ebp, KENNEL_BOOT_MAGIC
	je .kennel
	call paging_on_native
	jmp .high
.kennel:
	call paging_on_kennel
.high:
	mov eax, start_high		; still at a low address: jump high
	jmp eax
.unknown:
	hlt				; nobody we know started us
	jmp .unknown

; map_size: ebp = magic, edx = boot info (physical). Returns in eax the
; bytes to map from 0: a whole number of pages, at most MAP_MAX_BYTES.
; Natively, without Multiboot memory information, 8 MiB.
map_size:
	cmp ebp, KENNEL_BOOT_MAGIC
	jne .multiboot
	mov eax, [edx + BI_PFN_LIMIT]		; pages
	jmp .cap
.multiboot:
	mov eax, 2048				; 8 MiB, in pages
	test dword [edx + MB_FLAGS], MB_INFO_MEMORY
	jz .cap
	mov eax, [edx + MB_MEM_UPPER]		; KiB above 1 MiB
	add eax, 1024
	shr eax, 2				; pages
.cap:
	cmp eax, MAP_MAX_BYTES >> 12
	jbe .pages
	mov eax, MAP_MAX_BYTES >> 12
.pages:
	shl eax, 12
	ret

; fill_boot_map: eax = bytes to map (pages, not zero). Page-table entries
; for frames 0, 1, 2, ... in boot_page_tables, then directory slots 0..n-1
; and KERNEL_PGD..KERNEL_PGD+n-1 pointing at the n tables used. Keeps edx
; and ebp.
fill_boot_map:
	push eax
	mov ecx, eax
	shr ecx, 12
	mov edi, PHYS(boot_page_tables)
	mov eax, PTE_KERNEL			; frame 0, present and writable
.pte:
	stosd
	add eax, 4096
	loop .pte
	pop ecx
	add ecx, (1 << 22) - 1
	shr ecx, 22				; page tables used
	mov edi, PHYS(boot_pgdir)
	mov eax, PHYS(boot_page_tables) + PTE_KERNEL
.pde:
	mov [edi], eax
	mov [edi + KERNEL_PGD * 4], eax
	add edi, 4
	add eax, 4096
	loop .pde
	ret

paging_on_native:
	mov eax, PHYS(boot_pgdir)
	mov cr3, eax
	mov eax, cr0
	or eax, CR0_PG_WP
	mov cr0, eax
	ret

paging_on_kennel:
	mov dword [PHYS(kennel_data) + KD_SYSCALL_VECTOR], PUP_SYSCALL_VECTOR
	mov dword [PHYS(kennel_data) + KD_KERNEL_ADDRESS], KERNEL_BASE
	mov edi, PHYS(kennel_data) + KD_ASYNC_STATUS
	mov ecx, KH_ASYNC_SLOTS
	mov al, KH_ASYNC_DONE
	rep stosb
	mov eax, KH_INIT
	mov ebx, PHYS(kennel_data)
	int KH_TRAP_VECTOR
	mov eax, KH_NEW_PGTABLE
	mov ebx, PHYS(boot_pgdir)
	int KH_TRAP_VECTOR
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
