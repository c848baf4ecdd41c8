/*
 * scenarios.c - finding a scenario by name, and `vmlab list`.
 *
 * `vmlab run cow` runs ./cow if there is such a file, else the scenario
 * named cow.lua that came with vmlab: installed, in PREFIX/share/vmlab/
 * scenarios next to PREFIX/bin/vmlab; in a checkout, scenarios/ beside the
 * vmlab binary. Both are found from the binary's own path, so an installed
 * tree still works when it is moved (or staged under DESTDIR).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The directory of the running binary, without the trailing slash. */
static int exe_dir(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);
	char *slash;

	if (len <= 0)
		return -1;
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int scenario_dir(char *buf, size_t n)
{
	static const char *const rel[] = { "/../share/vmlab/scenarios", "/scenarios" };
	char dir[4096];

	if (exe_dir(dir, sizeof(dir)))
		return -1;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char path[4096 + 32], real[PATH_MAX];

		snprintf(path, sizeof(path), "%s%s", dir, rel[i]);
		if (is_dir(path) && realpath(path, real) && strlen(real) < n) {
			strcpy(buf, real);
			return 0;
		}
	}
	return -1;
}

const char *scenario_find(const char *name, char *buf, size_t n, const char *cmd)
{
	char dir[4096];
	size_t len = strlen(name);
	bool has_ext = len > 4 && !strcmp(name + len - 4, ".lua");

	if (is_file(name) || strchr(name, '/'))
		return name;	/* a path: vmlab run says if it cannot be read */
	if (!scenario_dir(dir, sizeof(dir)) &&
	    snprintf(buf, n, "%s/%s%s", dir, name, has_ext ? "" : ".lua") < (int)n && is_file(buf))
		return buf;
	if (scenario_dir(dir, sizeof(dir)))
		fprintf(stderr, "vmlab %s: no scenario '%s': no such file here, and no scenarios "
			"directory beside this vmlab\n", cmd, name);
	else
		fprintf(stderr, "vmlab %s: no scenario '%s': no such file here, nor %s%s in %s "
			"(vmlab list shows them)\n", cmd, name, name, has_ext ? "" : ".lua", dir);
	return NULL;
}

/*
 * A scenario's one-line description: its first comment line, without the
 * "name.lua:" it starts with. The scenarios of the seed courses go on with
 * "(seed: document.md, experiment...", which may wrap to the next line:
 * the description keeps the document's name only.
 */
static void describe(const char *path, const char *file, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[256];

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		size_t flen = strlen(file);

		if (s[0] == '#' && s[1] == '!')
			continue;
		if (strncmp(s, "--", 2))
			break;
		s += 2;
		while (*s == ' ' || *s == '-')
			s++;
		if (!strncmp(s, file, flen) && s[flen] == ':')
			s += flen + 1;
		while (*s == ' ')
			s++;
		e = s + strcspn(s, "\r\n");
		*e = '\0';
		if ((e = strstr(s, " (seed: "))) {
			char *doc = e + 8;

			*e = '\0';
			doc[strcspn(doc, ",)")] = '\0';
			snprintf(out, n, "%s (seed: %s)", s, doc);
			break;
		}
		if (*s) {
			snprintf(out, n, "%s", s);
			break;
		}
	}
	fclose(f);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cmd_list(int argc, char **argv)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, cap = 0;

	(void)argv;
	if (argc) {
		fputs("usage: vmlab list\n", stderr);
		return 2;
	}
	if (scenario_dir(dir, sizeof(dir)) || !(d = opendir(dir))) {
		fputs("vmlab list: no scenarios directory beside this vmlab\n", stderr);
		return 2;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len <= 4 || strcmp(de->d_name + len - 4, ".lua"))
			continue;
		if (nn == cap) {
			char **nv = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof(*names));

			if (!nv)
				break;
			names = nv;
		}
		if (!(names[nn] = strdup(de->d_name)))
			break;
		nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), by_name);
	printf("scenarios in %s (vmlab run NAME):\n", dir);
	for (size_t i = 0; i < nn; i++) {
		char path[8192], desc[640];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		describe(path, names[i], desc, sizeof(desc));
		names[i][strlen(names[i]) - 4] = '\0';
		printf("  %-16s %s\n", names[i], desc);
		free(names[i]);
	}
	free(names);
	return 0;
}
