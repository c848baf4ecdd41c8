/*
 * backend.c - what both backends share (backend.h): the wording of a
 * deadlock's explanation, so that the simulator and the real kernel
 * describe the same stuck processes in the same words.
 */
#include <stdio.h>
#include <string.h>
#include "backend.h"

void backend_add_wait(char *buf, size_t n, int pid, int kind, int target)
{
	size_t len = strlen(buf);
	const char *sep = len ? "; " : "";

	if (len >= n)
		return;
	if (kind == VM_WAIT_PAUSE)
		snprintf(buf + len, n - len, "%spid %d is paused", sep, pid);
	else if (kind == VM_WAIT_READY)
		snprintf(buf + len, n - len, "%spid %d waits for pid %d to be ready", sep, pid, target);
	else if (target)
		snprintf(buf + len, n - len, "%spid %d waits for its child %d", sep, pid, target);
	else
		snprintf(buf + len, n - len, "%spid %d waits for a child", sep, pid);
}
