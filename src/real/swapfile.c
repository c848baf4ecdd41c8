/*
 * swapfile.c - the real run's own swap file (vmlab run --real --swapfile SIZE).
 *
 * A scenario about swap needs a swap device on the real kernel too. With
 * --swapfile the driver makes one: a file vmlab-PID.swap in the run's
 * directory ($VMLAB_SWAPDIR, else /var/tmp), fallocate()d to SIZE, given a
 * swap header (the v1 layout mkswap(8) writes: the version, the last page
 * and the "SWAPSPACE2" signature at the end of the first page,
 * include/linux/swap.h's union swap_header) and swapon(2)ed. At the end of
 * the run, on SIGINT/SIGTERM/SIGHUP, and from the watchdog if the driver is
 * killed, it is swapoff(2)ed (which reads back what is still swapped out)
 * and removed; a later run removes what an earlier one could not (its
 * vmlab process gone).
 *
 * The file must be on a filesystem that can hold swap: tmpfs, overlayfs and
 * network filesystems cannot (swapon fails with EINVAL), which is said
 * before anything is made. A swap device is the whole machine's: while the
 * run lasts, other processes of the host may swap to it too, which the
 * message at swapon says. It needs root (CAP_SYS_ADMIN).
 *
 * swapfile_off() is async-signal-safe (swapoff, unlink, a static path).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>
#include "procfs.h"
#include "swapfile.h"
#include "../lib/fdio.h"

#define SWAP_PAGE	4096

static char path[512];		/* the swap file while it is on; "" otherwise */

static const char *swap_dir(void)
{
	const char *d = getenv("VMLAB_SWAPDIR");

	return d && *d ? d : "/var/tmp";
}

/* What kind of filesystem dir is on, if it cannot hold swap; NULL if it may. */
static const char *unfit_fs(const char *dir)
{
	bool can_swap;
	const char *name = procfs_fs_name(dir, &can_swap);

	return can_swap ? NULL : name;
}

/* mkswap: the v1 header in the first page (bootbits, version, last_page, ..., magic). */
static int write_header(int fd, uint64_t pages)
{
	unsigned char page[SWAP_PAGE];
	uint32_t version = 1, last_page = (uint32_t)(pages - 1);

	memset(page, 0, sizeof(page));
	memcpy(page + 1024, &version, 4);
	memcpy(page + 1028, &last_page, 4);
	memcpy(page + SWAP_PAGE - 10, "SWAPSPACE2", 10);
	return pwrite(fd, page, sizeof(page), 0) == (ssize_t)sizeof(page) ? 0 : -1;
}

int swapfile_on(uint64_t size, char *err, size_t en)
{
	const char *dir = swap_dir(), *fs;
	uint64_t pages = size / SWAP_PAGE;
	int fd;

	if (geteuid() != 0) {
		snprintf(err, en, "--swapfile needs root (swapon(2) needs CAP_SYS_ADMIN)");
		return -1;
	}
	if (pages < 10 || pages > 0xffffffffULL) {
		snprintf(err, en, "--swapfile: a size from 40K to 16T, got %llu bytes",
			 (unsigned long long)size);
		return -1;
	}
	fs = unfit_fs(dir);
	if (fs) {
		snprintf(err, en, "--swapfile: %s is on %s, which cannot hold a swap file (set "
			 "VMLAB_SWAPDIR to a directory on ext4 or xfs)", dir, fs);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/vmlab-%d.swap", dir, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, en, "--swapfile: cannot create %s: %s", path, strerror(errno));
		path[0] = '\0';
		return -1;
	}
	if (fallocate(fd, 0, 0, (off_t)(pages * SWAP_PAGE)) || write_header(fd, pages) ||
	    fsync(fd)) {
		snprintf(err, en, "--swapfile: cannot make %s (%llu MiB): %s", path,
			 (unsigned long long)(size >> 20), strerror(errno));
		close(fd);
		unlink(path);
		path[0] = '\0';
		return -1;
	}
	close(fd);
	if (swapon(path, 0)) {
		snprintf(err, en, "--swapfile: swapon %s: %s", path, strerror(errno));
		unlink(path);
		path[0] = '\0';
		return -1;
	}
	return 0;
}

const char *swapfile_path(void)
{
	return path;
}

void swapfile_off(void)
{
	if (!path[0])
		return;
	swapoff(path);
	unlink(path);
	path[0] = '\0';
}

/* A vmlab-PID.swap file in the swap directory whose vmlab is gone: off and removed. */
static void reap_if_stale(const char *name, void *ctx)
{
	char p[512];

	if (!procfs_stale_run(name, ".swap"))
		return;
	snprintf(p, sizeof(p), "%s/%s", (const char *)ctx, name);
	swapoff(p);
	unlink(p);
}

/* dir_each(), not opendir(): the driver never touches glibc's heap (--check) */
void swapfile_reap_stale(void)
{
	const char *dir = swap_dir();

	dir_each(dir, reap_if_stale, (void *)dir);
}
