/*G:830 guest/kernel/pipe.c: pipes, the shell's "|".
 *
 * A pipe is a ring of PIPE_SIZE bytes with two ends, each an open file
 * (file.c): what is written at one end is read at the other, in order.
 * A read waits while the ring is empty and a writer remains, then takes
 * what is there; once the last writer has closed, an empty pipe reads as
 * end of file (0). A write waits while the ring is full and a reader
 * remains, and returns only when every byte is in; with no reader left,
 * nobody could ever read it, so the writer gets SIGPIPE (G:820) and the
 * call fails with -EPIPE. A signal ends either wait (-EINTR). Readers and
 * writers sleep on the pipe itself and wake each other as they go, so a
 * pipeline of programs runs in step. Next: the system calls, G:460. */
#include "guest/kernel/file.h"
#include "guest/kernel/kernel.h"
#include "guest/kernel/paravirt.h"
#include "guest/kernel/proc.h"

#define PIPE_SIZE	512
#define NPIPE		32

struct pipe {
	char buf[PIPE_SIZE];
	uint32_t head, tail;		/* free-running; irq_save guards */
	uint32_t readers, writers;	/* open files on each end; 0 0: free */
};

static struct pipe pipes[NPIPE];

struct pipe *pipe_alloc(void)
{
	uint32_t flags = pv_irq_save();
	struct pipe *found = NULL;

	for (uint32_t i = 0; i < NPIPE && !found; i++) {
		if (pipes[i].readers || pipes[i].writers)
			continue;
		found = &pipes[i];
		found->head = found->tail = 0;
		found->readers = found->writers = 1;
	}
	pv_irq_restore(flags);
	return found;
}

void pipe_close(struct pipe *p, bool writer)
{
	uint32_t flags = pv_irq_save();

	if (writer)
		p->writers--;
	else
		p->readers--;
	pv_irq_restore(flags);
	wakeup(p);
}

int32_t pipe_read(struct pipe *p, char *buf, uint32_t len)
{
	uint32_t flags = pv_irq_save(), n = 0;

	while (p->head == p->tail && p->writers && !current->killed)
		sleep_on(p);
	while (n < len && p->tail != p->head)
		buf[n++] = p->buf[p->tail++ % PIPE_SIZE];
	pv_irq_restore(flags);
	wakeup(p);
	if (!n && p->writers)
		return -EINTR;
	return (int32_t)n;
}

/*G:831 A write with no reader is the writer's end: SIGPIPE. */
int32_t pipe_write(struct pipe *p, const char *buf, uint32_t len)
{
	uint32_t flags = pv_irq_save(), n = 0;

	while (n < len && p->readers && !current->killed) {
		if (p->head - p->tail == PIPE_SIZE) {
			wakeup(p);
			sleep_on(p);
			continue;
		}
		p->buf[p->head++ % PIPE_SIZE] = buf[n++];
	}
	pv_irq_restore(flags);
	wakeup(p);
	if (n == len)
		return (int32_t)n;
	if (!p->readers) {
		proc_kill(current->pid, PUP_SIGPIPE);
		return -EPIPE;
	}
	return n ? (int32_t)n : -EINTR;
}
