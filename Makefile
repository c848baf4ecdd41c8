# vmlab - plain GNU make.
#
#   make            build ./vmlab and ./libvmlab.a
#   make demo       install what is missing, build, run the default scenario
#   make test       install what is missing, build (also with ASan+UBSan), run every test
#   make fidelity   compare every scenario with the real kernel (vmlab compare)
#   make bench      benchmarks (not part of make test)
#   make clean

CC       ?= cc
OPT      ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror
CPPFLAGS += -D_DEFAULT_SOURCE -Iinclude
LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC    := $(wildcard src/lib/*.c src/mm/*.c src/libc/*.c src/report/*.c)
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

.PHONY: all demo test check bench deps test-deps asan unit clean lua-check fidelity

all: vmlab libvmlab.a

lua-check:
	@test -n "$(LUA_CFLAGS)" || { echo "Lua 5.4 is missing: run 'make deps' (or: sudo apt-get install -y liblua5.4-dev pkg-config)"; exit 1; }

libvmlab.a: $(LIB_OBJ)
	ar rcs $@ $^

# -z now: symbols bound at start, so a real scenario process never writes
# its GOT (a copy-on-write fault) in the middle of an operation
vmlab: $(PROG_OBJ) libvmlab.a | lua-check
	$(CC) $(OPT) -Wl,-z,now -o $@ $(PROG_OBJ) libvmlab.a $(LUA_LIBS) -lm

build/src/script/%.o build/src/cli/%.o: CPPFLAGS += $(LUA_CFLAGS)
build/asan/src/script/%.o build/asan/src/cli/%.o: CPPFLAGS += $(LUA_CFLAGS)

build/%.o: %.c | lua-check
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(CPPFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c | lua-check
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -MMD -MP -c $< -o $@

# the same program, built with AddressSanitizer and UndefinedBehaviorSanitizer
build/asan/vmlab: $(ASAN_PROG) $(ASAN_LIB)
	$(CC) $(SAN) -o $@ $^ $(LUA_LIBS) -lm

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
# times from a time model calibrated on this machine just before: the host's
# speed is not the reference machine's (an anonymous fault took 1.9 us here
# on one day and 2.6 us on another)
fidelity: all
	@mkdir -p build
	./vmlab calibrate -o build/host.costs > build/calibrate.log
	./vmlab compare --summary --repeat 7 --costs build/host.costs scenarios/*.lua

build/bench/%: bench/%.c libvmlab.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -g $(CPPFLAGS) -o $@ $< libvmlab.a -lm

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_SRC:bench/%.c=build/bench/%)
	@for b in $(BENCH_SRC:bench/%.c=build/bench/%); do $$b || exit 1; done

clean:
	rm -rf build vmlab libvmlab.a

-include $(shell find build -name '*.d' 2>/dev/null)
