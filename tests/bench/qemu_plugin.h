/*T:850 tests/bench/qemu_plugin.h: the part of QEMU's TCG plugin interface
 * that the profiler (T:855) uses, declared by kennel.
 *
 * Debian's QEMU 7.2 loads plugins (-plugin FILE,ARG=VALUE...) but ships no
 * header for them, so these are our own declarations of the calls, with
 * the types and calling conventions QEMU 7.2 gives them. A plugin is a
 * shared object exporting qemu_plugin_version (the interface version it
 * was written for, checked by QEMU at load time) and qemu_plugin_install,
 * called once with the plugin's arguments. It may then ask to hear of each
 * translation block as QEMU translates it, look at the block's guest
 * instructions (their virtual address and bytes), and attach to any of
 * them a function QEMU calls each time that instruction executes. Nothing
 * here can read or change guest registers. Next: T:855. */
#ifndef TESTS_BENCH_QEMU_PLUGIN_H
#define TESTS_BENCH_QEMU_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define KN_PLUGIN_EXPORT	__attribute__((visibility("default")))
#define KN_PLUGIN_VERSION	1	/* the interface of QEMU 7.2 */

typedef uint64_t qemu_plugin_id_t;
struct qemu_info;			/* the target's name and vCPUs: unused */
struct qemu_plugin_tb;			/* a translation block, while translated */
struct qemu_plugin_insn;		/* one of its instructions */

/* Whether a callback may look at registers; we never do. */
enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

typedef void (*qemu_plugin_tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_exec_cb)(unsigned int vcpu, void *data);
typedef void (*qemu_plugin_exit_cb)(qemu_plugin_id_t id, void *data);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t i);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_exec_cb cb,
					    enum qemu_plugin_cb_flags flags, void *data);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_exit_cb cb, void *data);
void qemu_plugin_outs(const char *text);

#endif
