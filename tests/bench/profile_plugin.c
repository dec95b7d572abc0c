/*T:855 tests/bench/profile_plugin.c: counting instructions for `make
 * profile`, inside QEMU.
 *
 * Loaded with "-plugin build/tests/bench/profile_plugin.so,op=N,out=FILE".
 * Every guest instruction QEMU translates gets a counter, keyed by its
 * virtual address and its bytes; a marker instruction of operation N
 * (arch/x86/bench_mark.h) instead gets a function that opens or closes the
 * window. While the window is open, each executed instruction adds one to
 * its counter, whatever the ring or address space. At exit the plugin
 * writes one line per counter that moved, "VADDR BYTES COUNT", and a last
 * line "rounds R", the number of windows: which program an address
 * belongs to is for scripts/profile.py (T:860) to decide, by comparing
 * the bytes with the ELF files. A block translated twice has two counters
 * for the same instruction; the script adds them up. Next: T:860. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86/bench_mark.h"
#include "tests/bench/qemu_plugin.h"

#define MAX_BYTES	16

struct counter {
	struct counter *next;
	uint64_t vaddr, count;
	size_t size;
	uint8_t bytes[MAX_BYTES];
};

KN_PLUGIN_EXPORT int qemu_plugin_version = KN_PLUGIN_VERSION;

static struct counter *counters;
static unsigned int profiled_op;
static int inside;
static uint64_t rounds;
static const char *out_path = "profile.out";

static void count(unsigned int vcpu, void *data)
{
	(void)vcpu;
	if (inside)
		((struct counter *)data)->count++;
}

static void mark(unsigned int vcpu, void *data)
{
	uint32_t word = (uint32_t)(uintptr_t)data;

	(void)vcpu;
	if ((word & BENCH_MARK_OP_MASK) != profiled_op)
		return;
	inside = !(word & BENCH_MARK_END);
	rounds += inside;
}

/* The marker's word, or 0 if insn is not a marker. */
static uint32_t marker_word(const uint8_t *b, size_t size)
{
	uint32_t word;

	if (size != 7 || memcmp(b, BENCH_MARK_OPCODE, 3))
		return 0;
	memcpy(&word, b + 3, 4);
	return (word & ~(BENCH_MARK_END | BENCH_MARK_OP_MASK)) == BENCH_MARK_MAGIC ? word : 0;
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *bytes = qemu_plugin_insn_data(insn);
		size_t size = qemu_plugin_insn_size(insn);
		uint32_t word = marker_word(bytes, size);
		struct counter *c;

		if (word) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)word);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c)
			abort();
		c->vaddr = qemu_plugin_insn_vaddr(insn);
		c->size = size < MAX_BYTES ? size : MAX_BYTES;
		memcpy(c->bytes, bytes, c->size);
		c->next = counters;
		counters = c;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, count, QEMU_PLUGIN_CB_NO_REGS, c);
	}
}

static void write_counts(qemu_plugin_id_t id, void *data)
{
	FILE *out = fopen(out_path, "w");

	(void)id;
	(void)data;
	if (!out) {
		qemu_plugin_outs("profile_plugin: cannot write the output file\n");
		return;
	}
	for (struct counter *c = counters; c; c = c->next) {
		if (!c->count)
			continue;
		fprintf(out, "%08llx ", (unsigned long long)c->vaddr);
		for (size_t b = 0; b < c->size; b++)
			fprintf(out, "%02x", c->bytes[b]);
		fprintf(out, " %llu\n", (unsigned long long)c->count);
	}
	fprintf(out, "rounds %llu\n", (unsigned long long)rounds);
	fclose(out);
}

KN_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info *info,
					 int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "op=", 3))
			profiled_op = (unsigned int)strtoul(argv[i] + 3, NULL, 0);
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else
			return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
