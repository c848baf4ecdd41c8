/*
 * list.h - a circular doubly linked list embedded in its elements, as the
 * kernel's include/linux/list.h: a list is a struct list_head, each element
 * holds one per list it can be on, and list_entry() gets from the link back
 * to the element. Adding and removing are O(1) with no special case for the
 * first or the last element.
 *
 * For the kernel's object graphs (VMAs and their anon_vma chains, i_mmap),
 * not for the hot paths: page lists link frames by number (mm_types.h).
 */
#ifndef VMLAB_LIST_H
#define VMLAB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define list_entry(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h->prev = h;
}

/* list_add(): e becomes the first element of h. */
static inline void list_add(struct list_head *e, struct list_head *h)
{
	e->next = h->next;
	e->prev = h;
	h->next->prev = e;
	h->next = e;
}

/* list_add_tail(): e becomes the last element of h. */
static inline void list_add_tail(struct list_head *e, struct list_head *h)
{
	list_add(e, h->prev);
}

/* list_del_init(): e leaves its list and is an empty list of its own. */
static inline void list_del_init(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	INIT_LIST_HEAD(e);
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline bool list_is_singular(const struct list_head *h)
{
	return !list_empty(h) && h->next == h->prev;
}

#endif
