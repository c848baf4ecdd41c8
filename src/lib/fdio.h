/*
 * fdio.h - whole-file reads and complete writes with plain read(2) and
 * write(2): no stdio, so that the real backend can read /proc without a FILE
 * from glibc's heap, and retried on EINTR and short counts.
 */
#ifndef VMLAB_FDIO_H
#define VMLAB_FDIO_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 with errno set. */
int write_all(int fd, const void *buf, size_t n);
/* Replace path with buf, all or nothing: written to a temporary file beside it
 * and renamed into place. 0, or -1 with errno set and path untouched. */
int write_file_atomic(const char *path, const void *buf, size_t n);
/* The whole file in *buf (x_realloc'ed, NUL-terminated, *len bytes before
 * the NUL); 0, or -1 with errno set and nothing allocated. */
int read_whole(const char *path, char **buf, size_t *len);
/* Call fn(name, ctx) for each entry of a directory, with getdents64 (no
 * DIR from glibc's heap); 0, or -1 with errno if it cannot be opened. */
int dir_each(const char *path, void (*fn)(const char *name, void *ctx), void *ctx);
/* Up to n-1 bytes of a small file into buf, NUL-terminated: the length, or -1. */
long read_small(const char *path, char *buf, size_t n);
/* A file holding one decimal number (a sysctl): 0 and *v, or -1. */
int read_u64(const char *path, uint64_t *v);

#endif
