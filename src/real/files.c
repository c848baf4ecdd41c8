/*
 * files.c - the real run's own files (vm.file on --real).
 *
 * The run's files live in a directory of their own, vmlab-PID.files, under
 * $VMLAB_FILEDIR (else /var/tmp; a tmpfs file under /dev/shm), made at the
 * first vm.file. vm.file writes the file (every byte the content value),
 * fsyncs it and drops it from the page cache with POSIX_FADV_DONTNEED, so
 * it starts on disk and cold, as the simulator's does; a tmpfs file stays
 * in memory, where it lives. "Cold" later is the same: vm.drop_caches()
 * fsyncs the run's files and drops their clean pages, never the host's
 * caches (no /proc/sys/vm/drop_caches).
 *
 * read_file and write_file open the file, call pread(2)/pwrite(2) with
 * VM_IO_CHUNK bytes at a time into one static buffer, and close it: the
 * buffer is faulted in (and mlocked when allowed) before any measurement,
 * so the counts are the kernel's for the file alone.
 *
 * The table of files is the driver's: processes forked after a vm.file
 * know it, as their Lua state knows the handle. At the end of the run, on
 * SIGINT/SIGTERM/SIGHUP and from the watchdog the files and directories
 * are removed (real_files_remove is async-signal-safe: unlink, rmdir,
 * static paths); a later run removes what an earlier one left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "files.h"
#include "procfs.h"
#include "../lib/fdio.h"
#include "../lib/xalloc.h"

#define MAX_FILES	64

struct rfile {
	char path[512];
	bool tmpfs, live;
};

static struct rfile files[MAX_FILES];
static int nfiles;
static char dirs[2][512];		/* the run's directories (made at the first file) */
static unsigned char iobuf[VM_IO_CHUNK] __attribute__((aligned(4096)));
static int iobuf_value = -1;		/* what the buffer holds for writes (-1: not ready) */

const char *real_files_dir(void)
{
	const char *d = getenv("VMLAB_FILEDIR");

	return d && *d ? d : "/var/tmp";
}

/*
 * Evictions the run made itself without meeting a limit (MADV_PAGEOUT):
 * counted in a page every process of the run shares (mapped before the
 * first fork), so that none of them takes another's for the host's.
 */
static uint64_t *own_evictions;

void real_files_init(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	own_evictions = p == MAP_FAILED ? NULL : p;
	if (own_evictions)
		*own_evictions = 0;	/* the shmem page exists from now on */
	snprintf(dirs[0], sizeof(dirs[0]), "%s/vmlab-%d.files", real_files_dir(), (int)getpid());
	snprintf(dirs[1], sizeof(dirs[1]), "/dev/shm/vmlab-%d.files", (int)getpid());
}

/* The run's directory for disk files (0) or tmpfs files (1), made if missing. */
static const char *run_dir(int tmpfs, char *err, size_t en)
{
	const char *d = dirs[tmpfs];

	if (!d[0]) {
		snprintf(err, en, "the run's files are not set up");
		return NULL;
	}
	if (mkdir(d, 0700) && errno != EEXIST) {
		snprintf(err, en, "cannot make %s: %s", d, strerror(errno));
		return NULL;
	}
	return d;
}

int real_files_read_ahead_kb(void)
{
	struct stat st;
	char p[128];
	uint64_t v;

	if (stat(real_files_dir(), &st))
		return -1;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/queue/read_ahead_kb", major(st.st_dev),
		 minor(st.st_dev));
	if (!read_u64(p, &v))
		return (int)v;
	/* a partition: the disk's queue is its parent's */
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/../queue/read_ahead_kb", major(st.st_dev),
		 minor(st.st_dev));
	return read_u64(p, &v) ? -1 : (int)v;
}

/* Fill the I/O buffer with value (pwrite's data), its pages faulted in already. */
static void buffer_fill(int value)
{
	if (iobuf_value != value) {
		memset(iobuf, value, sizeof(iobuf));
		iobuf_value = value;
	}
}

void real_files_buffer_ready(void)
{
	static bool locked;

	if (iobuf_value < 0)
		buffer_fill(0);
	if (!locked) {
		locked = true;
		mlock(iobuf, sizeof(iobuf));	/* best effort: RLIMIT_MEMLOCK may refuse */
	}
}

static const struct rfile *file_of(int id)
{
	return id >= 1 && id <= nfiles && files[id - 1].live ? &files[id - 1] : NULL;
}

const char *real_file_path(int id, int *tmpfs)
{
	const struct rfile *f = file_of(id);

	if (f && tmpfs)
		*tmpfs = f->tmpfs;
	return f ? f->path : NULL;
}

/* Pages of the file in the page cache (mincore(2) of a mapping: it faults nothing in). */
static long cached_pages(int fd)
{
	struct stat st;
	unsigned char *vec;
	long n = 0, pages;
	void *m;

	if (fstat(fd, &st) || st.st_size <= 0)
		return 0;
	pages = (long)((st.st_size + 4095) / 4096);
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 0;
	vec = x_realloc(NULL, (size_t)pages);	/* the arena, never glibc's heap */
	if (vec && !mincore(m, (size_t)st.st_size, vec))
		for (long i = 0; i < pages; i++)
			n += vec[i] & 1;
	x_free(vec);
	munmap(m, (size_t)st.st_size);
	return n;
}

/*
 * Write the file back and drop its clean pages: "cold". POSIX_FADV_DONTNEED
 * is best effort (mm/fadvise.c generic_fadvise: a folio still locked, under
 * writeback or held by another CPU's LRU batch stays), so it is repeated
 * while pages remain and fewer each time, up to a few times; what stays is
 * the number returned (mapped pages stay, as with drop_caches).
 */
static long make_cold(int fd)
{
	long left = -1, was;

	if (fdatasync(fd))
		return -errno;
	for (int tries = 0; tries < 8; tries++) {
		was = left;
		if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
			return -errno;
		left = cached_pages(fd);
		if (!left || left == was)
			break;
		usleep(2000);
	}
	return left;
}

int real_file_create(const char *name, uint64_t size, uint8_t value, int tmpfs, char *err,
		     size_t en)
{
	const char *dir;
	struct rfile *f;
	int fd, e = 0;

	if (!name || !*name || strchr(name, '/') || strlen(name) > 63) {
		snprintf(err, en, "a file name is 1 to 63 characters, without '/'");
		return -EINVAL;
	}
	for (int i = 0; i < nfiles; i++)
		if (files[i].live && !strcmp(strrchr(files[i].path, '/') + 1, name)) {
			snprintf(err, en, "a file named \"%s\" exists", name);
			return -EEXIST;
		}
	if (nfiles == MAX_FILES) {
		snprintf(err, en, "at most %d files in a run", MAX_FILES);
		return -ENOSPC;
	}
	dir = run_dir(tmpfs, err, en);
	if (!dir)
		return -EIO;
	if (!nfiles) {
		int ra = real_files_read_ahead_kb();

		fprintf(stderr, "vmlab: the run's files are in %s (%s%s%d KiB readahead)\n", dir,
			procfs_fs_name(dir, NULL), ra < 0 ? "" : ", ", ra);
	}
	f = &files[nfiles];
	snprintf(f->path, sizeof(f->path), "%s/%s", dir, name);
	fd = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, en, "cannot create %s: %s", f->path, strerror(errno));
		return -errno;
	}
	buffer_fill(value);
	for (uint64_t off = 0; off < size && !e; off += sizeof(iobuf)) {
		size_t n = size - off < sizeof(iobuf) ? (size_t)(size - off) : sizeof(iobuf);

		if (pwrite(fd, iobuf, n, (off_t)off) != (ssize_t)n)
			e = errno ? errno : EIO;
	}
	if (!e && !tmpfs) {
		long left = make_cold(fd);

		if (left < 0)
			e = (int)-left;
		else if (left)
			fprintf(stderr, "vmlab: %s: %ld pages stayed in the page cache after "
				"POSIX_FADV_DONTNEED: it does not start cold\n", f->path, left);
	}
	close(fd);
	if (e) {
		snprintf(err, en, "cannot write %s: %s", f->path, strerror(e));
		unlink(f->path);
		return -e;
	}
	f->tmpfs = tmpfs;
	f->live = true;
	return ++nfiles;
}

int real_file_unlink(int id)
{
	struct rfile *f = (struct rfile *)file_of(id);

	if (!f)
		return -ENOENT;
	f->live = false;
	return unlink(f->path) ? -errno : 0;
}

int64_t real_file_size(int id)
{
	const struct rfile *f = file_of(id);
	struct stat st;

	if (!f)
		return -ENOENT;
	return stat(f->path, &st) ? -errno : (int64_t)st.st_size;
}

/* pread(2) or pwrite(2) of [off, off + len) in VM_IO_CHUNK calls; *first: the first byte read. */
static int file_io(int id, uint64_t off, uint64_t len, bool write, uint8_t value, uint8_t *first)
{
	const struct rfile *f = file_of(id);
	int fd, e = 0;

	if (!f)
		return -ENOENT;
	fd = open(f->path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write)
		buffer_fill(value);
	else
		iobuf_value = -2;	/* what it holds now is the file's */
	for (uint64_t done = 0; done < len && !e; done += sizeof(iobuf)) {
		size_t n = len - done < sizeof(iobuf) ? (size_t)(len - done) : sizeof(iobuf);
		ssize_t got = write ? pwrite(fd, iobuf, n, (off_t)(off + done)) :
				      pread(fd, iobuf, n, (off_t)(off + done));

		if (got < 0 || (write && (size_t)got < n)) {
			e = got < 0 ? errno : EIO;
			break;
		}
		if (!write && !done && first)
			*first = got ? iobuf[0] : 0;
		if ((size_t)got < n)
			break;		/* EOF */
	}
	close(fd);
	return -e;
}

int real_file_read(int id, uint64_t off, uint64_t len, uint8_t *first)
{
	return file_io(id, off, len, false, 0, first);
}

int real_file_write(int id, uint64_t off, uint64_t len, uint8_t value)
{
	return file_io(id, off, len, true, value, NULL);
}

int real_file_fsync(int id)
{
	const struct rfile *f = file_of(id);
	int fd, e = 0;

	if (!f)
		return -ENOENT;
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		e = errno;
	close(fd);
	return -e;
}

int real_files_sync(void)
{
	int err = 0;

	for (int i = 1; i <= nfiles; i++)
		if (file_of(i) && !files[i - 1].tmpfs && real_file_fsync(i))
			err = -EIO;
	return err;
}

/* The i-th file opened for reading if it is a live disk file, else -1. */
static int open_disk_file(int i)
{
	if (!file_of(i) || files[i - 1].tmpfs)
		return -1;
	return open(files[i - 1].path, O_RDONLY | O_CLOEXEC);
}

void real_files_drop(void)
{
	for (int i = 1; i <= nfiles; i++) {
		int fd = open_disk_file(i);
		long left;

		if (fd < 0)
			continue;
		left = make_cold(fd);
		if (left > 0)
			fprintf(stderr, "vmlab: drop_caches: %ld pages of %s stayed cached "
				"(mapped, or busy)\n", left, files[i - 1].path);
		close(fd);
	}
}

/*
 * cachestat(2) (Linux 6.5+): how many pages of the file reclaim evicted
 * (nr_evicted: the shadow entries workingset_eviction() left in its cache;
 * an invalidation, such as POSIX_FADV_DONTNEED or truncation, leaves none).
 */
struct vm_cachestat_range { uint64_t off, len; };
struct vm_cachestat { uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; };

#ifndef __NR_cachestat
#define __NR_cachestat 451		/* the same number on every architecture */
#endif

void real_files_prefault(void)
{
	if (own_evictions)
		(void)*(volatile uint64_t *)own_evictions;
}

void real_files_note_own_eviction(void)
{
	if (own_evictions)
		__atomic_add_fetch(own_evictions, 1, __ATOMIC_RELAXED);
}

uint64_t real_files_own_evictions(void)
{
	return own_evictions ? __atomic_load_n(own_evictions, __ATOMIC_RELAXED) : 0;
}

int64_t real_files_evicted(void)
{
	int64_t n = 0;

	for (int i = 1; i <= nfiles; i++) {
		struct vm_cachestat_range r = { 0, 0 };	/* len 0: to the end of the file */
		struct vm_cachestat cs;
		int fd = open_disk_file(i);

		if (fd < 0)
			continue;
		if (syscall(__NR_cachestat, fd, &r, &cs, 0) == 0)
			n += (int64_t)cs.nr_evicted;
		else if (errno == ENOSYS) {
			close(fd);
			return -1;	/* before 6.5: cannot tell */
		}
		close(fd);
	}
	return n;
}

/* Each file in the directory ctx names. */
static void unlink_in(const char *name, void *ctx)
{
	char p[1024];

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return;
	snprintf(p, sizeof(p), "%s/%s", (const char *)ctx, name);
	unlink(p);
}

/*
 * By directory, not by the table: the watchdog, forked before the files
 * were made, knows the directories only.
 */
void real_files_remove(void)
{
	for (int t = 0; t < 2; t++)
		if (dirs[t][0]) {
			dir_each(dirs[t], unlink_in, dirs[t]);
			rmdir(dirs[t]);
		}
	for (int i = 0; i < nfiles; i++)
		files[i].live = false;
}

static void reap_if_stale(const char *name, void *ctx)
{
	char p[512];

	if (!procfs_stale_run(name, ".files"))
		return;
	snprintf(p, sizeof(p), "%s/%s", (const char *)ctx, name);
	dir_each(p, unlink_in, p);
	rmdir(p);
}

void real_files_reap_stale(void)
{
	const char *dir = real_files_dir();

	dir_each(dir, reap_if_stale, (void *)dir);
	dir_each("/dev/shm", reap_if_stale, "/dev/shm");
}
