/* host/kernel/file.h: descriptors and open files (host/kernel/file.c, U:230). */
#ifndef HOST_FILE_H
#define HOST_FILE_H

#include <stdint.h>
#include "host/kernel/device.h"
#include "host/kernel/proc.h"

#define FILE_MAX	256	/* open files in the whole host */

/* A free struct file with one reference, or NULL when all are in use. */
struct file *file_alloc(void);
/* Another descriptor now refers to f. */
void file_get(struct file *f);
/* One reference fewer; the last one calls release and frees f. */
void file_put(struct file *f);
/* For a file whose open failed: free it without calling release. */
void file_free_unopened(struct file *f);

/* The lowest free descriptor of p, or -EMFILE. */
int32_t fd_free_slot(const struct process *p);
/* A new device file on ops with this private and O_* flags, behind p's
 * lowest free descriptor: the descriptor, or -EMFILE. */
int32_t fd_install(struct process *p, const struct device_ops *ops, void *private, uint32_t flags);
/* The file behind descriptor fd of p, or NULL. */
struct file *fd_lookup(const struct process *p, uint32_t fd);
int32_t fd_close(struct process *p, uint32_t fd);
void fd_close_all(struct process *p);

int32_t file_read(struct file *f, uint32_t ubuf, uint32_t len);
int32_t file_write(struct file *f, uint32_t ubuf, uint32_t len);
int32_t file_seek(struct file *f, int32_t offset, uint32_t whence);
int32_t file_ioctl(struct file *f, uint32_t request, uint32_t uarg);
int32_t file_truncate(struct file *f, uint32_t size);
int32_t file_fsync(struct file *f);

#endif
