/*
 * events.c - one readable line per kernel event (--events), stamped like
 * dmesg with seconds since boot.
 */
#include "views.h"
#include "../lib/errname.h"

void format_event(struct strbuf *o, const struct vm_event *ev)
{
	sb_printf(o, "[%5llu.%06llu] ", (unsigned long long)(ev->time / 1000000000ULL),
		  (unsigned long long)(ev->time / 1000 % 1000000));
	switch (ev->kind) {
	case EV_FAULT:
		sb_printf(o, "pid %d fault 0x%llx %s %s: pfn 0x%llx (%s)\n", ev->pid,
			  (unsigned long long)ev->addr, ev->write ? "write" : "read", ev->what,
			  (unsigned long long)ev->pfn, ev->major ? "major" : "minor");
		break;
	case EV_SEGV:
		sb_printf(o, "pid %d fault 0x%llx %s: %s -> SIGSEGV\n", ev->pid,
			  (unsigned long long)ev->addr, ev->write ? "write" : "read", ev->what);
		break;
	case EV_SYSCALL:
		sb_printf(o, "pid %d %s 0x%llx len 0x%llx", ev->pid, ev->what,
			  (unsigned long long)ev->addr, (unsigned long long)ev->len);
		if (ev->child < 0)
			sb_printf(o, " failed: %s", errno_name(ev->child));
		sb_putc(o, '\n');
		break;
	case EV_FORK:
		sb_printf(o, "pid %d fork: child pid %d\n", ev->pid, ev->child);
		break;
	case EV_EXIT:
		if (ev->child)
			sb_printf(o, "pid %d killed by %s\n", ev->pid, ev->what);
		else
			sb_printf(o, "pid %d exit(%llu)\n", ev->pid, (unsigned long long)ev->len);
		break;
	case EV_TLB_FLUSH:
		if (ev->len)
			sb_printf(o, "pid %d tlb flush 0x%llx-0x%llx (%llu pages)", ev->pid,
				  (unsigned long long)ev->addr,
				  (unsigned long long)(ev->addr + ev->len),
				  (unsigned long long)(ev->len >> 12));
		else
			sb_printf(o, "pid %d tlb flush all", ev->pid);
		if (ev->child)
			sb_printf(o, ", shootdown IPIs to %d cpu%s", ev->child, ev->child == 1 ? "" : "s");
		sb_putc(o, '\n');
		break;
	case EV_SWITCH_MM:
		sb_printf(o, "cpu %d switch_mm to pid %d: asid %llu (%s)\n", ev->cpu, ev->pid,
			  (unsigned long long)ev->len, ev->what);
		break;
	case EV_OOM:
		sb_printf(o, "pid %d out of memory at 0x%llx: %s\n", ev->pid,
			  (unsigned long long)ev->addr, ev->what);
		break;
	case EV_OOM_KILL:
		sb_printf(o, "pid %d oom-kill (%s): %llu pages resident\n", ev->pid, ev->what,
			  (unsigned long long)ev->len);
		break;
	}
}
