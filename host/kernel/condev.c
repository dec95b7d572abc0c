/*U:250 host/kernel/condev.c: /dev/console, the terminal every program shares.
 *
 * Output. Each process has a line buffer here; its bytes go to the serial
 * port a whole line at a time (at a newline, when CONSOLE_LINE bytes have
 * piled up, and when it exits), so two programs printing at once never
 * splice their lines together. One exception: the process with focus
 * shows its unfinished line when it waits for input, because that line is
 * a prompt (console_prompt).
 *
 * Input. Serial input is taken as it arrives (in the UART's interrupt)
 * into one buffer, with Enter's CR turned into '\n'. Only one process
 * may read it: the one with console focus. Processes join the focus ring
 * the first time they read the console, and the first to join has focus;
 * CONSOLE_FOCUS_KEY (Ctrl-T) passes focus to the next member, and the host
 * says so on a line of its own. CONSOLE_MONITOR_KEY (Ctrl-]) passes it
 * straight to the process that claimed that key (the host monitor,
 * user/bin/monitor.c), wherever it is in the ring. The focus line names
 * the new holder by the label it gave itself with CONSOLE_SET_LABEL (a
 * Launcher gives its guest's name), or else by pid and program. A read blocks until the reader has focus
 * and input is waiting (or fails with -EAGAIN under O_NONBLOCK), then
 * returns what is there up to and including the first newline. Ctrl-D
 * reads as end of file: a read that meets it first returns 0. The host
 * does not echo: that is the reading program's choice.
 *
 * Arriving input also wakes the focus holder with proc_wake, whatever it
 * is blocked in: a Launcher running its guest inside the hypervisor
 * device notices console_input_ready() and comes back to read. Next: the
 * scheduler that decides who runs, host/kernel/sched.c (U:300). */
#include "arch/x86/cpu.h"
#include "lib/string.h"
#include "host/kernel/condev.h"
#include "host/kernel/device.h"
#include "host/kernel/sched.h"
#include "host/kernel/serial.h"
#include "host/kernel/console.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/timer.h"

#define INPUT_SIZE	8192	/* a power of two: a long paste fits */
#define EOF_KEY		0x04	/* Ctrl-D */

struct line {
	char buf[CONSOLE_LINE];
	uint32_t len;
	uint32_t shown;			/* bytes already on the screen (a prompt) */
};

static struct line out[PROC_MAX];		/* by process slot */
static char input[INPUT_SIZE];
static uint32_t in_head, in_tail;		/* free-running; irq_save guards */
static bool after_cr;				/* swallow the LF of a CR LF */
static uint32_t dropped;			/* input lost to a full buffer */
static struct process *ring[PROC_MAX];		/* the focus ring */
static uint32_t nring, focus;
static struct process *monitor;			/* CONSOLE_CLAIM_MONITOR */
static char labels[PROC_MAX][K_NAME_MAX];	/* CONSOLE_SET_LABEL, by slot */
static const char readers;			/* the channel readers sleep on */

/* Put p's line on the screen: the part not shown yet if the screen still
 * ends with p's prompt, else the whole line again (someone else's text
 * came in between: B:046). An unfinished line stays in the buffer. */
static void show_line(struct process *p, struct line *l)
{
	uint32_t from = console_owns_end(p) ? l->shown : 0;

	console_write_as(p, l->buf + from, l->len - from);
	l->shown = l->len;
}

/* The new focus holder's prompt, if it left one, shown whole below the
 * focus line, since whatever it typed next belongs to that line. */
static void show_prompt_again(struct process *p)
{
	struct line *l = &out[proc_slot(p)];

	if (l->len && !console_owns_end(p))
		show_line(p, l);
}

void console_flush(struct process *p)
{
	struct line *l = &out[proc_slot(p)];

	if (l->len > l->shown)
		show_line(p, l);
}

/* The end of a line, or a full buffer, or an exit: the line is done. */
static void finish_line(struct process *p)
{
	struct line *l = &out[proc_slot(p)];

	show_line(p, l);
	l->len = l->shown = 0;
}

static void put_char(struct process *p, char c)
{
	struct line *l = &out[proc_slot(p)];

	l->buf[l->len++] = c;
	if (c == '\n' || l->len == CONSOLE_LINE)
		finish_line(p);
}

static int32_t con_write(struct file *f, uint32_t ubuf, uint32_t len)
{
	char chunk[128];
	uint32_t n, flags;

	(void)f;
	for (uint32_t done = 0; done < len; done += n) {
		n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		if (copy_from_user(chunk, ubuf + done, n))
			return done ? (int32_t)done : -EFAULT;
		flags = irq_save();	/* the focus key shows prompts (below) */
		for (uint32_t i = 0; i < n; i++)
			put_char(current, chunk[i]);
		irq_restore(flags);
	}
	return (int32_t)len;
}

/* The focus ring. The input interrupt reads it, so changes are made
 * with interrupts off. */
static int ring_index(const struct process *p)
{
	for (uint32_t i = 0; i < nring; i++)
		if (ring[i] == p)
			return (int)i;
	return -1;
}

static struct process *focus_holder(void)
{
	return nring ? ring[focus] : NULL;
}

static void announce_focus(void)
{
	struct process *p = focus_holder();

	if (!p)
		return;
	if (labels[proc_slot(p)][0])
		kprintf("[console focus: %s]\n", labels[proc_slot(p)]);
	else
		kprintf("[console focus: pid %d (%s)]\n", p->pid, p->name);
	show_prompt_again(p);
	proc_wake(p);
}

void console_join(struct process *p)
{
	uint32_t flags = irq_save();

	if (ring_index(p) < 0 && nring < PROC_MAX)
		ring[nring++] = p;
	irq_restore(flags);
}

static void leave_ring(struct process *p)
{
	int i = ring_index(p);
	bool had_focus = i >= 0 && (uint32_t)i == focus;

	if (i < 0)
		return;
	memmove(&ring[i], &ring[i + 1], (nring - (uint32_t)i - 1) * sizeof(ring[0]));
	nring--;
	if ((uint32_t)i < focus)
		focus--;
	if (focus >= nring)
		focus = 0;
	if (had_focus)
		announce_focus();
}

void console_proc_exit(struct process *p)
{
	uint32_t flags;

	console_flush(p);
	out[proc_slot(p)].len = out[proc_slot(p)].shown = 0;
	flags = irq_save();
	if (monitor == p)
		monitor = NULL;
	labels[proc_slot(p)][0] = '\0';
	leave_ring(p);
	irq_restore(flags);
}

/* A prompt is an unfinished line whose writer now waits for an answer: it
 * must be seen, and only the focus holder's can be answered. */
void console_prompt(struct process *p)
{
	uint32_t flags = irq_save();
	bool has_focus = focus_holder() == p;

	irq_restore(flags);
	if (has_focus)
		console_flush(p);
}

bool console_input_ready(struct process *p)
{
	uint32_t flags = irq_save();
	bool ready = focus_holder() == p && in_head != in_tail;

	irq_restore(flags);
	return ready;
}

static void input_put(char c)
{
	bool was_cr = after_cr;

	after_cr = c == '\r';
	if (c == '\n' && was_cr)
		return;
	if (in_head - in_tail < INPUT_SIZE)
		input[in_head++ % INPUT_SIZE] = c == '\r' ? '\n' : c;
	else
		dropped++;
}

/* Input nobody reads piles up to INPUT_SIZE bytes; beyond that it is
 * lost, and the host says how much rather than drop it quietly: at the
 * first loss, then at most every REPORT_TICKS, so a long paste costs a few
 * lines of output, not one per interrupt. What is lost since the last
 * report is told with the next input that arrives after that. */
#define REPORT_TICKS	(TIMER_HZ / 2)

static void report_dropped(void)
{
	static uint64_t last_report;
	uint64_t now = timer_ticks();

	if (!dropped || (last_report && now - last_report < REPORT_TICKS))
		return;
	last_report = now;
	kprintf("[console: input buffer full (%u bytes): %u typed bytes lost]\n", INPUT_SIZE,
		dropped);
	dropped = 0;
}

/* serial_input_hook: interrupt context. */
static void console_input(void)
{
	int c;

	while ((c = serial_getc()) >= 0) {
		if (c == CONSOLE_FOCUS_KEY && nring) {
			focus = (focus + 1) % nring;
			announce_focus();
		} else if (c == CONSOLE_MONITOR_KEY && monitor && ring_index(monitor) >= 0) {
			focus = (uint32_t)ring_index(monitor);
			announce_focus();
		} else if (c != CONSOLE_FOCUS_KEY && c != CONSOLE_MONITOR_KEY) {
			input_put((char)c);
		}
	}
	report_dropped();
	wakeup(&readers);
	if (focus_holder())
		proc_wake(focus_holder());
}

/* Up to max bytes, through the first newline; 0 for a leading Ctrl-D.
 * Interrupts are off. */
static int32_t take_line(char *dst, uint32_t max)
{
	uint32_t n = 0;

	if (input[in_tail % INPUT_SIZE] == EOF_KEY) {
		in_tail++;
		return 0;
	}
	while (n < max && in_head != in_tail) {
		char c = input[in_tail % INPUT_SIZE];

		if (c == EOF_KEY)
			break;
		dst[n++] = c;
		in_tail++;
		if (c == '\n')
			break;
	}
	return (int32_t)n;
}

static int32_t wait_for_input(const struct file *f)
{
	while (!console_input_ready(current)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (proc_should_stop(current))
			return -EINTR;
		sleep_on(&readers);
	}
	return 0;
}

static int32_t con_read(struct file *f, uint32_t ubuf, uint32_t len)
{
	char line[CONSOLE_LINE];
	uint32_t flags;
	int32_t n;

	if (len == 0)
		return 0;
	console_join(current);
	console_prompt(current);
	flags = irq_save();
	n = wait_for_input(f);
	if (n == 0)
		n = take_line(line, len < sizeof(line) ? len : sizeof(line));
	irq_restore(flags);
	if (n > 0 && copy_to_user(ubuf, line, (uint32_t)n))
		return -EFAULT;
	return n;
}

/* CONSOLE_CLAIM_MONITOR: the caller joins the ring, gets the monitor key
 * (unless another process has it) and, with it, the keyboard: whoever
 * starts a monitor wants to type to it. */
static int32_t claim_monitor(void)
{
	uint32_t flags;
	int32_t err = 0;

	console_join(current);
	flags = irq_save();
	if (monitor && monitor != current)
		err = -EBUSY;
	else
		monitor = current;
	if (!err && ring_index(current) >= 0 && focus_holder() != current) {
		focus = (uint32_t)ring_index(current);
		announce_focus();
	}
	irq_restore(flags);
	return err;
}

/* CONSOLE_GIVE_FOCUS: focus to the ring member with that pid. */
static int32_t give_focus(int32_t pid)
{
	uint32_t flags = irq_save();
	int32_t err = -ESRCH;

	for (uint32_t i = 0; i < nring && err; i++)
		if (ring[i]->pid == pid) {
			focus = i;
			announce_focus();
			err = 0;
		}
	irq_restore(flags);
	return err;
}

/* CONSOLE_SET_LABEL: printable, not empty, with its NUL in K_NAME_MAX. */
static int32_t set_label(uint32_t ulabel)
{
	char label[K_NAME_MAX];
	int32_t n = copy_string_from_user(label, ulabel, sizeof(label));
	uint32_t flags;

	if (n == -EFAULT)
		return n;
	if (n <= 0)
		return -EINVAL;
	for (int32_t i = 0; i < n; i++)
		if (label[i] < 0x21 || label[i] > 0x7e)
			return -EINVAL;
	flags = irq_save();
	memcpy(labels[proc_slot(current)], label, (uint32_t)n + 1);
	irq_restore(flags);
	return 0;
}

static int32_t con_ioctl(struct file *f, uint32_t request, uint32_t uarg)
{
	(void)f;
	if (request == CONSOLE_SET_LABEL)
		return set_label(uarg);
	if (request == CONSOLE_CLAIM_MONITOR)
		return claim_monitor();
	if (request == CONSOLE_GIVE_FOCUS)
		return give_focus((int32_t)uarg);
	return -ENOTTY;
}

static const struct device_ops console_ops = {
	.read = con_read,
	.write = con_write,
	.ioctl = con_ioctl,
};

void console_dev_init(void)
{
	device_register("console", &console_ops);
	serial_input_hook = console_input;
}
