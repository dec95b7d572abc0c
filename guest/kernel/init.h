/* guest/kernel/init.h: pid 1 (init.c, G:500). */
#ifndef GUEST_KERNEL_INIT_H
#define GUEST_KERNEL_INIT_H

void start_init(const char *cmdline);
void system_poweroff(const char *why, int32_t status) __attribute__((noreturn));

#endif
