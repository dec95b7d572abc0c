/* guest/kernel/usercopy.h: the only way pup's kernel touches a program's
 * memory (usercopy.c, G:320). Each returns 0 or -EFAULT; a failed copy
 * may have copied part. */
#ifndef GUEST_KERNEL_USERCOPY_H
#define GUEST_KERNEL_USERCOPY_H

#include <stdbool.h>
#include <stdint.h>

int32_t user_check(uint32_t addr, uint32_t len, bool write);
int32_t copy_from_user(void *dst, uint32_t usrc, uint32_t len);
int32_t copy_to_user(uint32_t udst, const void *src, uint32_t len);
/* A NUL-terminated string of at most size - 1 bytes: its length,
 * -EFAULT, or -ENAMETOOLONG if it does not fit. */
int32_t copy_string_from_user(char *dst, uint32_t usrc, uint32_t size);

#endif
