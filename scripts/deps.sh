#!/bin/sh
# deps.sh - make sure the Debian packages vmlab needs are installed.
#
# Build: gcc, make, pkg-config, liblua5.4-dev (the scenario language).
# Debian package (--deb): debhelper, dpkg-dev, fakeroot, lintian.
# Tests: libcmocka-dev (C unit tests), valgrind (a memcheck pass),
#        procps (free/vmstat/ps, the oracles the views are compared with),
#        util-linux (unshare, to show those tools a crafted /proc file).
# As root the missing ones are installed with apt-get; otherwise the exact
# command is printed and the script fails.
set -u
want="gcc make pkg-config liblua5.4-dev"
if [ "${1:-}" = "--test" ]; then
	want="$want libcmocka-dev valgrind procps util-linux"
elif [ "${1:-}" = "--deb" ]; then
	want="$want debhelper dpkg-dev fakeroot lintian"
fi
missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
		apt-get update -q >/dev/null 2>&1
		apt-get install -y -q --no-install-recommends $missing
	} || { echo "deps: apt-get could not install$missing" >&2; exit 1; }
else
	echo "vmlab needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get install -y$missing" >&2
	exit 1
fi
