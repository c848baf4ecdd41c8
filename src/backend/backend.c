/*
 * backend.c - what both backends share (backend.h): the wording of a
 * deadlock's explanation, so that the simulator and the real kernel
 * describe the same stuck processes in the same words, and a deadlock of
 * 32,767 paused processes in one line a person can read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"

void wait_text_init(struct wait_text *w, char *buf, size_t n)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->n = n;
	buf[0] = '\0';
}

static void appendf(struct wait_text *w, const char *fmt, ...)
{
	size_t len = strlen(w->buf);
	va_list ap;

	if (len + 1 >= w->n)
		return;
	va_start(ap, fmt);
	vsnprintf(w->buf + len, w->n - len, fmt, ap);
	va_end(ap);
}

void wait_text_add(struct wait_text *w, int pid, int kind, int target)
{
	const char *sep = w->shown ? "; " : "";

	if (w->shown == WAIT_TEXT_SHOWN) {	/* the rest are counted by kind */
		w->more++;
		if (kind >= 0 && kind < 3)
			w->by_kind[kind]++;
		return;
	}
	w->shown++;
	if (kind == VM_WAIT_PAUSE)
		appendf(w, "%spid %d is paused", sep, pid);
	else if (kind == VM_WAIT_READY)
		appendf(w, "%spid %d waits for pid %d to be ready", sep, pid, target);
	else if (target)
		appendf(w, "%spid %d waits for its child %d", sep, pid, target);
	else
		appendf(w, "%spid %d waits for a child", sep, pid);
}

void wait_text_end(struct wait_text *w)
{
	static const char *const kinds[3] = { "waiting for a child", "waiting for readiness",
					      "paused" };
	const char *sep = ":";

	if (!w->more)
		return;
	appendf(w, "; and %d more", w->more);
	for (int k = 0; k < 3; k++) {
		if (!w->by_kind[k])
			continue;
		appendf(w, "%s %d %s", sep, w->by_kind[k], kinds[k]);
		sep = ",";
	}
}
