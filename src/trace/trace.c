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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "trace.h"
#include "../lib/u64map.h"

const char *const trace_format_names[NR_TRACE_FORMATS] = {
	[TRACE_AUTO] = "auto", [TRACE_PAGES] = "pages", [TRACE_HEXADDR] = "hexaddr",
	[TRACE_ORACLE] = "oracle",
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
	if (write)
		t->writes++;
	else
		t->reads++;
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

/* The text formats, line by line. */
static int parse_text(struct builder *b, const char *path, const char *s, const char *end,
		      char *err, size_t en)
{
	uint64_t line = 0;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s)), *p = s, *stop;
		uint64_t v;
		bool write = false;

		if (!eol)
			eol = end;
		line++;
		stop = memchr(s, '#', (size_t)(eol - s));
		if (!stop)
			stop = eol;
		while (p < stop && is_space(*p))
			p++;
		if (p == stop) {
			s = eol + 1;
			continue;
		}
		if (!number(&p, stop, b->t->format == TRACE_HEXADDR ? 16 : 10, &v))
			goto bad;
		if (b->t->format == TRACE_HEXADDR) {
			if (p == stop || !is_space(*p))
				goto bad;
			while (p < stop && is_space(*p))
				p++;
			if (p < stop && (*p == 'R' || *p == 'r'))
				write = false;
			else if (p < stop && (*p == 'W' || *p == 'w'))
				write = true;
			else
				goto bad;
			p++;
			v >>= 12;
		}
		while (p < stop && is_space(*p))
			p++;
		if (p != stop)
			goto bad;
		if (add(b, v, write)) {
			snprintf(err, en, "%s:%llu: out of memory", path, (unsigned long long)line);
			return -1;
		}
		s = eol + 1;
		continue;
bad:
		snprintf(err, en, "%s:%llu: not a %s line: \"%.*s\" (want %s)", path,
			 (unsigned long long)line, trace_format_names[b->t->format],
			 (int)(eol - s > 60 ? 60 : eol - s), s,
			 b->t->format == TRACE_HEXADDR ? "a hex address and R or W" : "one page number");
		return -1;
	}
	return 0;
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
		t->n = t->reads = records;
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

/* Binary if a NUL byte is among the first bytes; else text, hexaddr when the
 * first access line has an R or W after its number. */
static enum trace_format detect(const char *s, size_t len)
{
	size_t head = len < 4096 ? len : 4096;

	if (memchr(s, '\0', head))
		return TRACE_ORACLE;
	for (const char *p = s, *end = s + len; p < end; ) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		while (p < eol && is_space(*p))
			p++;
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

int trace_load(const char *path, enum trace_format f, struct trace *t, char *err, size_t en)
{
	struct builder b = { .t = t, .ids = U64MAP_INIT };
	char head[4096];
	struct stat st;
	void *map = NULL;
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
		if (st.st_size > 0) {
			map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
			if (map == MAP_FAILED) {
				snprintf(err, en, "%s: mmap: %s", path, strerror(errno));
				close(fd);
				return -1;
			}
			madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		}
		rc = map ? parse_text(&b, path, map, (const char *)map + st.st_size, err, en) : 0;
		if (map)
			munmap(map, (size_t)st.st_size);
	}
	close(fd);
	u64map_free(&b.ids);
	free(b.direct);
	if (!t->distinct)
		t->distinct = t->npages;
	if (!rc && !t->n) {
		snprintf(err, en, "%s: no accesses in the trace", path);
		rc = -1;
	}
	if (rc)
		trace_free(t);
	return rc;
}

int trace_from_list(const char *list, struct trace *t, char *err, size_t en)
{
	struct builder b = { .t = t, .ids = U64MAP_INIT };
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
