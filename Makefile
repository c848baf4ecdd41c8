# vmlab - plain GNU make.
#
#   make            build ./vmlab and ./libvmlab.a
#   make demo       install what is missing, build, run the default scenario
#   make test       install what is missing, build (also with ASan+UBSan), run every test
#   make fidelity   compare every scenario with the real kernel (vmlab compare); fails
#                   on any count or RSS difference, reports times outside tolerance
#   make bench      benchmarks (not part of make test)
#   make fuzz       the fuzzers for SECONDS (default 60): scenarios, then libFuzzer targets
#   make install    install under PREFIX (/usr/local), staged under DESTDIR if set;
#                   make uninstall removes what it installed
#   make deb        a Debian package (../vmlab_VERSION_ARCH.deb)
#   make clean

CC       ?= cc
OPT      ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror
CPPFLAGS += -D_DEFAULT_SOURCE -Iinclude
LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC    := $(wildcard src/lib/*.c src/mm/*.c src/libc/*.c src/report/*.c src/trace/*.c \
                         src/replay/*.c)
# the two backends (no Lua): the interface and the sim's, and the real one's
REAL_SRC   := $(wildcard src/backend/*.c src/real/*.c)
PROG_SRC   := $(wildcard src/script/*.c src/cli/*.c) $(REAL_SRC)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
BENCH_SRC  := $(wildcard bench/*.c)

LIB_OBJ    := $(LIB_SRC:%.c=build/%.o)
PROG_OBJ   := $(PROG_SRC:%.c=build/%.o)
ASAN_LIB   := $(LIB_SRC:%.c=build/asan/%.o)
ASAN_PROG  := $(PROG_SRC:%.c=build/asan/%.o)
REAL_OBJ   := $(REAL_SRC:%.c=build/%.o)
ASAN_REAL  := $(REAL_SRC:%.c=build/asan/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=build/unit/%)
ASAN_UNIT  := $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)

.PHONY: all demo test check bench deps test-deps asan unit clean lua-check fidelity \
	install uninstall deb fuzz

# install locations, as the GNU conventions name them
VERSION    := $(shell sed -n 's/^\#define VMLAB_VERSION\t*"\(.*\)"/\1/p' include/vmlab.h)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
INSTALL    ?= install
SCENARIOS  := $(wildcard scenarios/*.lua)
# the shared library: while the major version is 0 any minor version may
# change the ABI, so the SONAME carries major.minor (libvmlab.so.0.1)
SO_MAJMIN  := $(basename $(VERSION))
SONAME     := libvmlab.so.$(SO_MAJMIN)
PIC_OBJ    := $(LIB_SRC:%.c=build/pic/%.o)

all: vmlab libvmlab.a

lua-check:
	@test -n "$(LUA_CFLAGS)" || { echo "Lua 5.4 is missing: run 'make deps' (or: sudo apt-get install -y liblua5.4-dev pkg-config)"; exit 1; }

libvmlab.a: $(LIB_OBJ)
	ar rcs $@ $^

build/pic/%.o: %.c | lua-check
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(CFLAGS) -fPIC $(CPPFLAGS) -MMD -MP -c $< -o $@

# it exports the functions include/vmlab.h declares, and none of the internals
build/libvmlab.map: include/vmlab.h
	@mkdir -p build
	{ echo '{ global:'; grep -o '\bvm_[a-z0-9_]*(' $< | tr -d '(' | sort -u | sed 's/$$/;/'; \
	  echo 'local: *; };'; } > $@

build/libvmlab.so: $(PIC_OBJ) build/libvmlab.map
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=build/libvmlab.map -o $@ $(PIC_OBJ) -lm

# -z now: symbols bound at start, so a real scenario process never writes
# its GOT (a copy-on-write fault) in the middle of an operation
vmlab: $(PROG_OBJ) libvmlab.a | lua-check
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -Wl,-z,now -o $@ $(PROG_OBJ) libvmlab.a $(LUA_LIBS) -lm -pthread

build/src/script/%.o build/src/cli/%.o: CPPFLAGS += $(LUA_CFLAGS)
build/asan/src/script/%.o build/asan/src/cli/%.o: CPPFLAGS += $(LUA_CFLAGS)

build/%.o: %.c | lua-check
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c | lua-check
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -MMD -MP -c $< -o $@

# the same program, built with AddressSanitizer and UndefinedBehaviorSanitizer
build/asan/vmlab: $(ASAN_PROG) $(ASAN_LIB)
	$(CC) $(SAN) -o $@ $^ $(LUA_LIBS) -lm -pthread

asan: build/asan/vmlab $(ASAN_UNIT)

build/unit/%: tests/unit/%.c tests/unit/unit.h libvmlab.a $(REAL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(CPPFLAGS) -o $@ $< $(REAL_OBJ) libvmlab.a -lcmocka -lm

build/asan/unit/%: tests/unit/%.c tests/unit/unit.h $(ASAN_LIB) $(ASAN_REAL)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -o $@ $< $(ASAN_REAL) $(ASAN_LIB) -lcmocka -lm

unit: $(UNIT_BIN)

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test

demo: deps
	@$(MAKE) --no-print-directory all
	./vmlab run scenarios/demo.lua

test: test-deps
	@$(MAKE) --no-print-directory all unit asan
	@tests/run.sh

check: test

# every scenario on both kernels: counts equal, times within the tolerances
# the scenarios declare (the real side's median of 7 runs), the simulated
# times from a time model calibrated on this machine just before each
# scenario: the host's speed is not the reference machine's, and drifts (an
# anonymous fault took 2.6 us on the reference machine, 1.9 us here and,
# minutes later, 1.5 us)
# as root the real side gets a swap file of its own (the swap scenarios need one;
# 1G: none of them fills half of it, where the kernel starts freeing swap on swap-in)
FIDELITY_SWAP := $(if $(filter 0,$(shell id -u)),--swapfile 1G,)

fidelity: all
	./vmlab compare --summary --repeat 7 --calibrate --time-advisory $(FIDELITY_SWAP) scenarios/*.lua

# libFuzzer targets (clang): each over the whole program but its main
SECONDS    ?= 60
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_CC    := clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=undefined -D_DEFAULT_SOURCE -Iinclude $(LUA_CFLAGS)
FUZZ_LINK  := $(LIB_SRC) $(filter-out src/cli/main.c,$(PROG_SRC))

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $< $(FUZZ_LINK) $(LUA_LIBS) -lm -pthread

fuzz: test-deps
	@$(MAKE) --no-print-directory all asan
	@mkdir -p build/fuzz
	@if command -v clang > /dev/null; then \
		$(MAKE) --no-print-directory $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%) || exit 1; \
	else echo "fuzz: clang is missing, so no libFuzzer targets (apt-get install clang)"; fi
	@tests/fuzz/fuzz.sh $(SECONDS)

build/bench/%: bench/%.c libvmlab.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -g $(CPPFLAGS) -o $@ $< libvmlab.a -lm

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_SRC:bench/%.c=build/bench/%)
	@for b in $(BENCH_SRC:bench/%.c=build/bench/%); do $$b || exit 1; done

# vmlab finds its scenarios beside its binary (BINDIR/../share/vmlab): keep
# BINDIR and DATADIR under one PREFIX for `vmlab run NAME` to find them.
# vmlab.pc is written at install time, for the PREFIX of that install.
install: all build/libvmlab.so
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPLETIONDIR) \
		$(DESTDIR)$(DATADIR)/vmlab/scenarios
	$(INSTALL) -m 755 vmlab $(DESTDIR)$(BINDIR)/vmlab
	$(INSTALL) -m 644 libvmlab.a $(DESTDIR)$(LIBDIR)/libvmlab.a
	$(INSTALL) -m 644 build/libvmlab.so $(DESTDIR)$(LIBDIR)/$(SONAME).$(lastword $(subst ., ,$(VERSION)))
	ln -sf $(SONAME).$(lastword $(subst ., ,$(VERSION))) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libvmlab.so
	$(INSTALL) -m 644 include/vmlab.h $(DESTDIR)$(INCLUDEDIR)/vmlab.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' contrib/vmlab.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/vmlab.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/vmlab.pc
	$(INSTALL) -m 644 docs/vmlab.1 $(DESTDIR)$(MANDIR)/man1/vmlab.1
	$(INSTALL) -m 644 contrib/vmlab.bash-completion $(DESTDIR)$(COMPLETIONDIR)/vmlab
	$(INSTALL) -m 644 $(SCENARIOS) $(DESTDIR)$(DATADIR)/vmlab/scenarios/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vmlab $(DESTDIR)$(LIBDIR)/libvmlab.a $(DESTDIR)$(LIBDIR)/libvmlab.so \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(SONAME).$(lastword $(subst ., ,$(VERSION))) \
		$(DESTDIR)$(INCLUDEDIR)/vmlab.h $(DESTDIR)$(PKGCONFIGDIR)/vmlab.pc \
		$(DESTDIR)$(MANDIR)/man1/vmlab.1 $(DESTDIR)$(COMPLETIONDIR)/vmlab \
		$(addprefix $(DESTDIR)$(DATADIR)/vmlab/scenarios/,$(notdir $(SCENARIOS)))
	-rmdir $(DESTDIR)$(DATADIR)/vmlab/scenarios $(DESTDIR)$(DATADIR)/vmlab 2>/dev/null

# the Debian packages (vmlab, libvmlab0.1, libvmlab-dev) from debian/, in ..;
# installs the build tools first when root; lintian must find no error
deb:
	@scripts/deps.sh --deb
	dpkg-buildpackage -us -uc -b
	lintian --fail-on error ../vmlab_$(VERSION)_$(shell dpkg --print-architecture).changes

clean:
	rm -rf build vmlab libvmlab.a

-include $(shell find build -name '*.d' 2>/dev/null)
