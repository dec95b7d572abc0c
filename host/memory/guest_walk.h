/* host/memory/guest_walk.h: the walk of the guest's page tables
 * (host/memory/guest_walk.c, V:120), shared by the files of host/memory/
 * only. */
#ifndef HOST_MEMORY_GUEST_WALK_H
#define HOST_MEMORY_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include "host/guest.h"

/* What the walk found for one virtual address: both entries and where in
 * guest memory they are, so that the caller can update their A/D bits. */
struct walk {
	uint32_t pde_gpa, pde, pte_gpa, pte;
};

/* True if both of the guest's entries for va are present (and the guest
 * is still alive); a broken directory entry kills the guest. */
bool walk_guest(struct guest *g, uint32_t va, struct walk *w);
/* May an access with this page-fault error code go through both levels? */
bool access_allowed(const struct walk *w, uint32_t errcode);
/* The frame the PTE names is inside guest memory; otherwise kill. */
bool pte_frame_ok(struct guest *g, uint32_t va, uint32_t pte);
/* Set accessed (and dirty, for a write) in the guest's entries. */
void mark_accessed(struct guest *g, struct walk *w, bool write);

#endif
