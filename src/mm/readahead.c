/*
 * readahead.c - reading files ahead of their readers (mm/readahead.c, 6.18)
 * and the disk that serves the reads.
 *
 * Each open file keeps a window (struct file_ra_state): the pages
 * [start, start + size) it read last, async_size of them at the end
 * ahead of the reader, the first of those (start + size - async_size)
 * marked PG_readahead. A miss starts a window (page_cache_sync_ra: at the
 * start of the file, or right after the previous read, get_init_ra_size()
 * of the request; else a window sized by the run of cached pages before
 * it, or no readahead at all for a lone random read). A reader reaching
 * the marked folio pushes the window on by its size, grown by
 * get_next_ra_size() up to ra_pages, and asks for folios two orders
 * larger than last time (page_cache_async_ra: ra->order += 2), so a
 * sequential reader's cache goes 4 KiB, 16 KiB, 64 KiB, ... 2 MiB folios
 * (page_cache_ra_order: each folio aligned to its size, smaller at the
 * window's edges and at EOF, at most MAX_PAGECACHE_ORDER = PMD order).
 * mmap faults use the same machinery (filemap.c).
 *
 * The disk takes one request at a time: a request of n pages ends
 * COST_DISK_READ + n * COST_DISK_READ_PAGE after the disk is free. A
 * readahead request is submitted and not waited for (read_pages); each
 * page records when its data arrives, and whoever needs it sooner waits.
 */
#include "internal.h"


void file_ra_state_init(struct machine *m, struct file_ra_state *ra)
{
	*ra = (struct file_ra_state){ .ra_pages = m->ra_pages, .prev_pos = -1 };
}

/* When a request of n pages submitted at now ends, and the disk with it. */
static uint64_t disk_request(struct machine *m, uint64_t now, uint64_t n, enum cost_item per_page)
{
	uint64_t start = now > m->disk_busy_until ? now : m->disk_busy_until;
	uint64_t done = start + m->cost.ns[COST_DISK_READ] + n * m->cost.ns[per_page];

	m->disk_busy_until = done;
	return done;
}

uint64_t disk_write_request(struct machine *m, uint64_t now, uint64_t n)
{
	return disk_request(m, now, n, COST_DISK_WRITE_PAGE);
}

void read_pages(struct machine *m, struct task_struct *t, struct address_space *as,
		uint64_t idx, uint64_t n)
{
	uint64_t done;

	if (!n)
		return;
	done = disk_request(m, t->clock, n, COST_DISK_READ_PAGE);
	for (uint64_t i = idx; i < idx + n; i++) {
		struct page *page = pfn_to_page(m, as->pages[i]);

		page->value = as->disk[i];
		page->private = done;		/* locked, !uptodate until then */
		SetPageFlag(page, PG_uptodate);
		ClearPageFlag(page, PG_locked);	/* the lock is the read's time now */
	}
	count_vm_events(m, PGPGIN, n * (PAGE_SIZE >> 10));
}

static unsigned ilog2_u64(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

static uint64_t roundup_pow_of_two(uint64_t x)
{
	return x <= 1 ? 1 : 1ULL << (ilog2_u64(x - 1) + 1);
}

/*
 * get_init_ra_size(): the first window for a request of size pages: the
 * next power of two, times 4 when small, times 2 when medium, else max.
 */
static uint64_t get_init_ra_size(uint64_t size, uint64_t max)
{
	uint64_t newsize = roundup_pow_of_two(size);

	if (newsize <= max / 32)
		return newsize * 4;
	if (newsize <= max / 4)
		return newsize * 2;
	return max;
}

/* get_next_ra_size(): quadruple a small window, double a medium one, else max. */
static uint64_t get_next_ra_size(const struct file_ra_state *ra, uint64_t max)
{
	uint64_t cur = ra->size;

	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

/*
 * page_cache_ra_unbounded() as do_page_cache_ra() calls it: order-0 pages
 * for [index, index + nr) below EOF, skipping those already cached (each
 * run of new pages one request), PG_readahead on the page lookahead pages
 * before the end.
 */
static void do_page_cache_ra(struct machine *m, struct task_struct *t, struct address_space *as,
			     uint64_t index, uint64_t nr, uint64_t lookahead)
{
	uint64_t npages = file_pages(as), mark = UINT64_MAX, run = index;

	if (!npages || index >= npages)
		return;
	if (nr > npages - 1 - index) {
		nr = npages - index;
		lookahead = 0;		/* the end: no marker */
	}
	if (lookahead && lookahead <= nr)
		mark = index + nr - lookahead;
	for (uint64_t i = index; i < index + nr; i++) {
		struct page *page;

		if (as->pages[i] != PFN_NONE) {
			read_pages(m, t, as, run, i - run);	/* kick off the batch so far */
			run = i + 1;
			continue;
		}
		page = filemap_add_new_folio(m, t, as, i, 0, true);
		if (!page)
			break;
		if (i == mark)
			SetPageFlag(page, PG_readahead);
	}
	for (uint64_t i = run; i < index + nr; i++)
		if (as->pages[i] == PFN_NONE) {
			read_pages(m, t, as, run, i - run);
			return;
		}
	read_pages(m, t, as, run, index + nr - run);
}

/*
 * page_cache_ra_order(): read the window [index, index + ra->size) in
 * folios of ra->order (capped by the window and MAX_PAGECACHE_ORDER),
 * each aligned to its size and kept below EOF, the one holding the mark
 * flagged PG_readahead. A folio that cannot be added (cached pages in the
 * way, no memory) stops it; the regular readahead reads the rest.
 */
void page_cache_ra_order(struct machine *m, struct task_struct *t, struct file *f, uint64_t index)
{
	struct address_space *as = f->f_mapping;
	struct file_ra_state *ra = &f->f_ra;
	uint64_t npages = file_pages(as), start = index, limit, mark, batch = index;
	unsigned new_order = ra->order;
	bool failed = false;

	if (!npages)
		return;
	limit = npages - 1;
	if (limit > index + ra->size - 1) {
		limit = index + ra->size - 1;
		mark = index + ra->size - ra->async_size;
	} else {
		mark = UINT64_MAX;	/* the end: no marker */
	}
	if (new_order > MAX_PAGECACHE_ORDER)
		new_order = MAX_PAGECACHE_ORDER;
	if (new_order > ilog2_u64(ra->size))
		new_order = ilog2_u64(ra->size);
	ra->order = new_order;
	while (index <= limit) {
		unsigned order = new_order;
		uint64_t n;
		struct page *p;

		if (index & ((1ULL << order) - 1))
			order = (unsigned)__builtin_ctzll(index);
		while (order > 0 && index + (1ULL << order) - 1 > limit)
			order--;
		n = 1ULL << order;
		if (!cache_range_free(as, index, n) || !(p = filemap_add_new_folio(m, t, as, index, order, true))) {
			failed = true;
			break;
		}
		if (mark != UINT64_MAX && index == (mark & ~(n - 1)))
			SetPageFlag(p, PG_readahead);
		index += n;
	}
	read_pages(m, t, as, batch, index - batch);
	if (failed && ra->size > index - start)
		do_page_cache_ra(m, t, as, index, ra->size - (index - start), ra->async_size);
}

/* page_cache_prev_miss(): the last absent index in (index - max, index], or UINT64_MAX. */
static uint64_t page_cache_prev_miss(const struct address_space *as, uint64_t index,
				     uint64_t max)
{
	for (uint64_t i = 0; i < max; i++) {
		if (as->pages[index] == PFN_NONE)
			return index;
		if (!index)
			return UINT64_MAX;
		index--;
	}
	return index;
}

/* page_cache_next_miss(): the first absent index in [index, index + max), or index + max. */
static uint64_t page_cache_next_miss(const struct address_space *as, uint64_t index,
				     uint64_t max)
{
	for (uint64_t i = 0; i < max; i++, index++)
		if (index >= as->size || as->pages[index] == PFN_NONE)
			return index;
	return index;
}

void force_page_cache_ra(struct machine *m, struct task_struct *t, struct file *f,
			 uint64_t index, uint64_t nr)
{
	uint64_t max = f->f_ra.ra_pages;	/* max(bdi->io_pages, ra_pages): io_pages not modelled */

	if (nr > max)
		nr = max;
	while (nr) {
		uint64_t chunk = nr < (2ULL << 20) / PAGE_SIZE ? nr : (2ULL << 20) / PAGE_SIZE;

		do_page_cache_ra(m, t, f->f_mapping, index, chunk, 0);
		index += chunk;
		nr -= chunk;
	}
}

void page_cache_sync_ra(struct machine *m, struct task_struct *t, struct file *f,
			uint64_t index, uint64_t req_count)
{
	struct file_ra_state *ra = &f->f_ra;
	uint64_t max = ra->ra_pages, prev_index, miss, contig;

	if (!ra->ra_pages || f->f_random) {
		/* no readahead, or FMODE_RANDOM: just what was asked for */
		force_page_cache_ra(m, t, f, index, ra->ra_pages ? req_count : 1);
		return;
	}
	prev_index = ra->prev_pos < 0 ? UINT64_MAX : (uint64_t)ra->prev_pos >> PAGE_SHIFT;
	if (!index || req_count > max || index - prev_index <= 1) {
		/* the start of the file, an oversized read, or a sequential miss */
		ra->start = index;
		ra->size = (uint32_t)get_init_ra_size(req_count, max);
		ra->async_size = ra->size > req_count ? ra->size - (uint32_t)req_count :
							ra->size >> 1;
	} else {
		/* the traces a sequential stream would have left in the cache */
		miss = page_cache_prev_miss(f->f_mapping, index - 1, max);
		contig = index - miss - 1;
		if (contig <= req_count) {
			/* a lone small random read: read it as is, keep the state */
			do_page_cache_ra(m, t, f->f_mapping, index, req_count, 0);
			return;
		}
		if (miss == UINT64_MAX)
			contig *= 2;	/* cached from the start: a long stream */
		ra->start = index;
		ra->size = (uint32_t)(contig + req_count < max ? contig + req_count : max);
		ra->async_size = 1;
	}
	ra->order = 0;
	page_cache_ra_order(m, t, f, ra->start);
}

void page_cache_async_ra(struct machine *m, struct task_struct *t, struct file *f,
			 uint64_t index, uint64_t folio_idx, uint64_t req_count)
{
	struct file_ra_state *ra = &f->f_ra;
	struct address_space *as = f->f_mapping;
	struct page *hp = pfn_to_page(m, as->pages[folio_idx]);
	uint64_t max = ra->ra_pages, nr = 1ULL << folio_order_at(as, folio_idx);
	uint64_t expected, end, aligned_end, align, start;

	if (!ra->ra_pages || PageFlag(hp, PG_writeback))
		return;
	ClearPageFlag(hp, PG_readahead);
	expected = (ra->start + ra->size - ra->async_size) & ~(nr - 1);
	if (index == expected) {
		/* the expected place: the stream goes on, the window grows */
		uint64_t next = get_next_ra_size(ra, max);

		ra->start += ra->size;
		if (next > ra->size)
			ra->size = (uint32_t)next;
	} else {
		/* a marked folio without a matching state (interleaved readers) */
		start = page_cache_next_miss(as, index + 1, max);
		if (!start || start - index > max)
			return;
		ra->start = start;
		ra->size = (uint32_t)(start - index + req_count);
		ra->size = (uint32_t)get_next_ra_size(ra, max);
	}
	ra->order += 2;
	align = 1ULL << (ra->order < (unsigned)__builtin_ctzll(max) ? ra->order :
			 (unsigned)__builtin_ctzll(max));
	end = ra->start + ra->size;
	aligned_end = end & ~(align - 1);
	if (aligned_end > ra->start)
		ra->size -= (uint32_t)(end - aligned_end);
	ra->async_size = ra->size;
	page_cache_ra_order(m, t, f, ra->start);
}
