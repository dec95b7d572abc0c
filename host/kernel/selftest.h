/* host/kernel/selftest.h: boot-time self checks (host/kernel/selftest.c, B:300). */
#ifndef HOST_SELFTEST_H
#define HOST_SELFTEST_H

void selftest_timer(void);
void selftest_fault(const char *which);
void selftest_echo(void);
void selftest_poison(void);

#endif
