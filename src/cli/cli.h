/*
 * cli.h - vmlab's subcommands. Each returns the process exit status:
 * 0 success, 1 expectations failed / differences found, 2 bad input
 * (usage, scenario or trace errors), 3 an internal error.
 */
#ifndef VMLAB_CLI_H
#define VMLAB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int cmd_run(int argc, char **argv);
struct run_options;
/* vmlab run's options: 0 and *scenario the index of the scenario in argv,
 * or the exit status (2) after saying what is wrong. */
int run_parse(int argc, char **argv, struct run_options *o, int *scenario);
int cmd_help(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_mrc(int argc, char **argv);
int cmd_trace(int argc, char **argv);
/* vmlab replay --ostep (ostep.c), and the OSTEP lines it prints (replay.c) */
struct trace;
struct policy_ops;
struct policy_config;
int replay_ostep(int argc, char **argv);
/* vmlab replay TRACE --ram SIZE [--swap SIZE]: through the whole simulated kernel */
int replay_kernel(int argc, char **argv);
int replay_print_ostep(const struct trace *t, const struct policy_ops *pol,
		       const struct policy_config *pc, bool lines);
/* "N,N,..." cache sizes in pages (1 to UINT32_MAX) into out (s is cut up):
 * how many, or -1 with *bad at the first that is not one (or NULL when there
 * are more than max). */
int parse_page_counts(char *s, uint64_t *out, int max, const char **bad);
/* s is a whole decimal number from min to max: true, and it in *out. */
bool parse_whole(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* "lru,arc" into out: how many (0 after saying, as cmd, which name is not a
 * policy or that there are more than max). */
struct policy_ops;
int parse_policies(const char *cmd, const char *s, const struct policy_ops **out, int max);
/* A --format name: its trace_format, or -1 after saying, as cmd, which the
 * formats are. */
int parse_trace_format(const char *cmd, const char *name);
/* The scenarios that came with vmlab: their directory, 0 or -1 (scenarios.c). */
int scenario_dir(char *buf, size_t n);
/* name itself if it is a file or a path, else the scenario of that name
 * (cow or cow.lua) in scenario_dir, written to buf; NULL, said on stderr
 * as `vmlab cmd: ...`, if there is none. */
const char *scenario_find(const char *name, char *buf, size_t n, const char *cmd);
void usage(void);

#endif
