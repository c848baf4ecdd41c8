/*
 * madv.h - madvise(2) advice newer than some C libraries' headers: the
 * values are the kernel's (include/uapi/asm-generic/mman-common.h).
 */
#ifndef VMLAB_MADV_H
#define VMLAB_MADV_H

#include <sys/mman.h>

#ifndef MADV_COLD
#define MADV_COLD		20	/* 5.4 */
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21	/* 5.4 */
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22	/* 5.14 */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* 5.14 */
#endif

#endif
