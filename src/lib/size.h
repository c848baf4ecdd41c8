/*
 * size.h - sizes and durations as people write them.
 *
 * Sizes are integers (bytes) or strings with a binary suffix: "4K", "100M",
 * "1G", "2T", also "4KiB"/"4KB"/"4k" (all powers of 1024, as in the kernel's
 * memparse()). Durations are "10ms", "2s", "500us", "100ns", "5min", "2h" or
 * a number of seconds.
 */
#ifndef VMLAB_SIZE_H
#define VMLAB_SIZE_H

#include <stdint.h>

/* 0 on success; -1 if the text is not a size (or overflows 2^63). */
int parse_size(const char *s, uint64_t *out);
/* 0 on success; -1 if the text is not a duration. Result in nanoseconds. */
int parse_duration(const char *s, uint64_t *ns);
/* "30min"-style text for a duration: the largest unit that is exact. */
void format_duration(uint64_t ns, char *buf, int len);
/* "100M"-style text for a byte count (exact: falls back to a smaller unit). */
void format_size(uint64_t bytes, char *buf, int len);

#endif
