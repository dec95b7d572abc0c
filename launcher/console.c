/*L:180 launcher/console.c: the console device, the guest's keyboard
 * and screen.
 *
 * Two queues (arch/x86/virtio.h): on the transmit queue the guest offers
 * buffers full of output, which we print (through output.c, so they come
 * out as "[NAME] " lines) and hand back; on the receive queue it offers
 * empty buffers, which we fill with what was typed and hand back with the
 * number of bytes written. Both raise the console's interrupt when buffers
 * come back. A descriptor going the wrong way (a writable one on transmit,
 * a readable one on receive) is skipped, not refused: it is harmless.
 *
 * Typed input reaches us because the host says so (KN_EXIT_INPUT) when
 * this Launcher has console focus and something is waiting: we read
 * /dev/console without blocking until it has nothing more, and keep what
 * we read in a buffer of CONSOLE_INPUT_MAX bytes until the guest has
 * receive buffers for it (pup offers them only when its console has room:
 * G:186); what does not fit is lost and said so (L:605). Ctrl-D, which
 * the host reads as end of file, goes on to the guest as the byte it was,
 * and so does Ctrl-C: what they mean is the guest's business. Which of several guests gets the keyboard
 * is the host's business: Ctrl-T moves the focus. Next: how guest output
 * becomes labelled lines, launcher/output.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "launcher/launcher.h"

#define CONSOLE_INPUT_MAX	16384	/* twice the host's own buffer */
#define KEY_EOF			0x04	/* Ctrl-D: the host reads it as end of file */

struct console {
	int fd;				/* /dev/console, O_NONBLOCK */
	uint32_t len;			/* bytes waiting in input */
	char input[CONSOLE_INPUT_MAX];
};

static struct console console;

static int send_output(struct guest *g, struct device *d)
{
	struct vq *vq = &d->queues[KN_CONSOLE_TX];
	struct vq_chain chain;
	bool used = false;
	char why[128];
	int got;

	while ((got = vq_take_chain(vq, &g->mem, &chain, why, sizeof(why))) > 0) {
		for (uint32_t i = 0; i < chain.count; i++)
			if (!chain.bufs[i].writable)
				output_write(&g->out, chain.bufs[i].data, chain.bufs[i].len);
		vq_put_used(vq, chain.head, 0);
		used = true;
	}
	if (got < 0)
		return bad_virtqueue(g, why);
	output_show_partial(&g->out);	/* a prompt, perhaps */
	return used ? send_irq(g, vq->irq) : LAUNCHER_RUNNING;
}

/* Move waiting input into the chain's writable buffers; the byte count. */
static uint32_t fill_chain(struct console *c, const struct vq_chain *chain)
{
	uint32_t done = 0;

	for (uint32_t i = 0; i < chain->count && done < c->len; i++) {
		const struct vq_buffer *b = &chain->bufs[i];
		uint32_t n = c->len - done < b->len ? c->len - done : b->len;

		if (b->writable) {
			memcpy(b->data, c->input + done, n);
			done += n;
		}
	}
	memmove(c->input, c->input + done, c->len - done);
	c->len -= done;
	return done;
}

static int deliver_input(struct guest *g, struct device *d)
{
	struct console *c = d->state;
	struct vq *vq = &d->queues[KN_CONSOLE_RX];
	struct vq_chain chain;
	bool used = false;
	char why[128];
	int got = 0;

	while (c->len && (got = vq_take_chain(vq, &g->mem, &chain, why, sizeof(why))) > 0) {
		vq_put_used(vq, chain.head, fill_chain(c, &chain));
		used = true;
	}
	if (got < 0)
		return bad_virtqueue(g, why);
	return used ? send_irq(g, vq->irq) : LAUNCHER_RUNNING;
}

/*L:605 Input the guest has not taken yet waits here; if even this
 * fills, the overflow is reported, never lost in silence. */
static void keep_input(struct guest *g, struct console *c, const char *buf, uint32_t n)
{
	uint32_t lost = 0;

	if (n > CONSOLE_INPUT_MAX - c->len) {
		lost = n - (CONSOLE_INPUT_MAX - c->len);
		n -= lost;
	}
	memcpy(c->input + c->len, buf, n);
	c->len += n;
	if (lost) {
		output_flush(&g->out);
		fprintf(stderr, "launcher: guest %s: console input full (%u bytes): %u typed bytes "
			"lost\n", g->name, CONSOLE_INPUT_MAX, lost);
	}
}

/* Read until the host has nothing more (EAGAIN); a read of 0 is the
 * host's end of file, a Ctrl-D, passed on as one. */
static int read_console(struct guest *g, struct console *c)
{
	static const char eof = KEY_EOF;
	char buf[256];
	ssize_t n;

	while ((n = read(c->fd, buf, sizeof(buf))) >= 0)
		keep_input(g, c, n ? buf : &eof, n ? (uint32_t)n : 1);
	if (n < 0 && errno != EAGAIN) {
		output_flush(&g->out);
		fprintf(stderr, "launcher: /dev/console: %s\n", strerror(errno));
		return LAUNCHER_EXIT_ERROR;
	}
	return LAUNCHER_RUNNING;
}

static int console_kick(struct guest *g, struct device *d, uint32_t q)
{
	if (q == KN_CONSOLE_TX)
		return send_output(g, d);
	return deliver_input(g, d);
}

static int console_input(struct guest *g, struct device *d)
{
	int status = read_console(g, d->state);

	return status == LAUNCHER_RUNNING ? deliver_input(g, d) : status;
}

static const struct device_ops console_ops = {
	.name = "console",
	.type = KN_DEV_CONSOLE,
	.num_queues = 2,
	.kick = console_kick,
	.input = console_input,
};

uint32_t console_pending(const char **bytes)
{
	*bytes = console.input;
	return console.len;
}

void console_set_pending(const char *bytes, uint32_t len)
{
	console.len = len < CONSOLE_INPUT_MAX ? len : CONSOLE_INPUT_MAX;
	memcpy(console.input, bytes, console.len);
}

int console_add(struct guest *g)
{
	console.fd = open("/dev/console", O_RDONLY | O_NONBLOCK);
	if (console.fd < 0) {
		fprintf(stderr, "launcher: /dev/console: %s\n", strerror(errno));
		return -1;
	}
	return device_add(g, &console_ops, &console);
}
