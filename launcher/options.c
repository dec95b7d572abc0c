/*L:060 launcher/options.c: reading the command line, and refusing it
 * politely.
 *
 * Sizes are parsed in 64 bits and saturate just above anything sensible,
 * so a string of digits long enough to overflow is simply "more than the
 * maximum" rather than a small number in disguise. Pure logic: it only
 * reads argv, so tests/unit/test_launcher_options.c drives it natively.
 * Next: the file the command line names, and how it is checked,
 * launcher/loader.h. */
#include "lib/format.h"
#include "lib/string.h"
#include "launcher/options.h"

#define SIZE_CAP	(1ull << 40)	/* far beyond MEM_MAX; stops overflow */

/* Sizes are printed as (unsigned) with %u: lib/format.c's %z reads an
 * unsigned int, which is not a size_t in the native unit tests. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static uint64_t saturate(uint64_t v)
{
	return v > SIZE_CAP ? SIZE_CAP + 1 : v;
}

/* The number at *s, moving *s past its digits; -1 if there is none. */
static int parse_digits(const char **s, uint64_t *value)
{
	uint64_t v = 0;

	if (!is_digit(**s))
		return -1;
	for (; is_digit(**s); (*s)++)
		v = saturate(v * 10 + (uint64_t)(**s - '0'));
	*value = v;
	return 0;
}

/* What a suffix multiplies by, or 0 for a bad suffix. */
static uint64_t suffix_scale(const char *s)
{
	if (*s == '\0')
		return 1;
	if (s[1] != '\0')
		return 0;
	if (*s == 'K' || *s == 'k')
		return 1u << 10;
	if (*s == 'M' || *s == 'm')
		return 1u << 20;
	return 0;
}

int parse_mem_size(const char *text, uint32_t *bytes, char *why, size_t whylen)
{
	const char *s = text;
	uint64_t v, scale;

	if (parse_digits(&s, &v) || !(scale = suffix_scale(s)))
		return explain(-1, why, whylen, "--mem %s: not a size (bytes, or a number "
			       "followed by K or M)", text);
	v = saturate(v * scale);
	if (v > MEM_MAX)
		return explain(-1, why, whylen,
			       "--mem %s: more than the maximum, %uM", text, MEM_MAX >> 20);
	if (v < MEM_MIN)
		return explain(-1, why, whylen,
			       "--mem %s: less than the minimum, %uM", text, MEM_MIN >> 20);
	if (v % MEM_ALIGN)
		return explain(-1, why, whylen, "--mem %s: not a multiple of 4K", text);
	*bytes = (uint32_t)v;
	return 0;
}

/* The host takes only names of printable characters without spaces
 * (kennel_dev.c's name_ok, or KN_INIT's EINVAL): the first byte that is
 * not, or len. */
static size_t first_unprintable(const char *name, size_t len)
{
	size_t i = 0;

	while (i < len && (unsigned char)name[i] >= 0x21 && (unsigned char)name[i] < 0x7f)
		i++;
	return i;
}

static int set_name(struct launch_options *o, const char *name, size_t len,
		    char *why, size_t whylen)
{
	size_t bad = first_unprintable(name, len);

	if (bad < len)
		return explain(-1, why, whylen, "the guest's name has byte 0x%02x at position %u: "
			       "give one of printable characters, no spaces, with --name",
			       (unsigned char)name[bad], (unsigned)bad + 1);
	if (len == 0)
		return explain(-1, why, whylen, "the guest's name is empty: give one with --name");
	if (len >= sizeof(o->name))
		return explain(-1, why, whylen, "the guest's name (from '%s') is longer than %u "
			       "characters: give a shorter one with --name", name,
			       (unsigned)sizeof(o->name) - 1);
	memcpy(o->name, name, len);
	o->name[len] = '\0';
	return 0;
}

/* /guests/hello.elf is "hello". */
static int name_after_file(struct launch_options *o, char *why, size_t whylen)
{
	const char *slash = strrchr(o->elf_path, '/');
	const char *base = slash ? slash + 1 : o->elf_path;
	size_t len = strlen(base);

	if (len >= 4 && strcmp(base + len - 4, ".elf") == 0)
		len -= 4;
	return set_name(o, base, len, why, whylen);
}

/* "IMAGE" or "IMAGE,ro" (a copy in memory). */
static int set_disk(struct launch_options *o, const char *arg, char *why, size_t whylen)
{
	size_t len = strlen(arg);

	o->disk_path = arg;
	o->disk_snapshot = false;
	if (len < 3 || strcmp(arg + len - 3, ",ro") != 0)
		return 0;
	if (len - 3 >= sizeof(o->disk_copy) || len == 3)
		return explain(-1, why, whylen, "--disk %s: not an image path", arg);
	memcpy(o->disk_copy, arg, len - 3);
	o->disk_copy[len - 3] = '\0';
	o->disk_path = o->disk_copy;
	o->disk_snapshot = true;
	return 0;
}

static int add_restore(struct launch_options *o, const char *file, char *why, size_t whylen)
{
	if (o->restore_count == RESTORE_MAX)
		return explain(-1, why, whylen, "--restore %s: more than %u snapshots", file,
			       RESTORE_MAX);
	o->restore[o->restore_count++] = file;
	return 0;
}

/* A restore takes its memory and disk from the snapshot, and boots no file. */
static int restore_alone(int argc, int i, struct launch_options *o, char *why, size_t whylen)
{
	if (o->mem_given || o->disk_path)
		return explain(-1, why, whylen, "--restore takes the memory size and the disk "
			       "the snapshot recorded: no --mem or --disk with it");
	if (o->lazy_memory)
		return explain(-1, why, whylen, "--lazy-memory boots a guest on memory filled "
			       "as it is touched: not with --restore");
	if (i != argc)
		return explain(-1, why, whylen, "--restore resumes a saved guest: no guest file "
			       "('%s')", o->elf_path);
	return 0;
}

static int parse_option(int argc, char **argv, int *i, struct launch_options *o,
			char *why, size_t whylen)
{
	const char *opt = argv[*i];

	if (strcmp(opt, "--stats") == 0) {
		o->stats = true;
		return 0;
	}
	if (strcmp(opt, "--lazy-memory") == 0 || strcmp(opt, "--lazy-memory=failfast") == 0) {
		o->lazy_memory = true;
		o->lazy_failfast = opt[13] == '=';
		return 0;
	}
	if (starts_with(opt, "--lazy-memory="))
		return explain(-1, why, whylen, "%s: the only mode is failfast", opt);
	if (strcmp(opt, "--lazy") == 0 || strcmp(opt, "--no-prefetch") == 0) {
		*(strcmp(opt, "--lazy") == 0 ? &o->lazy : &o->no_prefetch) = true;
		return 0;
	}
	if (strcmp(opt, "--mem") != 0 && strcmp(opt, "--name") != 0 &&
	    strcmp(opt, "--disk") != 0 && strcmp(opt, "--snapshot-disk") != 0 &&
	    strcmp(opt, "--restore") != 0)
		return explain(-1, why, whylen, "unknown option '%s'", opt);
	if (++*i == argc)
		return explain(-1, why, whylen, "%s needs a value", opt);
	if (strcmp(opt, "--mem") == 0) {
		o->mem_given = true;
		return parse_mem_size(argv[*i], &o->mem_bytes, why, whylen);
	}
	if (strcmp(opt, "--restore") == 0)
		return add_restore(o, argv[*i], why, whylen);
	if (strcmp(opt, "--disk") == 0)
		return set_disk(o, argv[*i], why, whylen);
	if (strcmp(opt, "--snapshot-disk") == 0) {
		o->disk_path = argv[*i];
		o->disk_snapshot = true;
		return 0;
	}
	return set_name(o, argv[*i], strlen(argv[*i]), why, whylen);
}

/* The n words, joined with spaces, must fit kennel_boot_info.cmdline. */
static int join_words(int n, char **words, char *cmdline, char *why, size_t whylen)
{
	size_t total = n ? (size_t)n - 1 : 0, at = 0;

	for (int i = 0; i < n; i++)
		total += strlen(words[i]);
	if (total > KENNEL_CMDLINE_MAX - 1)
		return explain(-1, why, whylen, "the guest's command line is %u bytes; the limit "
			       "is %u", (unsigned)total, KENNEL_CMDLINE_MAX - 1);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(words[i]);

		memcpy(cmdline + at, words[i], len);
		at += len;
		cmdline[at++] = ' ';
	}
	cmdline[total] = '\0';
	return 0;
}

int options_parse(int argc, char **argv, struct launch_options *o, char *why, size_t whylen)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->mem_bytes = MEM_DEFAULT;
	for (i = 1; i < argc && starts_with(argv[i], "--"); i++)
		if (parse_option(argc, argv, &i, o, why, whylen))
			return -1;
	if ((o->lazy || o->no_prefetch) && !o->restore_count)
		return explain(-1, why, whylen, "%s restores a snapshot lazily: give it --restore "
			       "FILE", o->lazy ? "--lazy" : "--no-prefetch");
	if (o->no_prefetch && !o->lazy)
		return explain(-1, why, whylen, "--no-prefetch is for a --lazy restore");
	if (o->restore_count) {
		o->elf_path = i < argc ? argv[i] : NULL;
		return restore_alone(argc, i, o, why, whylen);
	}
	if (i == argc)
		return explain(-1, why, whylen, "no guest file given");
	o->elf_path = argv[i];
	if (!o->name[0] && name_after_file(o, why, whylen))
		return -1;
	return join_words(argc - i - 1, argv + i + 1, o->cmdline, why, whylen);
}

bool options_want_help(int argc, char **argv)
{
	return argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
}
