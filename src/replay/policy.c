/*
 * policy.c - the registry of bare policies (policy.h).
 */
#include <string.h>
#include "policy.h"

static const struct policy_ops *const policies[] = {
	&policy_fifo,
	&policy_lru,
	&policy_clock,
	&policy_opt,
	&policy_lfu,
	&policy_twoq,
	&policy_arc,
	&policy_sieve,
	&policy_s3fifo,
	&policy_lirs,
	&policy_clockpro,
	&policy_random,
	&policy_nru,
	&policy_wsclock,
	&policy_ostep_rand,
	&policy_ostep_clock,
};

const struct policy_ops *policy_at(int i)
{
	if (i < 0 || i >= (int)(sizeof(policies) / sizeof(policies[0])))
		return NULL;
	return policies[i];
}

const struct policy_ops *policy_find(const char *name)
{
	for (int i = 0; policy_at(i); i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	if (!strcmp(name, "belady"))	/* libCacheSim's name for OPT */
		return &policy_opt;
	return NULL;
}
