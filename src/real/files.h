/*
 * files.h - the real run's own files (vm.file on --real): see files.c.
 */
#ifndef VMLAB_REAL_FILES_H
#define VMLAB_REAL_FILES_H

#include <stddef.h>
#include <stdint.h>
#include "../../include/vmlab.h"

/* A file of size bytes, every byte value, written and dropped from the page
 * cache (tmpfs: kept, it lives there): its id, or -errno with why in err. */
int real_file_create(const char *name, uint64_t size, uint8_t value, int tmpfs, char *err,
		     size_t en);
int real_file_unlink(int id);
/* The file's path (NULL: no such live file) and whether it is on tmpfs. */
const char *real_file_path(int id, int *tmpfs);
int64_t real_file_size(int id);
/* The operations, measured by the caller: 0 or -errno; *first: the first byte read. */
int real_file_read(int id, uint64_t off, uint64_t len, uint8_t *first);
int real_file_write(int id, uint64_t off, uint64_t len, uint8_t value);
int real_file_fsync(int id);
/* Every file of the run: fsync (sync), then POSIX_FADV_DONTNEED (drop). */
int real_files_sync(void);
void real_files_drop(void);
/* Pages of the run's disk files that reclaim evicted and that have not come back (-1: unknown) */
int64_t real_files_evicted(void);
/* The run evicts on its own (MADV_PAGEOUT): noted before, counted for every process */
void real_files_note_own_eviction(void);
uint64_t real_files_own_evictions(void);
/* A new process maps that shared page before it measures anything (RssShmem) */
void real_files_prefault(void);
/* Prepare the I/O buffer (outside any measurement): its pages faulted in. */
void real_files_buffer_ready(void);
/* The run's directories named (the driver, before the watchdog is forked). */
void real_files_init(void);
/* Remove every file and the directories (async-signal-safe); and an earlier run's. */
void real_files_remove(void);
void real_files_reap_stale(void);
/* The directory the run's files go in ($VMLAB_FILEDIR, else /var/tmp), and the
 * read_ahead_kb of the disk under it (-1 if unknown). */
const char *real_files_dir(void);
int real_files_read_ahead_kb(void);

#endif
