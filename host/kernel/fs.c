/*U:240 host/kernel/fs.c: a read-only file system made of the boot modules.
 *
 * The boot loader already put every file kennel needs in memory: each
 * Multiboot module is one file, named by the first word of its line
 * (/bin/hello, /guest/pup.elf). There is no disk format at all.
 * Directories are implied by the names: /bin exists because /bin/hello
 * does, and listing it finds each distinct next component. The devices
 * registered with device_register appear under /dev, which always
 * exists. Module files can be read and sought; nothing can be written
 * (-EROFS). /var, when the host has a disk, is the writable exception:
 * every path at or below it goes to host/kernel/var.c (U:810).
 *
 * Every call starts by resolving its path: made canonical (one slash
 * between components, none at the end), then classified as a device, a
 * module file, an implied directory, or nothing. Next: the console, the
 * one device every program has open, host/kernel/condev.c (U:250). */
#include "lib/string.h"
#include "host/kernel/fs.h"
#include "host/kernel/layout.h"
#include "host/kernel/console.h"
#include "host/kernel/usercopy.h"
#include "host/kernel/var.h"

#define DEV_PREFIX "/dev/"

static const struct boot_info *boot;
static bool usable[BOOT_MAX_MODULES];

struct lookup {
	char path[K_PATH_MAX];
	const struct device_ops *dev;
	const struct boot_module *mod;
	bool dir;
	bool var;			/* at or below /var: var.c's */
};

void fs_init(const struct boot_info *bi)
{
	boot = bi;
	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];

		usable[i] = m->name[0] == '/' && m->end <= DIRECT_MAP_SIZE;
		if (!usable[i])
			kprintf("fs: ignoring module '%s': %s\n", m->name,
				m->name[0] == '/' ? "above the direct map" : "its name is not a path");
	}
}

static int32_t canonical(const char *in, char *out)
{
	uint32_t n = 0;

	if (in[0] != '/')
		return -ENOENT;
	for (; *in; in++) {
		if (*in == '/' && n && out[n - 1] == '/')
			continue;
		if (n + 1 >= K_PATH_MAX)
			return -ENAMETOOLONG;
		out[n++] = *in;
	}
	if (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
	return 0;
}

/* If name lies below dir, its first component there goes into comp, and
 * *sub says whether more of the name follows (comp is a directory). */
static bool child_of(const char *dir, const char *name, char *comp, bool *sub)
{
	size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	const char *rest;
	size_t n = 0;

	if (strncmp(name, dir, dl) != 0 || name[dl] != '/')
		return false;
	rest = name + dl + 1;
	while (rest[n] && rest[n] != '/')
		n++;
	if (n == 0 || n >= K_NAME_MAX)
		return false;
	memcpy(comp, rest, n);
	comp[n] = '\0';
	*sub = rest[n] == '/';
	return true;
}

static const char *module_name(unsigned i)
{
	return usable[i] ? boot->modules[i].name : NULL;
}

/* Modules under /dev are hidden behind the devices. */
static bool visible(const char *name)
{
	return name && !starts_with(name, DEV_PREFIX);
}

static void resolve_module(struct lookup *lk)
{
	char comp[K_NAME_MAX];
	bool sub;

	for (unsigned i = 0; i < boot->nmodules; i++) {
		const char *name = module_name(i);

		if (!visible(name))
			continue;
		if (strcmp(name, lk->path) == 0 && !lk->mod)
			lk->mod = &boot->modules[i];
		else if (child_of(lk->path, name, comp, &sub))
			lk->dir = true;
	}
	if (lk->mod)
		lk->dir = false;
}

static int32_t resolve(const char *path, struct lookup *lk)
{
	int32_t err;

	lk->path[0] = '\0';
	err = canonical(path, lk->path);
	lk->dev = NULL;
	lk->mod = NULL;
	lk->dir = false;
	lk->var = false;
	if (err)
		return err;
	if (var_mounted() && var_path(lk->path))
		lk->var = true;
	else if (starts_with(lk->path, DEV_PREFIX))
		lk->dev = device_find(lk->path + strlen(DEV_PREFIX));
	else if (strcmp(lk->path, "/") == 0 || strcmp(lk->path, "/dev") == 0)
		lk->dir = true;
	else
		resolve_module(lk);
	return lk->dev || lk->mod || lk->dir || lk->var ? 0 : -ENOENT;
}

int32_t fs_stat(const char *path, struct k_stat *st)
{
	struct lookup lk;
	int32_t err = resolve(path, &lk);

	if (err)
		return err;
	if (lk.var)
		return var_stat(lk.path, st);
	st->type = lk.dev ? K_TYPE_DEVICE : lk.mod ? K_TYPE_FILE : K_TYPE_DIR;
	st->size = lk.mod ? lk.mod->end - lk.mod->start : 0;
	return 0;
}

/* Was comp already produced, as a child of dir, by a module before i? */
static bool seen_before(const char *dir, unsigned i, const char *comp)
{
	char other[K_NAME_MAX];
	bool sub;

	for (unsigned j = 0; j < i; j++)
		if (visible(module_name(j)) && child_of(dir, module_name(j), other, &sub) &&
		    strcmp(other, comp) == 0)
			return true;
	return false;
}

static void fill_dirent(struct k_dirent *d, uint32_t type, uint32_t size, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->type = type;
	d->size = size;
	strlcpy(d->name, name, sizeof(d->name));
}

static int32_t module_entry(const char *dir, uint32_t index, struct k_dirent *d)
{
	char comp[K_NAME_MAX];
	bool sub;

	for (unsigned i = 0; i < boot->nmodules; i++) {
		const struct boot_module *m = &boot->modules[i];

		if (!visible(module_name(i)) || !child_of(dir, m->name, comp, &sub) ||
		    seen_before(dir, i, comp) || index-- != 0)
			continue;
		fill_dirent(d, sub ? K_TYPE_DIR : K_TYPE_FILE, sub ? 0 : m->end - m->start, comp);
		return 0;
	}
	return -ENOENT;
}

/* Entry index of a directory: for "/", "dev" comes first, then "var"
 * when it is mounted. */
static int32_t root_entry(uint32_t index, struct k_dirent *d)
{
	if (index == 0) {
		fill_dirent(d, K_TYPE_DIR, 0, "dev");
		return 0;
	}
	if (var_mounted() && index == 1) {
		fill_dirent(d, K_TYPE_DIR, 0, "var");
		return 0;
	}
	return module_entry("/", index - 1 - var_mounted(), d);
}

int32_t fs_readdir(const char *path, uint32_t index, struct k_dirent *d)
{
	struct lookup lk;
	int32_t err = resolve(path, &lk);

	if (err)
		return err;
	if (lk.var)
		return var_readdir(lk.path, index, d);
	if (!lk.dir)
		return -ENOTDIR;
	if (strcmp(lk.path, "/dev") == 0) {
		if (!device_name(index))
			return -ENOENT;
		fill_dirent(d, K_TYPE_DEVICE, 0, device_name(index));
		return 0;
	}
	if (strcmp(lk.path, "/") == 0)
		return root_entry(index, d);
	return module_entry(lk.path, index, d);
}

static int32_t module_read(struct file *f, uint32_t ubuf, uint32_t len)
{
	const struct boot_module *m = f->private;
	const uint8_t *bytes = phys_to_virt(m->start);
	uint32_t n;

	if (f->offset >= f->size)
		return 0;
	n = len < f->size - f->offset ? len : f->size - f->offset;
	if (copy_to_user(ubuf, bytes + f->offset, n))
		return -EFAULT;
	f->offset += n;
	return (int32_t)n;
}

static const struct device_ops module_ops = {
	.read = module_read,
};

static int32_t open_device(const struct device_ops *dev, struct file *f)
{
	f->ops = dev;
	f->type = K_TYPE_DEVICE;
	return dev->open ? dev->open(f) : 0;
}

static int32_t open_module(const struct boot_module *m, struct file *f)
{
	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	f->ops = &module_ops;
	f->private = (void *)m;
	f->type = K_TYPE_FILE;
	f->size = m->end - m->start;
	return 0;
}

int32_t fs_open(const char *path, uint32_t flags, struct file *f)
{
	struct lookup lk;
	int32_t err = resolve(path, &lk);

	if (err == -ENOENT && (flags & O_CREAT) && lk.path[0] && !var_path(lk.path))
		return -EROFS;
	if (err)
		return err;
	if (lk.var)
		return var_open(lk.path, flags, f);
	if (lk.dir)
		return -EISDIR;
	f->flags = flags;
	return lk.dev ? open_device(lk.dev, f) : open_module(lk.mod, f);
}

int32_t fs_file_bytes(const char *path, const uint8_t **data, uint32_t *size)
{
	struct lookup lk;
	int32_t err = resolve(path, &lk);

	if (err)
		return err;
	if (!lk.mod)
		return lk.dir ? -EISDIR : -ENOEXEC;
	*data = phys_to_virt(lk.mod->start);
	*size = lk.mod->end - lk.mod->start;
	return 0;
}

/*U:245 Changing names: only /var can. Elsewhere a name that exists is on
 * the read-only module file system (-EROFS); one that does not, -ENOENT
 * (or -EROFS for a new name: nothing can be made there). */
static int32_t writable(const char *path, struct lookup *lk, bool new_name)
{
	int32_t err = resolve(path, lk);

	if (lk->var)
		return 0;
	if (err == -ENOENT && new_name && lk->path[0])
		return -EROFS;
	return err ? err : -EROFS;
}

int32_t fs_unlink(const char *path)
{
	struct lookup lk;
	int32_t err = writable(path, &lk, false);

	return err ? err : var_unlink(lk.path);
}

int32_t fs_mkdir(const char *path)
{
	struct lookup lk;
	int32_t err = writable(path, &lk, true);

	return err ? err : var_mkdir(lk.path);
}

int32_t fs_rmdir(const char *path)
{
	struct lookup lk;
	int32_t err = writable(path, &lk, false);

	return err ? err : var_rmdir(lk.path);
}

int32_t fs_rename(const char *from, const char *to)
{
	struct lookup a, b;
	int32_t err = writable(from, &a, false);

	if (err)
		return err;
	if ((err = writable(to, &b, true)))
		return err == -EROFS ? -EXDEV : err;
	return var_rename(a.path, b.path);
}

int32_t fs_statfs(const char *path, struct k_statfs *st)
{
	struct lookup lk;
	int32_t err = resolve(path, &lk);

	if (err)
		return err;
	if (!lk.var)
		return -ENOSYS;
	return var_statfs(st);
}
