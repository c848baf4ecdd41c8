/*
 * cli.h - vmlab's subcommands. Each returns the process exit status:
 * 0 success, 1 expectations failed / differences found, 2 bad input
 * (usage, scenario or trace errors), 3 an internal error.
 */
#ifndef VMLAB_CLI_H
#define VMLAB_CLI_H

int cmd_run(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
void usage(void);

#endif
