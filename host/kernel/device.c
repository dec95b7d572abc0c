/*U:220 host/kernel/device.c: the /dev namespace.
 *
 * A driver hands the host a name and a struct device_ops; from then on
 * open("/dev/NAME") gives a struct file that calls the driver. That is
 * the whole driver model: the console (host/kernel/condev.c), /dev/null below,
 * and the hypervisor itself, /dev/kennel, whose ioctl runs a guest. The
 * file system (host/kernel/fs.c) lists these names under /dev. Next: the
 * descriptors that point at open files, host/kernel/file.c (U:230). */
#include "lib/string.h"
#include "host/kernel/device.h"
#include "host/kernel/console.h"

struct device {
	const char *name;
	const struct device_ops *ops;
};

static struct device devices[DEVICE_MAX];
static uint32_t ndevices;

void device_register(const char *name, const struct device_ops *ops)
{
	BUG_ON(ndevices == DEVICE_MAX || device_find(name) != NULL);
	devices[ndevices].name = name;
	devices[ndevices].ops = ops;
	ndevices++;
}

const struct device_ops *device_find(const char *name)
{
	for (uint32_t i = 0; i < ndevices; i++)
		if (strcmp(devices[i].name, name) == 0)
			return devices[i].ops;
	return NULL;
}

const char *device_name(uint32_t index)
{
	return index < ndevices ? devices[index].name : NULL;
}

/* /dev/null: reads find the end at once, writes vanish. */
static int32_t null_read(struct file *f, uint32_t ubuf, uint32_t len)
{
	(void)f, (void)ubuf, (void)len;
	return 0;
}

static int32_t null_write(struct file *f, uint32_t ubuf, uint32_t len)
{
	(void)f, (void)ubuf;
	return (int32_t)len;
}

static const struct device_ops null_ops = {
	.read = null_read,
	.write = null_write,
};

void device_init(void)
{
	device_register("null", &null_ops);
}
