/*
 * main.c - vmlab's command line: `vmlab SUBCOMMAND [ARGS]`.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include <lua.h>
#include "../../include/vmlab.h"

/* The version, the kernel profiles the simulator knows, and the Lua it embeds. */
static int version(void)
{
	printf("vmlab %s\n", VMLAB_VERSION);
	char names[64];

	vm_kernel_profile_names(names, sizeof(names), " ");
	printf("kernel profiles: %s (--kernel NAME; default %s)\n", names, vm_kernel_profile_name(0));
	printf("scenario language: %s\n", LUA_RELEASE);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage();
		return 2;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "calibrate"))
		return cmd_calibrate(argc - 2, argv + 2);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return cmd_help(argc - 2, argv + 2);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version"))
		return version();
	if (!strcmp(cmd, "replay"))
		return cmd_replay(argc - 2, argv + 2);
	if (!strcmp(cmd, "mrc"))
		return cmd_mrc(argc - 2, argv + 2);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc - 2, argv + 2);
	fprintf(stderr, "vmlab: unknown command '%s'\n", cmd);
	usage();
	return 2;
}
