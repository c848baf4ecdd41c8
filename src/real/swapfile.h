/*
 * swapfile.h - the real run's own swap file (swapfile.c).
 */
#ifndef VMLAB_REAL_SWAPFILE_H
#define VMLAB_REAL_SWAPFILE_H

#include <stddef.h>
#include <stdint.h>

/* Make, format and swapon a file of size bytes; 0, or -1 with a message. */
int swapfile_on(uint64_t size, char *err, size_t en);
/* The file while it is on, "" otherwise. */
const char *swapfile_path(void);
/* swapoff and remove it (idempotent, async-signal-safe). */
void swapfile_off(void);
/* Remove the swap files of earlier runs whose vmlab process is gone. */
void swapfile_reap_stale(void);

#endif
