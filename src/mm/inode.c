/*
 * inode.c - the files of the simulated disk and their open files (fs/inode.c,
 * fs/namei.c's unlink, fs/file_table.c).
 *
 * vm.file makes a regular file on one ext4-like file system: an inode
 * whose address_space (the page cache, filemap.c) starts empty and whose
 * disk blocks hold the file's content value page by page (disk[]), as a
 * file written before a reboot would. The directory entry holds one
 * reference to the inode; every mapping and open file holds another.
 * unlink drops the name's; the pages and the blocks go when the last
 * holder lets go (iput: truncate_inode_pages, then the inode is freed),
 * so a file unlinked while mapped stays readable through its mappings, as
 * in Linux. A tmpfs file is a shmem object with a name: its pages are its
 * only copy of the data.
 *
 * An open file (struct file) carries the readahead state; each mmap holds
 * one (shared by the VMAs split from it and by the children that inherit
 * it), and each read_file/write_file opens its own for the call.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* mapping_grow(): make the per-page arrays hold n pages (a write past EOF). */
int mapping_grow(struct address_space *as, uint64_t n)
{
	uint32_t *pages;
	uint8_t *disk = NULL, *order = NULL;

	if (n <= as->size)
		return 0;
	pages = realloc(as->pages, n * sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	as->pages = pages;
	if (!as->shmem) {
		disk = realloc(as->disk, n);
		if (!disk)
			return -ENOMEM;
		as->disk = disk;
		order = realloc(as->folio_order, n);
		if (!order)
			return -ENOMEM;
		as->folio_order = order;
		if (as->shadows) {
			uint32_t *sh = realloc(as->shadows, n * sizeof(*sh));

			if (!sh)
				return -ENOMEM;
			memset(sh + as->size, 0, (n - as->size) * sizeof(*sh));
			as->shadows = sh;
		}
		memset(as->disk + as->size, 0, n - as->size);	/* a hole reads zero */
		memset(as->folio_order + as->size, 0, n - as->size);
	}
	for (uint64_t i = as->size; i < n; i++)
		as->pages[i] = PFN_NONE;
	as->size = n;
	return 0;
}

static int file_register(struct machine *m, struct address_space *as)
{
	if (m->nr_files == m->files_cap) {
		int cap = m->files_cap ? 2 * m->files_cap : 8;
		struct address_space **n = realloc(m->files, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->files = n;
		m->files_cap = cap;
	}
	m->files[m->nr_files++] = as;
	as->file_id = m->nr_files;
	return as->file_id;
}

struct address_space *file_lookup(struct machine *m, int id)
{
	if (id < 1 || id > m->nr_files || !m->files[id - 1] || !m->files[id - 1]->linked)
		return NULL;
	return m->files[id - 1];
}

static struct address_space *file_by_name(struct machine *m, const char *name)
{
	for (int i = 0; i < m->nr_files; i++)
		if (m->files[i] && m->files[i]->linked && !strcmp(m->files[i]->name, name))
			return m->files[i];
	return NULL;
}

/*
 * A regular file of size bytes on disk, every page value: the inode with
 * the directory's reference. NULL and why in err.
 */
struct address_space *file_create(struct machine *m, const char *name, uint64_t size,
				  uint8_t value, char *err, size_t errlen)
{
	struct address_space *as = calloc(1, sizeof(*as));
	uint64_t n = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (!as || mapping_grow(as, n ? n : 1)) {
		if (as) {
			free(as->pages);
			free(as->disk);
			free(as->folio_order);
		}
		free(as);
		snprintf(err, errlen, "out of host memory for a file of %llu bytes",
			 (unsigned long long)size);
		return NULL;
	}
	memset(as->disk, value, as->size);
	as->init_value = value;
	as->i_size = size;
	INIT_LIST_HEAD(&as->i_mmap);
	as->refs = 1;
	as->id = ++m->next_mapping_id;
	as->linked = true;
	snprintf(as->name, sizeof(as->name), "%s", name);
	return as;
}

int vm_file_create(vm_machine *m, const char *name, uint64_t size, uint8_t value, int tmpfs,
		   char *err, size_t errlen)
{
	struct address_space *as;
	int id;

	if (!name || !*name || strlen(name) >= sizeof(as->name) || strchr(name, '/')) {
		snprintf(err, errlen, "a file name is 1 to %zu characters, without '/'",
			 sizeof(as->name) - 1);
		return -EINVAL;
	}
	if (file_by_name(m, name)) {
		snprintf(err, errlen, "a file named \"%s\" exists", name);
		return -EEXIST;
	}
	if (tmpfs) {
		as = shmem_create(m, (size + PAGE_SIZE - 1) >> PAGE_SHIFT);
		if (as) {
			as->i_size = size;
			as->linked = true;
			as->init_value = value;
			snprintf(as->name, sizeof(as->name), "%s", name);
			/* written when made: its pages are its data (charged to no group) */
			for (uint64_t i = 0; i < as->size; i++) {
				struct page *p = shmem_get_folio(m, NULL, as, i);

				if (!p) {
					snprintf(err, errlen, "no memory for the tmpfs file \"%s\" of "
						 "%llu bytes", name, (unsigned long long)size);
					mapping_put(m, as);
					return -ENOMEM;
				}
				p->value = value;
				SetPageFlag(p, PG_dirty);
			}
		} else {
			snprintf(err, errlen, "out of host memory");
		}
	} else {
		as = file_create(m, name, size, value, err, errlen);
	}
	if (!as)
		return -ENOMEM;
	id = file_register(m, as);
	if (id < 0) {
		snprintf(err, errlen, "out of host memory");
		mapping_put(m, as);
	}
	return id;
}

int vm_file_unlink(vm_machine *m, int file)
{
	struct address_space *as = file_lookup(m, file);

	if (!as)
		return -ENOENT;
	as->linked = false;	/* the handle is spent; mappings keep the inode alive */
	mapping_put(m, as);
	return 0;
}

int64_t vm_file_size(vm_machine *m, int file)
{
	struct address_space *as = file_lookup(m, file);

	return as ? (int64_t)as->i_size : -ENOENT;
}

void files_exit(struct machine *m)
{
	for (int i = 0; i < m->nr_files; i++)
		if (m->files[i] && m->files[i]->linked)
			vm_file_unlink(m, i + 1);
	free(m->files);
	m->files = NULL;
	m->nr_files = m->files_cap = 0;
}

/* ---- open files ---- */

struct file *file_open(struct machine *m, struct address_space *as)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->f_mapping = as;
	f->refs = 1;
	file_ra_state_init(m, &f->f_ra);
	mapping_get(as);
	return f;
}

/* fput(): the last holder closes the file and drops its inode reference. */
void fput(struct machine *m, struct file *f)
{
	if (--f->refs > 0)
		return;
	mapping_put(m, f->f_mapping);
	free(f);
}
