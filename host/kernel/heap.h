/* host/kernel/heap.h: the kernel heap (host/kernel/heap.c, B:130). */
#ifndef HOST_HEAP_H
#define HOST_HEAP_H

#include <stddef.h>
#include <stdint.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
uint32_t heap_bytes_in_use(void);

#endif
