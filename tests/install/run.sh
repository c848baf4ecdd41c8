#!/bin/sh
# tests/install/run.sh DIR - install vmlab under DIR (make install
# DESTDIR=DIR PREFIX=/usr), then use the installed tree as a user would:
# a C program built with pkg-config (shared and --static), the installed
# binary running an installed scenario by name from another directory,
# vmlab list; then make uninstall must leave no file behind.
# Prints one "ok"/"FAIL" line per check; exit status 1 if any failed.
set -u
cd "$(dirname "$0")/../.." || exit 2
D=$1
fails=0
check() {	# label, command...
	label=$1
	shift
	if "$@" > "$D.log" 2>&1; then
		echo "ok   install: $label"
	else
		echo "FAIL install: $label"
		sed -n '1,20p' "$D.log" | sed 's/^/     | /'
		fails=$((fails + 1))
	fi
}
rm -rf "$D"
check "make install DESTDIR=... PREFIX=/usr" make --no-print-directory install DESTDIR="$D" PREFIX=/usr
export PKG_CONFIG_PATH="$D/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
check "pkg-config knows vmlab $(sed -n 's/^Version: //p' "$D/usr/lib/pkgconfig/vmlab.pc")" \
	pkg-config --exists --print-errors "vmlab >= 0.1"
# shellcheck disable=SC2046
check "a program built with pkg-config --cflags --libs vmlab (libvmlab.so) runs" sh -c \
	"cc -std=c11 -Wall -Werror -o '$D/embed' tests/install/embed.c \$(pkg-config --cflags --libs vmlab) &&
	 LD_LIBRARY_PATH='$D/usr/lib' '$D/embed' && readelf -d '$D/embed' | grep -q 'libvmlab.so.0'"
check "the same with pkg-config --static (libvmlab.a)" sh -c \
	"cc -std=c11 -Wall -Werror -o '$D/embed-static' tests/install/embed.c \$(pkg-config --static --cflags --libs vmlab) -static &&
	 '$D/embed-static'"
check "the installed vmlab runs an installed scenario by name (vmlab run cow, from /)" sh -c \
	"cd / && '$D/usr/bin/vmlab' run cow > '$D/cow.out' && grep -q 'parent after the child exited' '$D/cow.out'"
check "vmlab list shows the installed scenarios with their descriptions" sh -c \
	"'$D/usr/bin/vmlab' list | grep -q '^  cow  *fork shares memory until someone writes'"
check "a name that is not a scenario is an error (exit 2)" sh -c \
	"cd / && '$D/usr/bin/vmlab' run nosuch; test \$? = 2"
check "bash completion offers subcommands and scenario names" bash -c \
	". '$D/usr/share/bash-completion/completions/vmlab' && PATH='$D/usr/bin':\$PATH &&
	 COMP_WORDS=(vmlab r); COMP_CWORD=1; _vmlab; [ \"\${COMPREPLY[*]}\" = run ] &&
	 cd / && COMP_WORDS=(vmlab run zero); COMP_CWORD=2; _vmlab; [ \"\${COMPREPLY[*]}\" = zero-page ]"
check "man vmlab is installed" test -s "$D/usr/share/man/man1/vmlab.1"
check "make uninstall removes every file" sh -c \
	"make --no-print-directory uninstall DESTDIR='$D' PREFIX=/usr && rm -f '$D/embed' '$D/embed-static' '$D/cow.out' &&
	 test -z \"\$(find '$D' -type f -o -type l)\""
rm -rf "$D" "$D.log"
[ "$fails" = 0 ]
