/* guest/kernel/file.h: open files and descriptors (file.c, G:450). */
#ifndef GUEST_KERNEL_FILE_H
#define GUEST_KERNEL_FILE_H

#include <stdint.h>
#include "guest/kernel/proc.h"

enum file_kind { FILE_CONSOLE, FILE_NULL, FILE_INODE, FILE_DIR, FILE_PIPE };

struct pipe;

/* An open file, shared by the descriptors that fork and dup make. */
struct file {
	enum file_kind kind;
	uint32_t refs;
	uint32_t inum;			/* FILE_INODE, FILE_DIR */
	uint32_t offset;
	uint32_t flags;			/* open()'s flags; a pipe's end: O_RDONLY or O_WRONLY */
	struct pipe *pipe;		/* FILE_PIPE */
};

struct file *file_open_kind(enum file_kind kind, uint32_t inum, uint32_t flags);
void file_hold(struct file *f);
void file_release(struct file *f);
bool file_in_use(uint32_t inum);

int32_t fd_install(struct proc *p, struct file *f);
struct file *fd_get(struct proc *p, int32_t fd);
int32_t fd_close(struct proc *p, int32_t fd);
void fds_copy(struct proc *to, struct proc *from);
void fds_close_all(struct proc *p);
int32_t fds_open_console(struct proc *p);

/* pipe.c (G:830) */
struct pipe *pipe_alloc(void);
void pipe_close(struct pipe *p, bool writer);
int32_t pipe_read(struct pipe *p, char *buf, uint32_t len);
int32_t pipe_write(struct pipe *p, const char *buf, uint32_t len);

#endif
