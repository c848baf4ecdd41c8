/*
 * size.c - parsing "100M" sizes and "10ms" durations (see size.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "size.h"

/* Reads an unsigned decimal with an optional fraction; returns chars used. */
static int read_number(const char *s, double *whole, uint64_t *exact, int *is_exact)
{
	int i = 0;
	uint64_t v = 0;
	double w = 0;
	int overflow = 0;

	while (isdigit((unsigned char)s[i])) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = 1;
		v = v * 10 + d;
		w = w * 10 + (double)d;
		i++;
	}
	if (i == 0)
		return 0;
	*exact = v;
	*is_exact = !overflow;
	*whole = w;
	if (s[i] == '.') {
		double scale = 0.1;
		int j = i + 1;

		if (!isdigit((unsigned char)s[j]))
			return 0;
		while (isdigit((unsigned char)s[j])) {
			*whole += (s[j] - '0') * scale;
			scale /= 10;
			j++;
		}
		*is_exact = 0;
		i = j;
	}
	return i;
}

/* Skip blanks, read the number, skip blanks: *s then points at the unit. */
static int read_value(const char **s, double *whole, uint64_t *exact, int *is_exact)
{
	int i;

	while (isspace((unsigned char)**s))
		(*s)++;
	i = read_number(*s, whole, exact, is_exact);
	if (i == 0)
		return -1;
	*s += i;
	while (isspace((unsigned char)**s))
		(*s)++;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	double whole;
	uint64_t exact, mult = 1;
	int is_exact;

	if (read_value(&s, &whole, &exact, &is_exact))
		return -1;
	switch (toupper((unsigned char)*s)) {
	case '\0': break;
	case 'B': mult = 1; s++; goto tail_done;
	case 'K': mult = 1ULL << 10; s++; break;
	case 'M': mult = 1ULL << 20; s++; break;
	case 'G': mult = 1ULL << 30; s++; break;
	case 'T': mult = 1ULL << 40; s++; break;
	default: return -1;
	}
	if (*s == 'i' || *s == 'I')
		s++;
	if (*s == 'B' || *s == 'b')
		s++;
tail_done:
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return -1;
	if (is_exact) {
		if (exact > (UINT64_MAX >> 1) / mult)
			return -1;
		*out = exact * mult;
		return 0;
	}
	if (whole * (double)mult >= 9.2e18)
		return -1;
	double v = whole * (double)mult;
	if (v != (double)(uint64_t)v)
		return -1;	/* "1.3K" is not a whole number of bytes */
	*out = (uint64_t)v;
	return 0;
}

int parse_duration(const char *s, uint64_t *ns)
{
	double whole;
	uint64_t exact;
	int is_exact;
	double mult;

	if (read_value(&s, &whole, &exact, &is_exact))
		return -1;
	if (!*s || !strcmp(s, "s"))
		mult = 1e9;
	else if (!strcmp(s, "ms"))
		mult = 1e6;
	else if (!strcmp(s, "us") || !strcmp(s, "\xc2\xb5s"))
		mult = 1e3;
	else if (!strcmp(s, "ns"))
		mult = 1;
	else if (!strcmp(s, "min"))
		mult = 60e9;
	else if (!strcmp(s, "h"))
		mult = 3600e9;
	else
		return -1;
	if (whole * mult >= 9.2e18)
		return -1;
	if (is_exact) {		/* a whole number of units: exact, as a double is not past 2^53 */
		*ns = exact * (uint64_t)mult;
		return 0;
	}
	*ns = (uint64_t)(whole * mult + 0.5);
	return 0;
}

void format_duration(uint64_t ns, char *buf, int len)
{
	static const struct { uint64_t ns; const char *unit; } units[] = {
		{ 3600000000000ULL, "h" }, { 60000000000ULL, "min" }, { 1000000000ULL, "s" },
		{ 1000000ULL, "ms" }, { 1000ULL, "us" },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns && ns % units[i].ns == 0) {
			snprintf(buf, (size_t)len, "%llu%s", (unsigned long long)(ns / units[i].ns),
				 units[i].unit);
			return;
		}
	}
	snprintf(buf, (size_t)len, "%lluns", (unsigned long long)ns);
}

void format_size(uint64_t bytes, char *buf, int len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && bytes && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, (size_t)len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, (size_t)len, "%llu%c", (unsigned long long)bytes, units[u]);
}
