/*
 * printk.c - the kernel log (kernel/printk/printk.c): each line stamped
 * with the time since boot, kept in a buffer of fixed size whose oldest
 * lines go first when it fills (log_buf_len: 2^CONFIG_LOG_BUF_SHIFT, 18 in
 * Debian's kernels), and read back as dmesg(1) prints it:
 * "[    5.123456] text". The simulated kernel writes the lines the real
 * one writes for the same events (the OOM killer's, oom_kill.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define LOG_BUF_LEN	(1u << 18)

void printk(struct machine *m, uint64_t t, const char *fmt, ...)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "[%5llu.%06llu] ", (unsigned long long)(t / 1000000000ULL),
			 (unsigned long long)(t % 1000000000ULL / 1000));
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (!m->log) {
		m->log = malloc(LOG_BUF_LEN);
		if (!m->log)
			return;		/* the log is lost, the kernel goes on */
		m->log_len = 0;
	}
	while (m->log_len + (size_t)n > LOG_BUF_LEN) {
		/* the oldest line goes */
		char *nl = memchr(m->log, '\n', m->log_len);
		size_t drop = nl ? (size_t)(nl - m->log) + 1 : m->log_len;

		memmove(m->log, m->log + drop, m->log_len - drop);
		m->log_len -= drop;
	}
	memcpy(m->log + m->log_len, line, (size_t)n);
	m->log_len += (size_t)n;
}

const char *vm_dmesg(vm_machine *m, size_t *len)
{
	*len = m->log ? m->log_len : 0;
	return m->log ? m->log : "";
}
