/*
 * embed.c - a program that uses the installed library, as an embedder
 * would: compiled with `pkg-config --cflags --libs vmlab` against an
 * installed tree (tests/install/run.sh). It prints what it measured and
 * exits 0 only if the simulator gave the documented counts.
 */
#include <stdio.h>
#include <string.h>
#include <vmlab.h>

#if VMLAB_VERSION_NUM < 100
#error "vmlab.h is older than 0.1.0"
#endif

int main(void)
{
	struct vm_config c;
	struct vm_result r;
	struct vm_mmap_args a = { .len = 100 << 20, .prot = VM_PROT_READ | VM_PROT_WRITE };
	struct vm_touch_args t = { .len = 100 << 20, .write = 1 };
	char err[256];
	vm_machine *m;
	uint64_t addr;
	int pid;

	if (strcmp(vm_version(), VMLAB_VERSION)) {
		fprintf(stderr, "header %s, library %s\n", VMLAB_VERSION, vm_version());
		return 1;
	}
	vm_config_default(&c);
	c.ram = 1ULL << 30;
	m = vm_new(&c, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "vm_new: %s\n", err);
		return 1;
	}
	pid = vm_spawn(m, "embed", NULL);
	if (pid < 0 || vm_mmap(m, pid, &a, &addr, NULL))
		return 1;
	t.addr = addr;
	if (vm_touch(m, pid, &t, &r))
		return 1;
	printf("vmlab %s: 100 MiB written, %llu minor faults\n", vm_version(),
	       (unsigned long long)r.minflt);
	vm_free(m);
	return r.minflt == 25600 ? 0 : 1;
}
