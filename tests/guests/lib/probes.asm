;T:395 tests/guests/lib/probes.asm: the instructions the tests provoke.
;
; Each probe is a function for run_ring1 or run_ring3 (T:370): C calling
; convention, one 32-bit argument at [esp + 4], a result in eax, ebx,
; esi, edi and ebp preserved. Each marks the instruction of interest with
; a global NAME_site label, so a test can demand that a fault's eip is
; exactly that instruction (a fault) or the next one (a trap such as
; int3, whose eip is site + its length). They are in assembly because
; only there is the instruction, and its address, certain. The code is
; in the guest's image, which the linear map makes user-accessible, so
; the same probe runs in ring 1 or ring 3. Next: the test guests, T:400.

%include "guest_abi.inc"

	bits 32
	section .text

%macro PROBE 1
	global %1
	global %1_site
%endmacro

; A divide by zero: #DE (vector 0) at the div.
	PROBE probe_divide
probe_divide:
	mov eax, 1
	xor edx, edx
	xor ecx, ecx
probe_divide_site:
	div ecx
	ret

; int3 (one byte): #BP (vector 3), eip after it.
	PROBE probe_int3
probe_int3:
	mov eax, 3
probe_int3_site:
	int3
	ret

; ud2: #UD (vector 6) at the ud2.
	PROBE probe_ud2
probe_ud2:
probe_ud2_site:
	ud2
	ret

; Read the dword at arg: returns it, or #PF there.
	PROBE probe_read
probe_read:
	mov eax, [esp + 4]
probe_read_site:
	mov eax, [eax]
	ret

; Write 0x5a5a5a5a at arg.
	PROBE probe_write
probe_write:
	mov eax, [esp + 4]
	mov ecx, 0x5a5a5a5a
probe_write_site:
	mov [eax], ecx
	xor eax, eax
	ret

; Privileged everywhere but ring 0: #GP(0), not emulated.
	PROBE probe_read_cr0
probe_read_cr0:
probe_read_cr0_site:
	mov eax, cr0
	ret

; sysenter: SYSENTER_CS is 0 on a kennel host (S:100), so #GP(0) in any
; ring instead of a jump to ring 0.
	PROBE probe_sysenter
probe_sysenter:
probe_sysenter_site:
	sysenter
	ret

; A call into the Switcher's text, which a ring-1 guest can see and even
; execute (ring 1 is "supervisor" to paging, and there is no NX without
; PAE): its first store is to the read-only state page, a #PF (present,
; write) with cr2 at the state page. arg = the address to call.
	PROBE probe_call
probe_call:
	mov eax, [esp + 4]
probe_call_site:
	call eax
	ret

; cli, sti, hlt: emulated in ring 1 (H:550), #GP(0) in ring 3.
	PROBE probe_cli
probe_cli:
probe_cli_site:
	cli
	xor eax, eax
	ret

	PROBE probe_sti
probe_sti:
probe_sti_site:
	sti
	xor eax, eax
	ret

	PROBE probe_hlt
probe_hlt:
probe_hlt_site:
	hlt
	xor eax, eax
	ret

; Port input with eax preset, so the result shows which bytes changed:
; a byte read must leave 0x123456 above al, a word read 0x1234 above ax.
	PROBE probe_in8_dx
probe_in8_dx:
	mov edx, [esp + 4]
	mov eax, 0x12345600
probe_in8_dx_site:
	in al, dx
	ret

	PROBE probe_in16_dx
probe_in16_dx:
	mov edx, [esp + 4]
	mov eax, 0x12340000
probe_in16_dx_site:
	in ax, dx
	ret

	PROBE probe_in32_dx
probe_in32_dx:
	mov edx, [esp + 4]
	xor eax, eax
probe_in32_dx_site:
	in eax, dx
	ret

	PROBE probe_in8_imm
probe_in8_imm:
	mov eax, 0x12345600
probe_in8_imm_site:
	in al, 0x61
	ret

; Port output: nothing to see, except that it went on.
	PROBE probe_out8_dx
probe_out8_dx:
	mov edx, [esp + 4]
	mov eax, 0xa5
probe_out8_dx_site:
	out dx, al
	xor eax, eax
	ret

	PROBE probe_out8_imm
probe_out8_imm:
	mov eax, 0xa5
probe_out8_imm_site:
	out 0x80, al
	xor eax, eax
	ret

; "int N" (two bytes) for the vectors the tests use; eax = N. From ring 3
; a gate whose DPL is below 3 answers with #GP(N * 8 + 2).
%macro INT_PROBE 1
	PROBE probe_int_%1
probe_int_%1:
	mov eax, %1
probe_int_%1_site:
	int %1
	ret
%endmacro
	INT_PROBE 0x1f
	INT_PROBE 0x40
	INT_PROBE 0x42
	INT_PROBE 0x43
	INT_PROBE 0x44
	INT_PROBE 0x45

; An x87 instruction: #NM (vector 7) while the guest's own TS is set.
	PROBE probe_fld1
probe_fld1:
probe_fld1_site:
	fld1
	fstp st0
	mov eax, 1
	ret

; The current code segment selector: its low two bits are the ring.
	PROBE probe_read_cs
probe_read_cs:
probe_read_cs_site:
	mov eax, cs
	ret

; Load arg into fs, read the dword at fs:0, put fs back: a GDT slot's
; base and rights, seen through a segment.
	PROBE probe_read_fs0
probe_read_fs0:
	push fs
	mov eax, [esp + 8]
probe_read_fs0_site:
	mov fs, ax
	mov eax, [fs:0]
	pop fs
	ret

; Spin until the dword at arg is nonzero; returns it. An interrupt's
; handler has to set it, so the probe proves one was delivered.
	PROBE probe_spin_until_set
probe_spin_until_set:
	mov ecx, [esp + 4]
probe_spin_until_set_site:
.again:
	mov eax, [ecx]
	test eax, eax
	jz .again
	ret

; A hypercall (KH_FLUSH_ASYNC) with a known value in every register but
; eax; returns a mask of the ones that changed: bit 0 ebx, 1 ecx, 2 edx,
; 3 esi, 4 edi, 5 ebp.
	PROBE probe_hcall_preserves
probe_hcall_preserves:
	push ebx
	push esi
	push edi
	push ebp
	mov ebx, 0x11111111
	mov ecx, 0x22222222
	mov edx, 0x33333333
	mov esi, 0x44444444
	mov edi, 0x55555555
	mov ebp, 0x66666666
	mov eax, KH_FLUSH_ASYNC
probe_hcall_preserves_site:
	int KH_TRAP_VECTOR
	xor eax, eax
	cmp ebx, 0x11111111
	setne al
	cmp ecx, 0x22222222
	jz .ecx_ok
	or eax, 2
.ecx_ok:
	cmp edx, 0x33333333
	jz .edx_ok
	or eax, 4
.edx_ok:
	cmp esi, 0x44444444
	jz .esi_ok
	or eax, 8
.esi_ok:
	cmp edi, 0x55555555
	jz .edi_ok
	or eax, 16
.edi_ok:
	cmp ebp, 0x66666666
	jz .ebp_ok
	or eax, 32
.ebp_ok:
	pop ebp
	pop edi
	pop esi
	pop ebx
	ret

; Spin until the low word of the host time at arg (kennel_data.time_ns)
; has moved on by at least 40 ms. The loop lies between
; probe_window_start and probe_window_end, so virtif.c can name it as the
; no-interrupt window and see the host hold interrupts back inside it.
	PROBE probe_spin_window
probe_spin_window:
	mov edx, [esp + 4]
	mov ecx, [edx]
	global probe_window_start
probe_window_start:
probe_spin_window_site:
	mov eax, [edx]
	sub eax, ecx
	cmp eax, 40000000
	jb probe_window_start
	global probe_window_end
probe_window_end:
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
