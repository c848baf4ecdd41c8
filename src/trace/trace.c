/*
 * trace.c - see trace.h. The file is mapped and parsed in one pass; each
 * new page number gets the next dense id (a hash lookup per access here,
 * never in the policies).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "trace.h"
#include "../lib/u64map.h"

const char *const trace_format_names[NR_TRACE_FORMATS] = {
	[TRACE_AUTO] = "auto", [TRACE_PAGES] = "pages", [TRACE_HEXADDR] = "hexaddr",
	[TRACE_ORACLE] = "oracle", [TRACE_LACKEY] = "lackey", [TRACE_CSV] = "csv",
};

#define ORACLE_RECORD	24

int trace_format_parse(const char *name)
{
	for (int f = 0; f < NR_TRACE_FORMATS; f++)
		if (!strcmp(name, trace_format_names[f]))
			return f;
	if (!strcmp(name, "oracleGeneral"))
		return TRACE_ORACLE;
	return -1;
}

struct builder {
	struct trace *t;
	struct u64map ids;
	uint32_t *direct;	/* page number -> id + 1, when the numbers are small */
	uint64_t ndirect;
	uint64_t cap, pcap;
	/* csv: from the header, the columns that matter (-1: none) */
	int csv_page, csv_op;
	bool csv_addr;		/* the page column holds byte addresses */
	bool csv_header_seen;
	/* vmlab trace record's progress line */
	void (*progress)(void *ctx, const struct trace *t, uint64_t bytes);
	void *progress_ctx;
};

/* One access to page pg: 0, or -1 when host memory ran out. */
static int add(struct builder *b, uint64_t pg, bool write)
{
	struct trace *t = b->t;
	uint64_t id;
	bool known;

	if (pg < b->ndirect) {
		known = b->direct[pg] != 0;
		id = b->direct[pg] - 1;
	} else {
		known = u64map_get(&b->ids, pg, &id);
	}
	if (!known) {
		if (t->npages == TRACE_WRITE - 1)
			return -1;
		if (t->npages == b->pcap) {
			uint64_t nc = b->pcap ? b->pcap * 2 : 1024;
			uint64_t *np = realloc(t->page, nc * sizeof(*np));

			if (!np)
				return -1;
			t->page = np;
			b->pcap = nc;
		}
		id = t->npages++;
		t->page[id] = pg;
		if (pg < b->ndirect)
			b->direct[pg] = (uint32_t)id + 1;
		else if (u64map_set(&b->ids, pg, id))
			return -1;
	}
	if (t->n == b->cap) {
		uint64_t nc = b->cap ? b->cap * 2 : 4096;
		uint32_t *na = realloc(t->acc, nc * sizeof(*na));

		if (!na)
			return -1;
		t->acc = na;
		b->cap = nc;
	}
	t->acc[t->n++] = (uint32_t)id | (write ? TRACE_WRITE : 0);
	t->writes += write;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A number at *s in base 10 or 16 (0x allowed for 16): false if none. */
static bool number(const char **s, const char *end, int base, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int digits = 0;

	if (base == 16 && end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; p < end; p++, digits++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	if (!digits)
		return false;
	*s = p;
	*v = x;
	return true;
}

/* A CSV field's name is one of names (case aside). */
static bool is_name(const char *s, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && !strncasecmp(s, *names, n))
			return true;
	return false;
}

/*
 * CSV: the header names the columns; the page is in "page" or "obj_id" (a
 * page number) or "addr"/"address" (a byte address), decimal or 0x hex; the
 * optional "op" (also "type", "rw") is R or W, read or write, or 0 or 1.
 * Other columns are ignored. 1 for a bad line.
 */
static int parse_csv(struct builder *b, const char *s, const char *eol)
{
	static const char *const page_names[] = { "page", "obj_id", "objid", "vpn", NULL };
	static const char *const addr_names[] = { "addr", "address", "vaddr", NULL };
	static const char *const op_names[] = { "op", "type", "rw", "operation", NULL };
	uint64_t page = 0;
	bool write = false, have_page = false;
	int col = 0;

	for (const char *f = s; f <= eol; col++) {
		const char *end = memchr(f, ',', (size_t)(eol - f)), *p = f, *q;
		size_t n;

		if (!end)
			end = eol;
		while (p < end && is_space(*p))
			p++;
		q = end;
		while (q > p && is_space(q[-1]))
			q--;
		n = (size_t)(q - p);
		if (!b->csv_header_seen) {
			if (is_name(p, n, page_names) || is_name(p, n, addr_names)) {
				b->csv_page = col;
				b->csv_addr = is_name(p, n, addr_names);
			} else if (is_name(p, n, op_names)) {
				b->csv_op = col;
			}
		} else if (col == b->csv_page) {
			const char *x = p;

			if (!number(&x, q, n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10,
				    &page) || x != q)
				return 1;
			if (b->csv_addr)
				page >>= 12;
			have_page = true;
		} else if (col == b->csv_op) {
			if (n == 1 && strchr("Ww1", *p))
				write = true;
			else if (n == 5 && !strncasecmp(p, "write", 5))
				write = true;
			else if (!((n == 1 && strchr("Rr0", *p)) || (n == 4 && !strncasecmp(p, "read", 4))))
				return 1;
		}
		f = end + 1;
	}
	if (!b->csv_header_seen) {
		b->csv_header_seen = true;
		return b->csv_page < 0 ? 2 : 0;
	}
	if (!have_page)
		return 1;
	return add(b, page, write) ? -1 : 0;
}

/* One text line, s to eol: 0, 1 if it is not one of the format's (2: a CSV
 * header without a page column), -1 if host memory ran out. Blank lines and
 * '#' comments pass. */
static int parse_line(struct builder *b, const char *s, const char *eol)
{
	enum trace_format f = b->t->format;
	const char *p = s, *stop = f == TRACE_LACKEY ? eol : memchr(s, '#', (size_t)(eol - s));
	uint64_t v, first, last;
	bool write = false;

	if (!stop)
		stop = eol;
	if (f == TRACE_CSV) {
		const char *p2 = s;

		while (p2 < stop && is_space(*p2))
			p2++;
		return p2 == stop ? 0 : parse_csv(b, s, stop);
	}
	if (f == TRACE_LACKEY) {
		/* valgrind's own "==pid==" lines; then " L addr,size" or "I  addr,size" */
		uint64_t size;
		char op;

		if (eol - s >= 2 && s[0] == '=' && s[1] == '=')
			return 0;
		if (p < stop && *p == ' ')
			p++;
		if (p == stop || !strchr("ILSM", *p))
			return p == stop && stop == s ? 0 : 1;
		op = *p++;
		while (p < stop && *p == ' ')
			p++;
		if (!number(&p, stop, 16, &v) || p == stop || *p++ != ',' ||
		    !number(&p, stop, 10, &size) || !size || v > UINT64_MAX - size)
			return 1;
		while (p < stop && is_space(*p))
			p++;
		if (p != stop)
			return 1;
		/* an access that crosses a page boundary touches both pages */
		first = v >> 12;
		last = (v + size - 1) >> 12;
		for (uint64_t pg = first; pg <= last; pg++)
			if (add(b, pg, op == 'S' || op == 'M'))
				return -1;
		return 0;
	}
	while (p < stop && is_space(*p))
		p++;
	if (p == stop)
		return 0;
	if (!number(&p, stop, f == TRACE_HEXADDR ? 16 : 10, &v))
		return 1;
	if (f == TRACE_HEXADDR) {
		if (p == stop || !is_space(*p))
			return 1;
		while (p < stop && is_space(*p))
			p++;
		if (p < stop && (*p == 'R' || *p == 'r'))
			write = false;
		else if (p < stop && (*p == 'W' || *p == 'w'))
			write = true;
		else
			return 1;
		p++;
		v >>= 12;
	}
	while (p < stop && is_space(*p))
		p++;
	if (p != stop)
		return 1;
	return add(b, v, write) ? -1 : 0;
}

static const char *want_of(enum trace_format f)
{
	return f == TRACE_HEXADDR ? "a hex address and R or W" :
	       f == TRACE_LACKEY ? "valgrind lackey's \"I|L|S|M address,size\"" :
	       f == TRACE_CSV ? "the header's columns: a page (or address) and R or W" :
	       "one page number";
}

#define TEXT_BLOCK	(1 << 20)
#define MAX_LINE	65536

/*
 * The text formats, line by line, read in blocks (a file or a pipe alike:
 * vmlab trace record reads valgrind's stream as it comes). A line cut by a
 * block's end waits for the next block.
 */
static int parse_text_fd(struct builder *b, const char *path, int fd, char *err, size_t en)
{
	char *buf = malloc(TEXT_BLOCK + MAX_LINE + 1);
	size_t have = 0;
	uint64_t line = 0, bytes = 0;
	int rc = 0;

	if (!buf) {
		snprintf(err, en, "%s: out of memory", path);
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, TEXT_BLOCK);
		char *s = buf, *end;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, en, "%s:%llu: %s", path, (unsigned long long)line + 1,
				 strerror(errno));
			rc = -1;
			break;
		}
		end = buf + have + r;
		for (;;) {
			char *eol = memchr(s, '\n', (size_t)(end - s));
			int bad;

			if (!eol && r > 0)
				break;			/* the rest of this line comes next */
			if (!eol)
				eol = end;		/* the last line, without its newline */
			if (s == end && !r)
				break;
			line++;
			bad = parse_line(b, s, eol);
			if (bad) {
				if (bad < 0)
					snprintf(err, en, "%s:%llu: out of memory", path,
						 (unsigned long long)line);
				else if (bad == 2)
					snprintf(err, en, "%s:%llu: the CSV header names no page column "
						 "(page, obj_id or vpn; or addr, address or vaddr)", path,
						 (unsigned long long)line);
				else
					snprintf(err, en, "%s:%llu: not a %s line: \"%.*s\" (want %s)", path,
						 (unsigned long long)line, trace_format_names[b->t->format],
						 (int)(eol - s > 60 ? 60 : eol - s), s, want_of(b->t->format));
				rc = -1;
				break;
			}
			s = eol + (eol < end);
			if (s >= end)
				break;
		}
		if (rc || !r)
			break;
		if (b->progress)
			b->progress(b->progress_ctx, b->t, (uint64_t)(bytes += (uint64_t)r));
		have = (size_t)(end - s);
		if (have > MAX_LINE) {
			snprintf(err, en, "%s:%llu: a line longer than %d bytes", path,
				 (unsigned long long)line + 1, MAX_LINE);
			rc = -1;
			break;
		}
		memmove(buf, s, have);
	}
	free(buf);
	return rc;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int k = 0; k < bytes; k++)
		p[k] = (unsigned char)(v >> (8 * k));
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

#define BLOCK_RECORDS	65536	/* read 1.5 MB at a time */

/* The next block of records at byte offset off: how many, -1 on an error. */
static long read_block(int fd, unsigned char *buf, uint64_t off, uint64_t left)
{
	size_t want = (left < BLOCK_RECORDS ? left : BLOCK_RECORDS) * ORACLE_RECORD, got = 0;

	while (got < want) {
		ssize_t r = pread(fd, buf + got, want - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return (long)(want / ORACLE_RECORD);
}

/*
 * One pass reads the records in blocks (read(2): the file never lands in
 * this process's memory), copying the ids out while they stay below twice
 * the record count and counting the distinct ones in a bitmap. If they
 * fill at least half of 0..largest they are the dense ids themselves (no
 * renaming, no lookup); else the copies are renamed through a plain array
 * indexed by id. An id beyond that range sends the whole trace through the
 * hash map in a second pass.
 */
static int parse_oracle(struct builder *b, const char *path, int fd, uint64_t size, char *err,
			size_t en)
{
	struct trace *t = b->t;
	uint64_t records = size / ORACLE_RECORD, most = 0, distinct = 0, words = 0, i = 0;
	unsigned char *buf = malloc(BLOCK_RECORDS * ORACLE_RECORD);
	uint64_t *seen = NULL;
	uint32_t *ids = NULL;
	bool small = records > 0;
	int rc = -1;

	if (size % ORACLE_RECORD) {
		snprintf(err, en, "%s: byte offset %llu: a partial oracleGeneral record (%llu bytes of "
			 "%d)", path, (unsigned long long)(size - size % ORACLE_RECORD),
			 (unsigned long long)(size % ORACLE_RECORD), ORACLE_RECORD);
		free(buf);
		return -1;
	}
	if (!buf || (records && !(ids = malloc(records * sizeof(uint32_t)))))
		goto oom;
	while (small && i < records) {
		long n = read_block(fd, buf, i * ORACLE_RECORD, records - i);

		if (n < 0)
			goto io;
		for (long k = 0; k < n; k++, i++) {
			uint64_t id = le64(buf + k * ORACLE_RECORD + 4), bit = 1ULL << (id & 63);

			if (id >= 2 * records || id >= TRACE_WRITE - 1) {
				small = false;
				break;
			}
			if (id >> 6 >= words) {
				uint64_t nw = words ? words : 1024, *ns;

				while (id >> 6 >= nw)
					nw *= 2;
				if (!(ns = realloc(seen, nw * sizeof(uint64_t))))
					goto oom;
				memset(ns + words, 0, (nw - words) * sizeof(uint64_t));
				seen = ns;
				words = nw;
			}
			if (id > most)
				most = id;
			ids[i] = (uint32_t)id;
			distinct += !(seen[id >> 6] & bit);
			seen[id >> 6] |= bit;
		}
	}
	if (small && 2 * distinct >= most + 1) {
		if (!(t->page = malloc((most + 1) * sizeof(uint64_t))))
			goto oom;
		for (uint64_t p = 0; p <= most; p++)
			t->page[p] = p;
		t->acc = ids;
		ids = NULL;
		t->n = records;
		t->npages = (uint32_t)(most + 1);
		t->distinct = (uint32_t)distinct;
		rc = 0;
	} else if (small) {
		b->direct = calloc(most + 1, sizeof(uint32_t));
		b->ndirect = b->direct ? most + 1 : 0;
		for (i = 0; i < records; i++)
			if (add(b, ids[i], false))
				goto oom;
		rc = 0;
	} else {
		for (i = 0; i < records; ) {
			long n = read_block(fd, buf, i * ORACLE_RECORD, records - i);

			if (n < 0)
				goto io;
			for (long k = 0; k < n; k++, i++)
				if (add(b, le64(buf + k * ORACLE_RECORD + 4), false))
					goto oom;
		}
		rc = 0;
	}
	goto out;
io:
	snprintf(err, en, "%s: byte offset %llu: %s", path, (unsigned long long)(i * ORACLE_RECORD),
		 errno ? strerror(errno) : "the file ended early (it shrank while being read)");
	goto out;
oom:
	snprintf(err, en, "%s: byte offset %llu: out of memory", path,
		 (unsigned long long)(i * ORACLE_RECORD));
out:
	free(buf);
	free(seen);
	free(ids);
	return rc;
}

/* Binary if a NUL byte is among the first bytes; else text: lackey when the
 * first line is valgrind's "==" or lackey's "I  hex,size" shape, hexaddr when
 * it has an R or W after its number, else pages. */
static enum trace_format detect(const char *s, size_t len)
{
	size_t head = len < 4096 ? len : 4096;

	if (memchr(s, '\0', head))
		return TRACE_ORACLE;
	for (const char *p = s, *end = s + len; p < end; ) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if (eol - p >= 2 && p[0] == '=' && p[1] == '=')
			return TRACE_LACKEY;
		{
			const char *q = p + (p < eol && *p == ' ');

			if (q < eol && strchr("ILSM", *q) && q + 1 < eol && q[1] == ' ' &&
			    memchr(q, ',', (size_t)(eol - q)))
				return TRACE_LACKEY;
		}
		while (p < eol && is_space(*p))
			p++;
		if (p < eol && *p != '#' && memchr(p, ',', (size_t)(eol - p)))
			return TRACE_CSV;
		if (p < eol && *p != '#') {
			while (p < eol && !is_space(*p))
				p++;
			while (p < eol && is_space(*p))
				p++;
			return p < eol && strchr("RrWw", *p) ? TRACE_HEXADDR : TRACE_PAGES;
		}
		p = eol + 1;
	}
	return TRACE_PAGES;
}

/* What every reader ends with: the builder's tables freed, no empty trace. */
static int finish(struct builder *b, const char *name, int rc, char *err, size_t en)
{
	struct trace *t = b->t;

	u64map_free(&b->ids);
	free(b->direct);
	if (!t->distinct)
		t->distinct = t->npages;
	if (!rc && !t->n) {
		snprintf(err, en, "%s: no accesses in the trace", name);
		rc = -1;
	}
	if (rc)
		trace_free(t);
	return rc;
}

int trace_load(const char *path, enum trace_format f, struct trace *t, char *err, size_t en)
{
	struct builder b = { .t = t, .ids = U64MAP_INIT, .csv_page = -1, .csv_op = -1 };
	char head[4096];
	struct stat st;
	ssize_t hl;
	int fd, rc;

	memset(t, 0, sizeof(*t));
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, en, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, en, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	hl = pread(fd, head, sizeof(head), 0);
	t->format = f != TRACE_AUTO ? f : detect(head, hl > 0 ? (size_t)hl : 0);
	if (t->format == TRACE_ORACLE) {
		errno = 0;
		rc = parse_oracle(&b, path, fd, (uint64_t)st.st_size, err, en);
	} else {
		rc = parse_text_fd(&b, path, fd, err, en);
	}
	close(fd);
	return finish(&b, path, rc, err, en);
}

int trace_read_fd(int fd, const char *name, enum trace_format f, struct trace *t, char *err,
		  size_t en, void (*progress)(void *ctx, const struct trace *t, uint64_t bytes),
		  void *ctx)
{
	struct builder b = { .t = t, .ids = U64MAP_INIT, .csv_page = -1, .csv_op = -1,
			     .progress = progress, .progress_ctx = ctx };

	memset(t, 0, sizeof(*t));
	if (f == TRACE_AUTO || f == TRACE_ORACLE) {
		snprintf(err, en, "%s: a stream is read in a text format named beforehand", name);
		return -1;
	}
	t->format = f;
	return finish(&b, name, parse_text_fd(&b, name, fd, err, en), err, en);
}

uint32_t *trace_next_use(const struct trace *t)
{
	uint32_t *next = t->n < TRACE_NEVER ? malloc(t->n * sizeof(uint32_t)) : NULL;
	uint32_t *last = malloc((size_t)t->npages * sizeof(uint32_t));

	if (!next || !last) {
		free(next);
		free(last);
		return NULL;
	}
	for (uint32_t p = 0; p < t->npages; p++)
		last[p] = TRACE_NEVER;
	for (uint64_t i = t->n; i-- > 0; ) {
		uint32_t id = TRACE_ID(t->acc[i]);

		next[i] = last[id];
		last[id] = (uint32_t)i;
	}
	free(last);
	return next;
}

int trace_write(const struct trace *t, enum trace_format f, const char *path)
{
	char tmp[4096];
	uint32_t *next = NULL;
	FILE *out;
	int fd, bad = 0;

	if (f != TRACE_ORACLE && f != TRACE_PAGES && f != TRACE_HEXADDR) {
		errno = EINVAL;
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (f == TRACE_ORACLE && !(next = trace_next_use(t))) {
		errno = ENOMEM;
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0 || !(out = fdopen(fd, "w"))) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(next);
		return -1;
	}
	for (uint64_t i = 0; i < t->n && !bad; i++) {
		uint64_t page = t->page[TRACE_ID(t->acc[i])];

		if (f == TRACE_ORACLE) {
			unsigned char rec[ORACLE_RECORD];
			int64_t vt = next[i] == TRACE_NEVER ? -1 : (int64_t)next[i] + 1;

			/* little-endian, packed: u32 clock_time, u64 obj_id, u32 obj_size, i64 next */
			put_le(rec, i, 4);
			put_le(rec + 4, page, 8);
			put_le(rec + 12, 4096, 4);
			put_le(rec + 16, (uint64_t)vt, 8);
			bad = fwrite(rec, sizeof(rec), 1, out) != 1;
		} else if (f == TRACE_HEXADDR) {
			bad = fprintf(out, "0x%llx %c\n", (unsigned long long)page << 12,
				      t->acc[i] & TRACE_WRITE ? 'W' : 'R') < 0;
		} else {
			bad = fprintf(out, "%llu\n", (unsigned long long)page) < 0;
		}
	}
	free(next);
	if (fflush(out) || fsync(fileno(out)))
		bad = 1;
	if (fclose(out))
		bad = 1;
	if (bad || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

int trace_from_list(const char *list, struct trace *t, char *err, size_t en)
{
	struct builder b = { .t = t, .ids = U64MAP_INIT, .csv_page = -1, .csv_op = -1 };
	const char *p = list, *end = list + strlen(list);
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->format = TRACE_PAGES;
	while (p < end && !rc) {
		uint64_t v;
		const char *start = p;

		if (!number(&p, end, 10, &v) || (p < end && *p != ',')) {
			snprintf(err, en, "--addresses: \"%s\" is not a list of page numbers (at \"%s\")",
				 list, start);
			rc = -1;
		} else if (add(&b, v, false)) {
			snprintf(err, en, "--addresses: out of memory");
			rc = -1;
		}
		if (p < end)
			p++;
	}
	u64map_free(&b.ids);
	t->distinct = t->npages;
	if (!rc && !t->n) {
		snprintf(err, en, "--addresses: no pages");
		rc = -1;
	}
	if (rc)
		trace_free(t);
	return rc;
}

void trace_free(struct trace *t)
{
	free(t->acc);
	free(t->page);
	memset(t, 0, sizeof(*t));
}
