/*U:740 user/include/errno.h: errno, set by every failing library call.
 * The error numbers themselves are the host's (Linux's values), defined once
 * in arch/x86/syscall.h. A host process has a single thread, so errno is a
 * plain global. strerror (string.h) names them. Next: errno.c. */
#ifndef USER_ERRNO_H
#define USER_ERRNO_H

#include "arch/x86/syscall.h"

extern int errno;

#endif
