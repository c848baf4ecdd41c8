/*
 * fault.c - the x86 page-fault exception (arch/x86/mm/fault.c).
 *
 * do_user_addr_fault() is what the CPU's #PF reaches: it counts the perf
 * software event page-faults (every exception, even those that end in
 * SIGSEGV), finds the VMA (growing the stack if the address is just below a
 * VM_GROWSDOWN VMA), checks the access against the VMA's protection, and
 * only then calls handle_mm_fault(). A fault with no VMA or against the
 * VMA's protection therefore never reaches handle_mm_fault(): it is not
 * counted in pgfault nor in the task's min_flt (measured on 6.18: 10,000
 * such faults left pgfault unchanged while perf counted them). The task
 * gets SIGSEGV with si_addr = the address and si_code SEGV_MAPERR (nothing
 * mapped) or SEGV_ACCERR (not allowed).
 */
#include "internal.h"

/* access_error(): may this access use this VMA at all? */
static bool access_error(bool write, const struct vm_area_struct *vma)
{
	if (write)
		return !(vma->vm_flags & VM_WRITE);
	return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

static void segv_event(struct machine *m, struct task_struct *t, uint64_t addr, bool write,
		       const char *why)
{
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_SEGV, .pid = t->pid, .cpu = t->cpu,
			.addr = addr, .write = write, .what = why,
		};
		mm_emit(m, &ev);
	}
}

/* bad_area(): deliver SIGSEGV; the process ends (no handler is modelled). */
static int bad_area(struct machine *m, struct task_struct *t, uint64_t addr, bool write,
		    int code, const char *why)
{
	segv_event(m, t, addr, write, why);
	force_sig_segv(m, t, addr, code);
	return VM_ESIGNAL;
}

int do_user_addr_fault(struct machine *m, struct task_struct *t, uint64_t addr, bool write)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma;
	unsigned ret;

	t->perf_faults++;
	charge(m, t, COST_FAULT_TRAP, false);
	if (addr >= TASK_SIZE)
		return bad_area(m, t, addr, write, SEGV_MAPERR, "address outside user space");
	vma = find_vma(mm, addr);
	if (!vma)
		return bad_area(m, t, addr, write, SEGV_MAPERR, "no mapping");
	if (vma->vm_start > addr) {
		if (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(m, mm, vma, addr))
			return bad_area(m, t, addr, write, SEGV_MAPERR, "no mapping");
	}
	if (access_error(write, vma))
		return bad_area(m, t, addr, write, SEGV_ACCERR,
				write ? "write to a mapping without PROT_WRITE" :
					"access to a PROT_NONE mapping");
	ret = handle_mm_fault(m, t, vma, addr,
			      FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0));
	if (ret & VM_FAULT_OOM) {
		/*
		 * pagefault_out_of_memory(): the OOM killer chose this task (a
		 * fatal signal is pending): it dies now. Otherwise nothing could
		 * be killed, and the kernel would retry the fault for ever: the
		 * run ends there (-ENOMEM).
		 */
		if (t->pending_sig && signal_deliver(m, t))
			return VM_ESIGNAL;
		return -ENOMEM;
	}
	if (ret & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV))
		return bad_area(m, t, addr, write, SEGV_MAPERR, "handle_mm_fault failed");
	return 0;
}
