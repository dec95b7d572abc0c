/*P:120 arch/x86/desc.h: segment descriptors, gates, the TSS, and the one
 * GDT layout that host, guest and Switcher all agree on.
 *
 * The layout matters because the Switcher changes GDTs in the middle of a
 * world switch: the code segment it runs on must mean the same thing in the
 * host's GDT and in every guest's, so slots 1 and 2 (ring-0 code and data)
 * and slot 5 (the TSS) are host-owned everywhere. A guest may fill only the
 * slots GDT_GUEST_FIRST..GDT_ENTRIES-1 plus the user slots, never with DPL 0
 * and never with a system descriptor. Next: arch/x86/trap_entry.inc. */
#ifndef ARCH_X86_DESC_H
#define ARCH_X86_DESC_H

#include <stdint.h>

#define GDT_NULL		0
#define GDT_KERNEL_CS		1	/* ring 0; the Switcher's CS in guest GDTs */
#define GDT_KERNEL_DS		2
#define GDT_USER_CS		3	/* ring 3 */
#define GDT_USER_DS		4
#define GDT_TSS			5	/* host-owned in every GDT */
#define GDT_GUEST_CS		6	/* ring-1 guest kernel */
#define GDT_GUEST_DS		7
#define GDT_GUEST_FIRST		8	/* 8..15: free for the guest (TLS etc.) */
#define GDT_ENTRIES		16

#define SEL(index, rpl)		(((index) << 3) | (rpl))
#define KERNEL_CS		SEL(GDT_KERNEL_CS, 0)	/* 0x08 */
#define KERNEL_DS		SEL(GDT_KERNEL_DS, 0)	/* 0x10 */
#define USER_CS			SEL(GDT_USER_CS, 3)	/* 0x1b */
#define USER_DS			SEL(GDT_USER_DS, 3)	/* 0x23 */
#define TSS_SEL			SEL(GDT_TSS, 0)		/* 0x28 */
#define GUEST_CS		SEL(GDT_GUEST_CS, 1)	/* 0x31 */
#define GUEST_DS		SEL(GDT_GUEST_DS, 1)	/* 0x39 */

/* A descriptor is two 32-bit words; "lo" holds limit[15:0] and base[15:0],
 * "hi" holds base[23:16], the access byte, limit[19:16], flags, base[31:24]. */
struct desc {
	uint32_t lo, hi;
};

/* Access byte bits (bits 8..15 of hi). */
#define DESC_ACCESSED	0x01u
#define DESC_RW		0x02u	/* data: writable; code: readable */
#define DESC_EXEC	0x08u
#define DESC_S		0x10u	/* 1 = code/data, 0 = system */
#define DESC_DPL(n)	((uint32_t)(n) << 5)
#define DESC_PRESENT	0x80u
/* Flag nibble (bits 20..23 of hi). */
#define DESC_FLAG_DB	0x4u	/* 32-bit */
#define DESC_FLAG_G	0x8u	/* limit counts 4 KiB units */

#define DESC_TYPE_TSS32	0x9u	/* system type: available 32-bit TSS */
#define DESC_TSS_BUSY	0x2u	/* in the access byte: ltr sets it; a
				   second ltr of a busy TSS faults */
#define DESC_CONFORMING	0x04u	/* code: callable from outer rings */

static inline struct desc desc_make(uint32_t base, uint32_t limit,
				    uint32_t access, uint32_t flags)
{
	struct desc d;

	d.lo = (limit & 0xffff) | (base << 16);
	d.hi = ((base >> 16) & 0xff) | (access << 8) | (limit & 0xf0000) |
	       (flags << 20) | (base & 0xff000000);
	return d;
}

static inline uint32_t desc_access(struct desc d)
{
	return (d.hi >> 8) & 0xff;
}

static inline uint32_t desc_dpl(struct desc d)
{
	return (d.hi >> 13) & 3;
}

static inline uint32_t desc_base(struct desc d)
{
	return (d.lo >> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000);
}

/* A flat 4 GiB segment at the given privilege level. */
static inline struct desc desc_flat(int code, int dpl)
{
	uint32_t access = DESC_PRESENT | DESC_S | DESC_RW | DESC_ACCESSED |
			  DESC_DPL(dpl) | (code ? DESC_EXEC : 0);

	return desc_make(0, 0xfffff, access, DESC_FLAG_DB | DESC_FLAG_G);
}

/* Gates: lo = selector << 16 | offset[15:0]; hi = offset[31:16] << 16 |
 * P | DPL | type << 8. */
#define GATE_INTERRUPT	0xEu	/* clears IF on entry */
#define GATE_TRAP	0xFu	/* leaves IF alone */

static inline struct desc gate_make(uint32_t offset, uint16_t sel,
				    uint32_t type, uint32_t dpl)
{
	struct desc g;

	g.lo = (offset & 0xffff) | ((uint32_t)sel << 16);
	g.hi = (offset & 0xffff0000) | 0x8000 | (dpl << 13) | (type << 8);
	return g;
}

static inline uint32_t gate_offset(struct desc g)
{
	return (g.lo & 0xffff) | (g.hi & 0xffff0000);
}

static inline uint32_t gate_type(struct desc g)
{
	return (g.hi >> 8) & 0x1f;
}

static inline int gate_present(struct desc g)
{
	return (g.hi & 0x8000) != 0;
}

/* The operand of lgdt/lidt. */
struct desc_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

/* The 32-bit Task State Segment. kennel uses no hardware task switching:
 * the TSS only tells the CPU which stack to use when an interrupt raises
 * the privilege level (esp0/ss0 for ring 0, esp1/ss1 for ring 1). */
struct tss {
	uint32_t link;
	uint32_t esp0, ss0;
	uint32_t esp1, ss1;
	uint32_t esp2, ss2;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs;
	uint32_t ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "the hardware TSS is 104 bytes");

/* An iomap_base past the TSS limit means "no I/O bitmap": every in/out
 * from a ring above IOPL faults. */
#define TSS_NO_IOMAP	((uint16_t)sizeof(struct tss))

static inline void load_gdt(const struct desc_ptr *p)
{
	asm volatile("lgdt %0" : : "m"(*p));
}

static inline void load_idt(const struct desc_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p));
}

static inline void load_tr(uint16_t sel)
{
	asm volatile("ltr %0" : : "r"(sel));
}

#endif
