/*L:050 launcher/options.h: the Launcher's command line.
 *
 *   launcher [--mem SIZE] [--name NAME] [--disk IMAGE[,ro]]
 *            [--snapshot-disk IMAGE] [--stats] [--lazy-memory[=failfast]]
 *            GUEST.elf [guest arguments...]
 *
 * SIZE is the guest's RAM: bytes, or a number followed by K or M (16M,
 * 4096K, 1048576); 16M if not given; a multiple of 4K from 1M to 256M.
 * NAME labels the guest's output; it defaults to the ELF file's name
 * without its directory and ".elf" (/guests/hello.elf: "hello"), and
 * must be 1 to 31 printable characters without spaces, the host's rule,
 * and no other running guest's (the host refuses that). --disk
 * gives the guest a block device served from the file IMAGE (block.c):
 * its writes go to the file, which one guest at a time may use.
 * --snapshot-disk IMAGE (or --disk IMAGE,ro) serves a copy of IMAGE in
 * the Launcher's memory instead: writes last until the guest stops and
 * never reach the file. --stats
 * prints the host's counters for the guest when it stops. --lazy-memory
 * maps the guest's memory without frames and fills each page when it is
 * first touched (launcher/lazy.c); =failfast makes such a touch kill the
 * guest instead, which shows what a guest touches. The words after
 * the file become the guest's command line (struct kennel_boot_info),
 * joined with spaces. The options come first: the first word that does not
 * start with "--" is the file. (The host's run= option separates words
 * with commas: run=/bin/launcher,--mem,4M,/guests/x.elf,arg.)
 *
 * Anything wrong is refused with a reason that names the option, and the
 * Launcher prints the reason and the usage line and exits 1. --help (or
 * -h) alone prints every option and exits 0. --restore FILE (repeated:
 * the full snapshot, then its deltas in order) resumes a saved guest
 * (docs/snapshots.md) instead of booting one: its memory size and disk are
 * the recorded ones, so only --name and --stats may go with it, and
 * --lazy, which starts the guest before its memory is read (L:630), with
 * --no-prefetch reading only what the guest touches. Next:
 * launcher/options.c. */
#ifndef LAUNCHER_OPTIONS_H
#define LAUNCHER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86/hypercall.h"
#include "launcher/output.h"

#define MEM_DEFAULT	(16u << 20)
#define MEM_MIN		(1u << 20)
#define MEM_MAX		(256u << 20)
#define MEM_ALIGN	4096u
#define RESTORE_MAX	32	/* a base and 31 deltas */

#define LAUNCHER_USAGE \
	"usage: launcher [--mem SIZE] [--name NAME] [--disk IMAGE[,ro]] [--snapshot-disk IMAGE] " \
	"[--stats] [--lazy-memory[=failfast]] GUEST.elf [guest arguments...]\n" \
	"       launcher [--name NAME] [--stats] --restore SNAPSHOT [--restore DELTA...] " \
	"[--lazy [--no-prefetch]]\n" \
	"  --disk IMAGE: a disk for the guest, its writes going to IMAGE (on /var)\n" \
	"  --snapshot-disk IMAGE, --disk IMAGE,ro: a copy of IMAGE in memory; writes are lost " \
	"when the guest stops"

/* launcher --help (or -h, alone): every option, on standard output. */
#define LAUNCHER_HELP \
	"usage: launcher [OPTION...] GUEST.elf [guest arguments...]\n" \
	"Runs the guest kernel GUEST.elf under kennel; the words after it are the guest's " \
	"command line.\n" \
	"  --mem SIZE              the guest's RAM: bytes, or a number and K or M; 1M to 256M, " \
	"a multiple of 4K (default 16M)\n" \
	"  --name NAME             the label of the guest's lines and its name in the monitor " \
	"(default: GUEST without .elf); printable, no spaces, at most 31 characters, one guest " \
	"per name\n" \
	"  --disk IMAGE            a block device served from the file IMAGE (on /var); its " \
	"writes go to the file, one guest at a time\n" \
	"  --disk IMAGE,ro\n" \
	"  --snapshot-disk IMAGE   a copy of IMAGE in memory: writes are lost when the guest " \
	"stops\n" \
	"  --stats                 print the host's counters for the guest when it stops\n" \
	"  --lazy-memory           give the guest memory without frames: its kernel's pages are " \
	"filled before it starts, every other page (zeroes) when it is first touched " \
	"(docs/userfault.md)\n" \
	"  --lazy-memory=failfast  the same, but the guest's first touch of a page not filled " \
	"kills it, naming the page\n" \
	"  --restore FILE          resume the guest saved in the snapshot FILE (on /var), with " \
	"its recorded memory and disk; again for each delta after it, in order, and no " \
	"GUEST.elf\n" \
	"  --lazy                  with --restore: start the guest before its memory is read, " \
	"each page read from the files when it is first touched, the rest while it idles\n" \
	"  --no-prefetch           with --lazy: read only the pages the guest touches\n" \
	"  --help, -h              this text\n" \
	"Exit status: the guest's own when it powers off (0 usually), 125 bad command line, " \
	"image or device, 126 crashed, 127 killed by the host.\n"

/* The command line asks for the help text and nothing else. */
bool options_want_help(int argc, char **argv);

struct launch_options {
	uint32_t mem_bytes;
	bool mem_given;
	bool stats;
	bool lazy_memory;		/* --lazy-memory: pages filled as they are touched */
	bool lazy_failfast;		/* --lazy-memory=failfast: a touch kills the guest */
	const char *elf_path;		/* argv's own string */
	const char *disk_path;		/* argv's own string, disk_copy, or NULL */
	bool disk_snapshot;		/* serve a copy in memory */
	char disk_copy[256];		/* IMAGE of "--disk IMAGE,ro" */
	char name[OUTPUT_NAME_MAX];
	char cmdline[KENNEL_CMDLINE_MAX];
	const char *restore[RESTORE_MAX];	/* --restore: a full snapshot, then deltas */
	uint32_t restore_count;
	bool lazy;			/* --lazy: memory read as it is touched */
	bool no_prefetch;		/* --no-prefetch: and only then */
};

/* 0, or -1 and why ("--mem 5000: not a multiple of 4K"). */
int options_parse(int argc, char **argv, struct launch_options *o, char *why, size_t whylen);
/* SIZE as --mem takes it: 0 and *bytes, or -1 and why. */
int parse_mem_size(const char *text, uint32_t *bytes, char *why, size_t whylen);

#endif
