/*L:190 launcher/output.h: guest output, one labelled line at a time.
 *
 * A guest writes bytes whenever it likes, in pieces of any size, and
 * several guests share one console. So its bytes are gathered here into
 * whole lines, each printed as
 *
 *   [NAME] what the guest wrote
 *
 * through an emit function the caller chooses (the Launcher's writes to
 * stdout; the unit tests collect lines). A line never exceeds
 * OUTPUT_LINE_MAX bytes, prefix and newline included, which is the host
 * console's own line (host/kernel/condev.h): a longer one is cut there and goes on
 * on a new labelled line, so the host never splits a line unlabelled. A
 * partial last line waits for output_flush, which ends it with a newline,
 * or is shown as it stands by output_show_partial, so that a prompt appears
 * before anyone answers it.
 *
 * A guest may not talk to the terminal: every byte that is not printable
 * ASCII, a newline, a tab or a backspace (which erases within its own
 * line, never the prefix) is printed as '?', so no escape sequence and
 * no Ctrl-T reaches the host console. output_printable does the same to a
 * message string (a shutdown reason) before the Launcher prints it. Next:
 * launcher/output.c. */
#ifndef LAUNCHER_OUTPUT_H
#define LAUNCHER_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#define OUTPUT_LINE_MAX		256	/* bytes per printed line, all told */
#define OUTPUT_NAME_MAX		32	/* a guest's name, with its NUL */

/* line is NUL-terminated at line[len]. It ends with a newline, except
 * when output_show_partial shows the start of a line early; the rest of
 * that line then follows, unlabelled, in later emits. */
typedef void output_emit_fn(void *ctx, const char *line, size_t len);

struct guest_output {
	output_emit_fn *emit;
	void *ctx;
	size_t prefix_len;
	size_t len;			/* bytes in line; 0: no line begun */
	size_t shown;			/* of those, already emitted */
	size_t col;			/* where the next byte goes: len, or less after a move */
	size_t esc_len;			/* bytes of an escape sequence held back */
	char esc[8];
	char prefix[OUTPUT_NAME_MAX + 3];	/* "[NAME] " */
	char line[OUTPUT_LINE_MAX + 1];
};

/* name must be shorter than OUTPUT_NAME_MAX (longer is cut). */
void output_init(struct guest_output *o, const char *name, output_emit_fn *emit, void *ctx);
void output_write(struct guest_output *o, const void *bytes, size_t n);
void output_flush(struct guest_output *o);
/* Emit the unfinished line so far, without ending it: a guest's prompt. */
void output_show_partial(struct guest_output *o);
char output_char(uint8_t c);
void output_printable(char *s, size_t size);

#endif
