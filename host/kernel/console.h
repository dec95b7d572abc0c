/*B:040 host/kernel/console.h: kprintf and friends, the host's voice.
 *
 * Everything the host says goes to the serial port (COM1), which QEMU
 * connects to the terminal with -serial stdio. kprintf formats into a small
 * buffer and queues the text for the interrupt-driven serial driver; panic
 * and fault reports use the polled path, which works with interrupts off
 * and even when the queue is wedged. */
#ifndef HOST_CONSOLE_H
#define HOST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kprintf_polled(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t len);
/* The same for one of several writers (a process), which may leave its
 * line unfinished; true if the screen still ends with writer's text. */
void console_write_as(const void *writer, const char *s, size_t len);
bool console_owns_end(const void *writer);
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A hypervisor bug, never a guest's doing: say where and stop. */
#define BUG_ON(cond) do { \
	if (cond) \
		panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
} while (0)

#endif
