/*G:455 guest/kernel/devfs.c: the two files that are not on the disk.
 * /dev/console is the console (what every program has as descriptors 0,
 * 1 and 2), and /dev/null swallows writes and reads as empty. /dev itself
 * is a directory that lists them, whether or not the disk has a /dev.
 * Next: G:460. */
#include "lib/string.h"
#include "guest/kernel/devfs.h"
#include "guest/kernel/fs.h"
#include "guest/kernel/kernel.h"

struct device_file {
	const char *path;
	enum file_kind kind;
};

static const struct device_file devices[] = {
	{ "/dev/console", FILE_CONSOLE },
	{ "/dev/null", FILE_NULL },
};

bool devfs_is_dir(const char *path)
{
	return strcmp(path, "/dev") == 0;
}

bool devfs_lookup(const char *path, enum file_kind *kind)
{
	for (uint32_t i = 0; i < ARRAY_SIZE(devices); i++) {
		if (strcmp(path, devices[i].path) == 0) {
			*kind = devices[i].kind;
			return true;
		}
	}
	return false;
}

int32_t devfs_readdir(uint32_t index, struct pup_dirent *de)
{
	if (index >= ARRAY_SIZE(devices))
		return -ENOENT;
	memset(de, 0, sizeof(*de));
	de->type = PUP_TYPE_DEVICE;
	strlcpy(de->name, path_last(devices[index].path), sizeof(de->name));
	return 0;
}
