/*
 * read_write.c - read(2) and write(2) through the page cache
 * (mm/filemap.c filemap_read, generic_perform_write; fs/read_write.c),
 * fsync, sync and drop_caches.
 *
 * A read takes the run of cached folios from the position on (a batch of
 * at most PAGEVEC_SIZE folios, ending after one still being read or one
 * marked PG_readahead, filemap_get_read_batch). Nothing cached starts
 * synchronous readahead for the request (page_cache_sync_ra); the batch's
 * last folio, if marked, pushes the window on (page_cache_async_ra). The
 * reader waits for a folio still being read, copies, and marks each
 * folio accessed (folio_mark_accessed: a second read of a page activates
 * it), the first one not when the previous read ended in it. ra->prev_pos remembers where the read ended, so the
 * next read(2) at that place counts as sequential.
 *
 * A write takes the folio at the position, or allocates one sized to what
 * is left of the write (fgf_set_order: a 128 KiB write at a 128 KiB
 * boundary makes one order-5 folio; ext4 has large folios since 6.16),
 * copies and dirties it (folio_mark_dirty), extends i_size, and lets
 * balance_dirty_pages() throttle the writer. Writes and reads go in whole
 * pages: a content value is one per page (DESIGN.md "Contents").
 *
 * vm_file_read and vm_file_write open the file, call read(2)/write(2)
 * with VM_IO_CHUNK bytes at a time, as cat and dd do, and close it.
 */
#include "internal.h"

#define PAGEVEC_SIZE		31

/* folio_mark_accessed() over the folio holding idx. */
static void mark_folio_accessed(struct machine *m, struct address_space *as, uint64_t idx)
{
	uint64_t head = folio_index_at(as, idx), n = 1ULL << folio_order_at(as, idx);

	for (uint64_t i = head; i < head + n; i++)
		if (as->pages[i] != PFN_NONE)
			folio_mark_accessed(m, cache_page(m, as, i));
}

/* pos_same_folio(): do the two positions fall in the same folio (of this order)? */
static bool pos_same_folio(uint64_t pos1, int64_t pos2, unsigned order)
{
	unsigned shift = PAGE_SHIFT + order;

	return pos2 >= 0 && pos1 >> shift == (uint64_t)pos2 >> shift;
}

/*
 * filemap_get_read_batch(): one past the last index of the cached folios
 * from index on, up to last (inclusive); index itself if it is not cached.
 */
static uint64_t get_read_batch(struct machine *m, struct address_space *as, uint64_t index,
			       uint64_t last, uint64_t now)
{
	uint64_t idx = index;

	for (int n = 0; n < PAGEVEC_SIZE && idx <= last && as->pages[idx] != PFN_NONE; n++) {
		uint64_t head = folio_index_at(as, idx);
		struct page *hp = cache_page(m, as, head);

		idx = head + (1ULL << folio_order_at(as, idx));
		if (folio_read_pending(hp, now) || PageFlag(hp, PG_readahead))
			break;
	}
	return idx;
}

int filemap_read(struct machine *m, struct task_struct *t, struct file *f, uint64_t pos,
		 uint64_t len, uint8_t *first)
{
	struct address_space *as = f->f_mapping;
	int64_t last_pos = f->f_ra.prev_pos;
	uint64_t end;
	bool any = false;

	if (pos >= as->i_size)
		return 0;
	end = pos + len < as->i_size ? pos + len : as->i_size;
	while (pos < end) {
		uint64_t index = pos >> PAGE_SHIFT;
		uint64_t last_index = (end + PAGE_SIZE - 1) >> PAGE_SHIFT;
		uint64_t batch_end, head, stop, pinned;
		struct page *hp;

		batch_end = get_read_batch(m, as, index, last_index - 1, t->clock);
		if (batch_end == index) {
			page_cache_sync_ra(m, t, f, index, last_index - index);
			batch_end = get_read_batch(m, as, index, last_index - 1, t->clock);
		}
		if (batch_end == index) {
			/* filemap_create_folio(): readahead could not; read the one page */
			if (!filemap_add_new_folio(m, t, as, index, 0, true))
				return -ENOMEM;
			read_pages(m, t, as, index, 1);
			batch_end = index + 1;
		}
		/* the batch's references (folio_try_get): readahead's reclaim keeps off them */
		pinned = folio_index_at(as, index);
		for (uint64_t i = pinned; i < batch_end; i++)
			cache_page(m, as, i)->refcount++;
		head = folio_index_at(as, batch_end - 1);
		hp = cache_page(m, as, head);
		if (PageFlag(hp, PG_readahead))
			page_cache_async_ra(m, t, f, head, head, last_index - head);
		folio_wait_read(t, hp);		/* filemap_update_page() */
		stop = batch_end << PAGE_SHIFT < end ? batch_end << PAGE_SHIFT : end;
		for (uint64_t i = index; i < (stop + PAGE_SIZE - 1) >> PAGE_SHIFT; i++) {
			/* each folio once; the first not if the last read ended in it */
			if (i == index ? !pos_same_folio(pos, last_pos - 1, folio_order_at(as, i)) :
			    i == folio_index_at(as, i))
				mark_folio_accessed(m, as, i);
			if (!any && first)
				*first = cache_page(m, as, i)->value;
			any = true;
			charge(m, t, COST_COPY_PAGE, false);
		}
		for (uint64_t i = pinned; i < batch_end; i++)
			put_page(m, cache_page(m, as, i));	/* folio_batch_release() */
		pos = stop;
		last_pos = (int64_t)pos;
	}
	f->f_ra.prev_pos = last_pos;
	return 0;
}

/* The folio order a write of len bytes at idx asks for (fgf_set_order, then aligned). */
static unsigned write_order(const struct address_space *as, uint64_t idx, uint64_t len)
{
	unsigned order;

	if (as->shmem || len < 2 * PAGE_SIZE)
		return 0;	/* tmpfs: huge=never; a page-sized write: order 0 */
	order = (63u - (unsigned)__builtin_clzll(len)) - PAGE_SHIFT;
	if (order > MAX_PAGECACHE_ORDER)
		order = MAX_PAGECACHE_ORDER;
	if (idx & ((1ULL << order) - 1))
		order = (unsigned)__builtin_ctzll(idx);
	return order;
}

/* write_begin(): the folio for index, allocated (and not read: whole pages are written). */
static struct page *write_begin(struct machine *m, struct task_struct *t, struct address_space *as,
				uint64_t index, uint64_t len)
{
	struct page *page = cache_page(m, as, index);
	int order;

	if (page) {
		folio_wait_read(t, page);
		return page;
	}
	if (as->shmem)
		return shmem_get_folio(m, t, as, index);
	for (order = (int)write_order(as, index, len); order >= 0; order--) {
		if (!cache_range_free(as, index, 1ULL << order))
			continue;
		page = filemap_add_new_folio(m, t, as, index, (unsigned)order, false);
		if (page) {
			for (uint64_t i = 0; i < (1ULL << order); i++)
				SetPageFlag(&page[i], PG_uptodate);
			return page;
		}
	}
	return NULL;
}

int generic_perform_write(struct machine *m, struct task_struct *t, struct file *f,
			  uint64_t pos, uint64_t len, uint8_t value)
{
	struct address_space *as = f->f_mapping;
	uint64_t end = pos + len;

	if (mapping_grow(as, (end + PAGE_SIZE - 1) >> PAGE_SHIFT))
		return -ENOMEM;
	while (pos < end) {
		uint64_t index = pos >> PAGE_SHIFT, head, stop;
		struct page *page = write_begin(m, t, as, index, end - pos);

		if (!page)
			return -ENOMEM;
		head = folio_index_at(as, index);
		stop = (head + (1ULL << folio_order_at(as, index))) << PAGE_SHIFT;
		if (stop > end)
			stop = end;
		for (uint64_t i = index; i < stop >> PAGE_SHIFT; i++) {
			struct page *p = cache_page(m, as, i);

			p->value = value;
			ClearPageFlag(p, PG_locked);	/* write_end(): folio_unlock() */
			folio_mark_dirty(m, p);
			if (m->shadow)
				shadow_file_store(as, i, value);
			charge(m, t, COST_COPY_PAGE, false);
			charge(m, t, COST_WRITE_BEGIN, false);
		}
		mark_folio_accessed(m, as, index);
		pos = stop;
		if (pos > as->i_size)
			as->i_size = pos;	/* i_size_write() at write_end() */
	}
	balance_dirty_pages_ratelimited(m, t);
	return 0;
}

/* ---- the system calls ---- */

static int check_range(const struct address_space *as, uint64_t off, uint64_t len)
{
	if (!as || !as->linked)
		return -ENOENT;
	if ((off | len) & ~PAGE_MASK)
		return -EINVAL;
	return 0;
}

/*
 * read(2) or write(2) of [off, off + len) by pid: the file opened, the
 * calls VM_IO_CHUNK bytes each (each a system call), closed. *first: the
 * value a read found at off.
 */
static int file_io(struct machine *m, int pid, int file, uint64_t off, uint64_t len, bool write,
		   uint8_t value, struct vm_result *r)
{
	struct address_space *as = file_lookup(m, file);
	struct op_bracket b;
	struct task_struct *t;
	struct file *f;
	uint8_t first = 0;
	int err = check_range(as, off, len);

	if (err)
		return err;
	t = syscall_enter(m, pid, &b);
	if (!t)
		return -ESRCH;
	f = file_open(m, as);
	if (!f)
		err = -ENOMEM;
	for (uint64_t done = 0; f && !err && done < len; done += VM_IO_CHUNK) {
		uint64_t n = len - done < VM_IO_CHUNK ? len - done : VM_IO_CHUNK;

		if (done)
			charge(m, t, COST_SYSCALL, false);
		if (write) {
			err = generic_perform_write(m, t, f, off + done, n, value);
		} else {
			err = filemap_read(m, t, f, off + done, n, done ? NULL : &first);
			if (off + done + n >= as->i_size)
				break;
		}
	}
	if (f)
		fput(m, f);
	err = syscall_exit(m, t, &b, r, write ? "write" : "read", off, len, err);
	if (r && !write)
		r->value = first;
	return err;
}

int vm_file_read(vm_machine *m, int pid, int file, uint64_t off, uint64_t len,
		 struct vm_result *r)
{
	return file_io(m, pid, file, off, len, false, 0, r);
}

int vm_file_write(vm_machine *m, int pid, int file, uint64_t off, uint64_t len, uint8_t value,
		  struct vm_result *r)
{
	return file_io(m, pid, file, off, len, true, value, r);
}

int vm_fsync(vm_machine *m, int pid, int file, struct vm_result *r)
{
	struct address_space *as = file_lookup(m, file);
	struct op_bracket b;
	struct task_struct *t;

	if (!as || !as->linked)
		return -ENOENT;
	t = syscall_enter(m, pid, &b);
	if (!t)
		return -ESRCH;
	filemap_write_and_wait(m, t, as);
	return syscall_exit(m, t, &b, r, "fsync", 0, 0, 0);
}

/* sync(2): every file's dirty pages written, and waited for; t NULL: the driver's. */
static void ksys_sync(struct machine *m, struct task_struct *t)
{
	for (int i = 0; i < m->nr_files; i++)
		if (m->files[i] && !m->files[i]->shmem)
			filemap_write_and_wait(m, t, m->files[i]);
}

int vm_sync(vm_machine *m, int pid, struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t;

	if (!pid) {
		ksys_sync(m, NULL);
		if (r)
			*r = (struct vm_result){ 0 };
		return 0;
	}
	t = syscall_enter(m, pid, &b);
	if (!t)
		return -ESRCH;
	ksys_sync(m, t);
	return syscall_exit(m, t, &b, r, "sync", 0, 0, 0);
}

uint64_t vm_drop_caches(vm_machine *m)
{
	uint64_t n = 0;

	/* the driver acts at the latest time any task has reached: reads begun before are done */
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++)
		if (m->tasks[pid] && m->tasks[pid]->clock > m->now)
			m->now = m->tasks[pid]->clock;
	ksys_sync(m, NULL);
	for (int i = 0; i < m->nr_files; i++)
		if (m->files[i])
			n += invalidate_mapping_pages(m, m->files[i]);
	count_vm_event(m, DROP_PAGECACHE);
	return n;
}
