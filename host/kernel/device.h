/* host/kernel/device.h: open files and the /dev registry (host/kernel/device.c, U:220).
 *
 * Every open file, a module file or a device, is a struct file driven by
 * a table of operations. User buffers reach the operations as user
 * addresses (ubuf, uarg): an operation moves bytes only with
 * copy_from_user/copy_to_user (host/kernel/usercopy.h), which check them.
 * Any operation may be NULL: read and write then fail with -EINVAL,
 * ioctl with -ENOTTY, truncate and fsync (files on /var) with -EINVAL. release runs once, when the last descriptor that
 * refers to the file is closed, which includes the exit of its process
 * (current is still that process, with its address space intact). */
#ifndef HOST_DEVICE_H
#define HOST_DEVICE_H

#include <stdint.h>

struct file;

struct device_ops {
	int (*open)(struct file *f);
	void (*release)(struct file *f);
	int32_t (*read)(struct file *f, uint32_t ubuf, uint32_t len);
	int32_t (*write)(struct file *f, uint32_t ubuf, uint32_t len);
	int32_t (*ioctl)(struct file *f, uint32_t request, uint32_t uarg);
	int32_t (*truncate)(struct file *f, uint32_t size);
	int32_t (*fsync)(struct file *f);
};

struct file {
	const struct device_ops *ops;
	void *private;			/* the driver's */
	uint32_t flags;			/* O_* given to open */
	uint32_t offset;		/* for files: the next byte to read */
	uint32_t refs;			/* descriptors sharing it; 0 = free */
	uint32_t type;			/* K_TYPE_FILE or K_TYPE_DEVICE */
	uint32_t size;			/* for files */
};

#define DEVICE_MAX	16

/* "console" becomes /dev/console. Call at start-up, before any process
 * opens it; registering a name twice is a host bug. */
void device_register(const char *name, const struct device_ops *ops);
/* The device called name ("console", not "/dev/console"), or NULL. */
const struct device_ops *device_find(const char *name);
/* The name of the index-th device, or NULL past the end. */
const char *device_name(uint32_t index);
/* Registers /dev/null. */
void device_init(void);

#endif
