/*
 * fdio.h - whole-file reads and complete writes with plain read(2) and
 * write(2): no stdio, so that the real backend can read /proc without a FILE
 * from glibc's heap, and retried on EINTR and short counts.
 */
#ifndef VMLAB_FDIO_H
#define VMLAB_FDIO_H

#include <stddef.h>

/* 0, or -1 with errno set. */
int write_all(int fd, const void *buf, size_t n);
/* The whole file in *buf (x_realloc'ed, NUL-terminated, *len bytes before
 * the NUL); 0, or -1 with errno set and nothing allocated. */
int read_whole(const char *path, char **buf, size_t *len);
/* Up to n-1 bytes of a small file into buf, NUL-terminated: the length, or -1. */
long read_small(const char *path, char *buf, size_t n);

#endif
