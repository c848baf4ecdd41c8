/*
 * trace.h - a recorded memory-access stream, as the bare policies and the
 * curves read it: one page per access, with a write bit, the pages renamed
 * to dense ids (0, 1, 2... in order of first use) so that every policy keeps
 * its per-page state in plain arrays indexed by id, never a hash lookup per
 * access. The renaming is done once, while reading; where the trace's own
 * numbers are already dense (an oracleGeneral trace whose ids run from 0
 * with gaps in at most half of them, as generators write them) they are
 * kept as the ids, and nothing is looked up at all.
 *
 * Formats (trace_format_names): "pages", one page number per line (OSTEP's
 * paging-policy traces); "hexaddr", a hex address and R or W per line
 * (page = address >> 12); "oracle", libCacheSim's oracleGeneral, 24-byte
 * little-endian records (u32 clock_time, u64 obj_id, u32 obj_size, i64
 * next_access_vtime), every access a read; "lackey", valgrind's lackey
 * --trace-mem=yes ("I  addr,size" instruction fetches and " L", " S", " M"
 * loads, stores and modifies, S and M writes; an access that crosses a page
 * boundary touches both pages; valgrind's "==pid==" lines are skipped).
 * "csv", a header naming the columns (the page in "page", "obj_id" or
 * "vpn", or a byte address in "addr", "address" or "vaddr"; R/W in "op",
 * "type" or "rw"; others ignored) and comma-separated rows.
 * Text lines may carry '#' comments (not lackey's); blank lines are
 * skipped. Text is read in blocks, so a pipe reads as well as a file.
 *
 * The whole trace is held in memory, 4 bytes an access plus 12 a distinct
 * page (20 million accesses: 80 MB). Streaming a trace larger than RAM, the
 * other formats (CSV, vmlab's own, zstd) come with the rest of the traces
 * work.
 */
#ifndef VMLAB_TRACE_H
#define VMLAB_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum trace_format {
	TRACE_AUTO, TRACE_PAGES, TRACE_HEXADDR, TRACE_ORACLE, TRACE_LACKEY, TRACE_CSV,
	NR_TRACE_FORMATS
};

extern const char *const trace_format_names[NR_TRACE_FORMATS];

#define TRACE_WRITE	(1U << 31)	/* in acc[i]: the access was a write */
#define TRACE_ID(a)	((a) & ~TRACE_WRITE)

struct trace {
	enum trace_format format;
	uint32_t *acc;		/* n accesses: dense page id | TRACE_WRITE */
	uint64_t n;
	uint64_t *page;		/* npages: dense id -> the trace's own page number */
	uint32_t npages;	/* ids run from 0 to npages - 1 */
	uint32_t distinct;	/* pages used: npages, less any unused ids */
	uint64_t writes;	/* the reads are the rest */
};

#define TRACE_NEVER	UINT32_MAX	/* trace_next_use(): not accessed again */

/* For each access, the index of the next access to the same page, or
 * TRACE_NEVER (a backward pass; for OPT and oracleGeneral's
 * next_access_vtime): a malloc'ed array of n, or NULL when memory ran out or
 * the trace has 2^32 - 1 accesses or more. */
uint32_t *trace_next_use(const struct trace *t);
/* Parse a format name ("auto" too): its value, or -1. */
int trace_format_parse(const char *name);
/*
 * Read a whole trace: 0, or -1 with why in err: the file's name and the
 * line (text) or byte offset (binary) where it went wrong.
 */
int trace_load(const char *path, enum trace_format f, struct trace *t, char *err, size_t en);
/* The same from an open descriptor (a pipe too; text formats only), named
 * name in messages; progress (if not NULL) is called after each block read
 * with the bytes read so far. */
int trace_read_fd(int fd, const char *name, enum trace_format f, struct trace *t, char *err,
		  size_t en, void (*progress)(void *ctx, const struct trace *t, uint64_t bytes),
		  void *ctx);
/*
 * Write t to path (whole, or not at all): TRACE_ORACLE as oracleGeneral
 * records (clock_time the access's index, obj_id its page, obj_size 4096,
 * next_access_vtime the 1-based index of the next access to the page or
 * -1, as libCacheSim's Belady reads it), TRACE_PAGES one page per line,
 * TRACE_HEXADDR "0x<page << 12> R|W" lines. 0, or -1 with errno.
 */
int trace_write(const struct trace *t, enum trace_format f, const char *path);
/* A trace from a list of page numbers ("1,2,3,1"): 0, or -1 with err. */
int trace_from_list(const char *list, struct trace *t, char *err, size_t en);
void trace_free(struct trace *t);

#endif
