/* host/kernel/uspace.h: a process's user address space (host/kernel/uspace.c, U:140). */
#ifndef HOST_USPACE_H
#define HOST_USPACE_H

#include <stdbool.h>
#include <stdint.h>
#include "host/kernel/proc.h"

#define MMAP_LIMIT	(USER_STACK_TOP - USER_STACK_SIZE)	/* SYS_MMAP stays below */

/* Give [va, va+len) fresh zeroed pages with these PTE flags (PTE_USER,
 * PTE_RW). A page already mapped is kept, gaining PTE_RW if asked. 0, or
 * -ENOMEM with part of the range mapped: the caller undoes it with
 * uspace_unmap or uspace_destroy. */
int32_t uspace_map(struct process *p, uint32_t va, uint32_t len, uint32_t flags);
/* Unmap every page in [va, va+len) and free its frame. */
void uspace_unmap(struct process *p, uint32_t va, uint32_t len);
/* Copy into p's (mapped) memory through the direct map, whatever the
 * pages' rights: how the loader fills read-only code. */
void uspace_write(struct process *p, uint32_t va, const void *src, uint32_t len);
/* Free every user page, every page table and the directory. p's
 * directory must not be the one in use. */
void uspace_destroy(struct process *p);

/* SYS_MMAP: the address of len bytes of zeroed read-write memory, or
 * -EINVAL, -ENOMEM, -EINTR (killed while mapping). */
int32_t uspace_mmap(struct process *p, uint32_t len);
/* Pin [va, va+len) of p: SYS_MUNMAP refuses to unmap any of it until
 * uspace_unpin with the same range. 0, or -EAGAIN with USPACE_PINS
 * ranges pinned already. */
int32_t uspace_pin(struct process *p, uint32_t va, uint32_t len);
void uspace_unpin(struct process *p, uint32_t va, uint32_t len);
/* Write watches (U:900): [va, va+len) of p, whose armed pages call fn(ctx,
 * page) at their next write, by p or by the OS for p. 0, or -EAGAIN with
 * USPACE_WATCHES ranges watched. Unwatching makes every page of the range
 * writable again. */
int32_t uspace_watch(struct process *p, uint32_t va, uint32_t len, uspace_watch_fn fn, void *ctx);
void uspace_unwatch(struct process *p, uint32_t va, uint32_t len);
/* Arm the page at va (in a watched range, present, writable): read-only
 * until its next write. */
void uspace_watch_arm(struct process *p, uint32_t va);
/* The write to an armed page: writable again, and the watcher told. */
void uspace_watch_resolve(struct process *p, uint32_t va);
/* A user page fault at va with this error code: true if it was a write
 * to an armed page, now resolved (the program retries the write). */
bool uspace_watch_fault(struct process *p, uint32_t va, uint32_t error);

/* uspace.c: first fit, npages unmapped and unreserved pages, or 0. */
uint32_t uspace_find_hole(struct process *p, uint32_t npages);

/* uspace_demand.c (U:920): memory with no frames yet. SYS_MMAP with
 * MMAP_RESERVE: the address, or -EINVAL, -ENOMEM. */
int32_t uspace_mmap_reserve(struct process *p, uint32_t len);
/* Whether all of [va, va+len) is inside one reservation. */
bool uspace_reserved(struct process *p, uint32_t va, uint32_t len);
uint32_t uspace_reserved_end(struct process *p, uint32_t va);
/* SYS_MUNMAP's: true if [va, va+len) was exactly a reservation, now gone. */
bool uspace_unreserve(struct process *p, uint32_t va, uint32_t len);
/* The reservation holding [va, va+len) faults to fn(ctx, page, write)
 * (NULL: to nobody). 0, -EINVAL, or -EBUSY if it has a handler already. */
int32_t uspace_on_fault(struct process *p, uint32_t va, uint32_t len, uspace_fault_fn fn,
			void *ctx);
/* Put frame at va (reserved, empty or borrowed): the process's own,
 * writable, or borrowed, read-only. 0 or -ENOMEM. */
int32_t uspace_install(struct process *p, uint32_t va, uint32_t frame, bool borrowed);
/* The frame mapped at va, whatever its rights, or 0. */
uint32_t uspace_frame_at(struct process *p, uint32_t va);
/* Whether any page of [va, va+len) has a frame yet. */
bool uspace_has_frames(struct process *p, uint32_t va, uint32_t len);
/* A fault at va in a reservation: true if its handler put the page there. */
bool uspace_demand_fault(struct process *p, uint32_t va, bool write);

/* SYS_MUNMAP: 0, -EINVAL, or -EBUSY for a guest's memory. */
int32_t uspace_munmap(struct process *p, uint32_t va, uint32_t len);

#endif
