/*
 * trace.c - vmlab trace: record a program's memory accesses (valgrind's
 * lackey tool, its stream read through a pipe as it comes: no text file on
 * disk), convert between formats, and describe a trace.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "../replay/mrc.h"
#include "../trace/trace.h"

static void trace_usage(void)
{
	fputs("usage: vmlab trace record -o OUT [--to FORMAT] -- COMMAND [ARGS...]\n"
	      "       vmlab trace convert IN OUT [--format F] [--to FORMAT]\n"
	      "       vmlab trace info TRACE [--format F]\n"
	      "  formats written: hexaddr (R/W kept; record's default), oracle (libCacheSim's\n"
	      "  oracleGeneral, with next_access_vtime; convert's default), pages\n", stderr);
}

static int out_format(const char *name)
{
	int f = trace_format_parse(name);

	if (f != TRACE_ORACLE && f != TRACE_PAGES && f != TRACE_HEXADDR) {
		fprintf(stderr, "vmlab trace: --to is oracle, pages or hexaddr, not '%s'\n", name);
		return -1;
	}
	return f;
}

static int save(const struct trace *t, int f, const char *out)
{
	if (trace_write(t, (enum trace_format)f, out)) {
		fprintf(stderr, "vmlab trace: cannot write %s: %s\n", out, strerror(errno));
		return 2;
	}
	fprintf(stderr, "vmlab trace: %s: %llu accesses (%llu writes) to %u pages, as %s%s\n", out,
		(unsigned long long)t->n, (unsigned long long)t->writes, t->distinct,
		trace_format_names[f], f == TRACE_PAGES || (f == TRACE_ORACLE && t->writes) ?
		" (which has no writes: they read back as reads)" : "");
	return 0;
}

/* The distance under which a fraction q of the reuses fall. */
static uint64_t quantile(const struct lru_curve *c, double q)
{
	uint64_t reuses = 0, seen = 0;

	for (uint64_t d = 1; d < c->nhist; d++)
		reuses += c->hist[d];
	for (uint64_t d = 1; d < c->nhist; d++) {
		seen += c->hist[d];
		if ((double)seen >= q * (double)reuses)
			return d;
	}
	return 0;
}

static int info(const char *path, int f)
{
	struct trace t;
	struct lru_curve c;
	char err[512];

	if (trace_load(path, (enum trace_format)f, &t, err, sizeof(err))) {
		fprintf(stderr, "vmlab trace: %s\n", err);
		return 2;
	}
	if (mrc_lru(&t, NULL, 0, &c)) {
		fprintf(stderr, "vmlab trace: out of memory\n");
		trace_free(&t);
		return 2;
	}
	printf("trace       %s (%s)\n", path, trace_format_names[t.format]);
	printf("accesses    %llu (%llu reads, %llu writes)\n", (unsigned long long)t.n,
	       (unsigned long long)(t.n - t.writes), (unsigned long long)t.writes);
	printf("pages       %u distinct, a footprint of %.1f MiB\n", t.distinct,
	       t.distinct * 4096.0 / (1 << 20));
	printf("reuse       %llu accesses reuse a page (%.1f%%); their LRU stack distance, in "
	       "pages:\n", (unsigned long long)(t.n - c.cold), 100.0 * (double)(t.n - c.cold) /
	       (double)t.n);
	if (t.n > c.cold)
		printf("            median %llu, 90%% under %llu, 99%% under %llu (an LRU cache of "
		       "that many pages hits them)\n", (unsigned long long)quantile(&c, 0.5),
		       (unsigned long long)quantile(&c, 0.9), (unsigned long long)quantile(&c, 0.99));
	mrc_free(&c);
	trace_free(&t);
	return 0;
}

struct progress {
	double t0, last;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The progress line, on a terminal, twice a second. */
static void show_progress(void *ctx, const struct trace *t, uint64_t bytes)
{
	struct progress *p = ctx;
	double now = now_s();

	if (now - p->last < 0.5)
		return;
	p->last = now;
	fprintf(stderr, "\r%llu accesses, %u pages, %.0f MB of lackey's stream read, %.2f M "
		"accesses/s ", (unsigned long long)t->n, t->npages, (double)bytes / 1e6,
		(double)t->n / 1e6 / (now - p->t0));
}

/*
 * record: valgrind --tool=lackey --trace-mem=yes runs the command with its
 * log on descriptor 3, the write end of a pipe whose read end this process
 * parses as the stream comes. The program's own output goes where ours does.
 */
static int record(const char *out, int f, char **cmd)
{
	int fds[2], status;
	char err[512];
	struct trace t;
	pid_t pid;
	int rc;

	if (system("command -v valgrind > /dev/null 2>&1") != 0) {
		fputs("vmlab trace record: valgrind is not installed (apt-get install valgrind)\n", stderr);
		return 2;
	}
	if (pipe(fds)) {
		fprintf(stderr, "vmlab trace record: pipe: %s\n", strerror(errno));
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "vmlab trace record: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		int n = 0;
		char *argv[256];

		close(fds[0]);
		if (dup2(fds[1], 3) < 0)
			_exit(127);
		if (fds[1] != 3)
			close(fds[1]);
		argv[n++] = "valgrind";
		argv[n++] = "--tool=lackey";
		argv[n++] = "--trace-mem=yes";
		argv[n++] = "--log-fd=3";
		for (int i = 0; cmd[i] && n < 255; i++)
			argv[n++] = cmd[i];
		argv[n] = NULL;
		execvp("valgrind", argv);
		_exit(127);
	}
	close(fds[1]);
	struct progress pr = { .t0 = now_s() };

	rc = trace_read_fd(fds[0], "valgrind's stream", TRACE_LACKEY, &t, err, sizeof(err),
			   isatty(2) ? show_progress : NULL, &pr);
	if (isatty(2) && pr.last > 0)
		fputs("\r\033[K", stderr);		/* the progress line, cleared */
	close(fds[0]);
	if (rc)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc) {
		fprintf(stderr, "vmlab trace record: %s\n", err);
		return 2;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		fprintf(stderr, "vmlab trace record: valgrind %s %d; nothing written\n",
			WIFEXITED(status) ? "exited with status" : "was killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		trace_free(&t);
		return 2;
	}
	if (WEXITSTATUS(status))
		fprintf(stderr, "vmlab trace record: %s exited with status %d (its trace is kept)\n",
			cmd[0], WEXITSTATUS(status));
	rc = save(&t, f, out);
	trace_free(&t);
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "", *out = NULL, *in_fmt = "auto", *pos[2] = { 0 };
	int to = !strcmp(sub, "record") ? TRACE_HEXADDR : TRACE_ORACLE, npos = 0, f, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-o") && more) {
			out = argv[++i];
		} else if (!strcmp(a, "--to") && more) {
			if ((to = out_format(argv[++i])) < 0)
				return 2;
		} else if (!strcmp(a, "--format") && more) {
			in_fmt = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "vmlab trace: unknown option or missing value: %s\n", a);
			trace_usage();
			return 2;
		} else if (npos < 2 && strcmp(sub, "record")) {
			pos[npos++] = a;
		} else {
			break;
		}
	}
	if ((f = parse_trace_format("trace", in_fmt)) < 0)
		return 2;
	if (!strcmp(sub, "info") && npos == 1 && i == argc)
		return info(pos[0], f);
	if (!strcmp(sub, "convert") && npos == 2 && i == argc) {
		struct trace t;
		char err[512];
		int rc;

		if (trace_load(pos[0], (enum trace_format)f, &t, err, sizeof(err))) {
			fprintf(stderr, "vmlab trace: %s\n", err);
			return 2;
		}
		rc = save(&t, to, pos[1]);
		trace_free(&t);
		return rc;
	}
	if (!strcmp(sub, "record") && out && i < argc)
		return record(out, to, argv + i);
	trace_usage();
	return 2;
}
