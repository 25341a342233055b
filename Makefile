# gemserv: a Gemini and Gopher capsule server.
#
#   make run     install missing Debian packages, build, serve on loopback
#   make test    install missing packages, build with sanitizers, run every test
#   make         build ./gemserv
#
# Objects go to $(BUILD) so several builds (release, sanitizer, clang) can
# live side by side: make BUILD=build-clang CC=clang.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/gemserv
UNITDIR	?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
# The configuration read when -c is not given (and by the systemd unit).
CONFIG_PATH ?= /etc/gemserv/gemserv.ini
DESTDIR	?=
BUILD	?= build

VERSION	 = 0.1.0

# Debian packages: what building needs, and what the test suite drives.
DEPS_BUILD = pkg-config libtls-dev libmagic-dev libiniparser-dev libevent-dev \
	     libseccomp-dev libssl-dev
DEPS_TEST  = $(DEPS_BUILD) libcmocka-dev openssl curl lynx sacc tmux amfora \
	     haproxy mandoc clang libclang-rt-14-dev $(DEPS_LINT)

PKG_CONFIG ?= pkg-config
PKGS	 = libtls libevent libmagic libseccomp openssl

# Recursive (=) so pkg-config runs when a recipe needs it, which is after
# `make deps` has installed the packages on a fresh machine.
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter
ALL_CPPFLAGS = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DGEMSERV_VERSION='"$(VERSION)"' \
	   -DGEMSERV_CONFIG='"$(CONFIG_PATH)"' \
	   -Iserver $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CPPFLAGS)
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
ALL_LDLIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -liniparser $(LDLIBS)

SRCS	 = $(sort $(wildcard server/*.c))
HDRS	 = $(wildcard server/*.h)
OBJS	 = $(SRCS:server/%.c=$(BUILD)/%.o)
LIBOBJS	 = $(filter-out $(BUILD)/main.o,$(OBJS))

# The sanitizer build used by every test.
SAN	 = $(BUILD)/san
SANFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=undefined
SAN_OBJS = $(SRCS:server/%.c=$(SAN)/%.o)
SAN_LIBOBJS = $(filter-out $(SAN)/main.o,$(SAN_OBJS))
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(SAN)/%)

.PHONY: all deps deps-test run test check unit integration bench-convert \
	install uninstall clean

all: gemserv

gemserv: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(ALL_LDLIBS)

$(BUILD)/%.o: server/%.c $(HDRS) | $(BUILD)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD) $(SAN):
	mkdir -p $@

# --- sanitizer build and tests ------------------------------------------

$(SAN)/%.o: server/%.c $(HDRS) | $(SAN)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) $(SANFLAGS) -c -o $@ $<

$(SAN)/gemserv: $(SAN_OBJS)
	$(CC) $(SANFLAGS) -o $@ $(SAN_OBJS) $(ALL_LDLIBS)

$(SAN)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(SAN_LIBOBJS) | $(SAN)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit -std=c11 $(WARN) $(SANFLAGS) \
	    -o $@ $< $(SAN_LIBOBJS) $(ALL_LDLIBS) -lcmocka

# --- the two commands ---------------------------------------------------

deps:
	@sh tests/deps.sh $(DEPS_BUILD)

deps-test:
	@sh tests/deps.sh $(DEPS_TEST)

run: deps
	@$(MAKE) --no-print-directory gemserv
	./gemserv -c gemserv.ini

test: deps-test
	@$(MAKE) --no-print-directory check

# check: the suite without the package step (for machines already set up).
check: gemserv $(SAN)/gemserv $(UNIT_BINS) fuzz-build $(BUILD)/loadgen
	@LOADGEN=$(BUILD)/loadgen sh tests/run.sh $(SAN) $(UNIT_BINS)

bench-convert: deps
	@$(MAKE) --no-print-directory gemserv
	@python3 tests/bench_convert.py $(or $(N),10000) ./gemserv

# --- install ------------------------------------------------------------

# Installs the binary, both manual pages, the example configurations and
# capsule, the systemd unit (paths filled in) and its sysusers.d entry.
# It creates no user and touches nothing under /etc: see gemserv(8).
install: gemserv
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SHAREDIR) \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 gemserv $(DESTDIR)$(BINDIR)/gemserv
	install -m 0644 man/gemserv.8 $(DESTDIR)$(MANDIR)/man8/gemserv.8
	install -m 0644 man/gemserv.ini.5 $(DESTDIR)$(MANDIR)/man5/gemserv.ini.5
	install -m 0644 gemserv.ini $(DESTDIR)$(SHAREDIR)/gemserv.ini.example
	install -m 0644 contrib/gemserv.ini \
	    $(DESTDIR)$(SHAREDIR)/gemserv.ini.production
	rm -rf $(DESTDIR)$(SHAREDIR)/capsule
	cd capsule && find . -type d -exec sh -c \
	    'for d; do install -d -m 0755 "$$0/$$d"; done' \
	    '$(DESTDIR)$(SHAREDIR)/capsule' {} + && \
	find . -type f -exec sh -c \
	    'for f; do install -m 0644 "$$f" "$$0/$$f"; done' \
	    '$(DESTDIR)$(SHAREDIR)/capsule' {} +
	sed -e 's|@SBINDIR@|$(BINDIR)|g' -e 's|@CONFIG_PATH@|$(CONFIG_PATH)|g' \
	    contrib/gemserv.service.in >$(DESTDIR)$(UNITDIR)/gemserv.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/gemserv.service
	install -m 0644 contrib/gemserv.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/gemserv.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gemserv \
	    $(DESTDIR)$(MANDIR)/man8/gemserv.8 \
	    $(DESTDIR)$(MANDIR)/man5/gemserv.ini.5 \
	    $(DESTDIR)$(UNITDIR)/gemserv.service \
	    $(DESTDIR)$(SYSUSERSDIR)/gemserv.conf
	rm -rf $(DESTDIR)$(SHAREDIR)

# The manual pages, checked strictly (also part of the integration tests).
.PHONY: man-lint
man-lint:
	mandoc -Tlint -Wwarning man/gemserv.8 man/gemserv.ini.5

clean:
	rm -rf $(BUILD) gemserv

# --- search benchmark --------------------------------------------------

# make bench-search [N=10000]: indexes N synthetic articles (the capsule
# tests/gen_capsule.py makes for bench-convert) on one core, then times
# 2,200 queries, each searched and rendered as its Gemini page.
BENCH_N	 = $(or $(N),10000)

$(BUILD)/bench_search: tests/bench/bench_search.c $(HDRS) $(LIBOBJS) | $(BUILD)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) \
	    $(ALL_LDLIBS)

bench-search: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench_search
	@d="$${TMPDIR:-/tmp}/gemserv-bench-v2-$(BENCH_N)"; \
	    [ -d "$$d/articles" ] || \
	    python3 tests/gen_capsule.py $(BENCH_N) "$$d" || exit 1; \
	    taskset -c 0 $(BUILD)/bench_search "$$d" 100

.PHONY: bench-search

# --- fuzzing and static analysis ---------------------------------------

# libFuzzer targets, one per parser (tests/fuzz/fuzz_*.c), built with clang
# under ASan and UBSan in $(BUILD)/fuzz. `make fuzz FUZZ_SECONDS=N` runs
# each for N seconds; new inputs go to $(BUILD)/fuzz-corpus/TARGET so the
# seeds in tests/fuzz/corpus/TARGET stay as committed.
FUZZ_CC	 ?= clang
FUZZ_SECONDS ?= 10
FUZZ	 = $(BUILD)/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_SRCS = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ)/%)
FUZZ_OBJS = $(filter-out $(FUZZ)/main.o,$(SRCS:server/%.c=$(FUZZ)/%.o))

DEPS_LINT = cppcheck clang-tidy
LINT_SRCS = $(SRCS) $(FUZZ_SRCS)
# cppcheck: warnings, performance and portability (style overlaps -Wall).
# Suppressed: readdirCalled and getpwnamCalled ask for readdir_r and
# getpwnam_r, for threads; gemserv has none, and POSIX deprecates readdir_r.
# ctuuninitvar in tokenize.c: cppcheck 2.10 takes `t->term` (the address of
# an array member) for a read of the caller's uninitialised token.
CPPCHECK = cppcheck --quiet --error-exitcode=1 --inline-suppr \
	   --enable=warning,performance,portability --std=c11 \
	   --library=posix --suppress=readdirCalled --suppress=getpwnamCalled \
	   --suppress=ctuuninitvar:server/tokenize.c
# clang-tidy: the static analyzer, bug-prone patterns and the CERT C rules.
# Left out, each for a reason: easily-swappable-parameters,
# narrowing-conversions, reserved-identifier, assignment-in-if-condition,
# branch-clone, cert-dcl37-c (the house style); sizeof-expression (flags
# sizeof(*v) for arrays of pointers, the allocation idiom here);
# implicit-widening-of-multiplication-result (operands are config values
# bounded far below overflow); cert-err33-c (wants every printf checked);
# valist.Uninitialized (false positive for a va_list parameter on x86-64);
# optin.performance.Padding and insecureAPI.DeprecatedOrUnsafeBufferHandling
# (advice, not bugs). Each remaining false positive is marked NOLINT inline.
# ($\ at a line end joins the lines without a space.)
TIDY_CHECKS = -*,clang-analyzer-*,bugprone-*,cert-*,misc-redundant-expression,$\
-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,$\
-bugprone-reserved-identifier,-bugprone-assignment-in-if-condition,$\
-bugprone-branch-clone,-bugprone-sizeof-expression,$\
-bugprone-implicit-widening-of-multiplication-result,$\
-cert-dcl37-c,-cert-dcl51-cpp,-cert-err33-c,$\
-clang-analyzer-valist.Uninitialized,-clang-analyzer-optin.performance.Padding,$\
-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling

.PHONY: fuzz fuzz-build fuzz-smoke lint lint-check deps-lint

$(FUZZ):
	mkdir -p $@

# Kept between builds although only pattern rules name them.
.SECONDARY: $(FUZZ_OBJS)

$(FUZZ)/%.o: server/%.c $(HDRS) | $(FUZZ)
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) $(FUZZFLAGS) \
	    -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(ALL_CPPFLAGS) -Itests/fuzz -std=c11 $(WARN) $(FUZZFLAGS) \
	    -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(ALL_LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: deps-test
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz-corpus $(FUZZ_BINS)

# About 10 s per target, as `make check` runs it through tests/run.sh.
fuzz-smoke: fuzz-build
	@sh tests/fuzz/run.sh $(or $(FUZZ_SMOKE_SECONDS),10) \
	    $(BUILD)/fuzz-corpus $(FUZZ_BINS)

deps-lint:
	@sh tests/deps.sh $(DEPS_LINT)

lint: deps-lint
	@$(MAKE) --no-print-directory lint-check

# lint-check: the analysis alone (make test counts it as one test).
lint-check:
	$(CPPCHECK) -D_DEFAULT_SOURCE -D_GNU_SOURCE -Iserver -Itests/fuzz \
	    $(LINT_SRCS)
	clang-tidy --quiet --warnings-as-errors='*' --checks='$(TIDY_CHECKS)' \
	    $(LINT_SRCS) -- $(ALL_CPPFLAGS) -Itests/fuzz -std=c11 2>/dev/null

# valgrind memcheck over the integration suite, against a build without
# sanitizers: every server process (supervisor and workers) must end with
# no invalid access and no definite or indirect leak. Tests that time the
# server or measure its memory skip themselves under the wrapper.
VG	 = $(BUILD)/vg
VG_OBJS	 = $(filter-out $(VG)/sandbox.o,$(SRCS:server/%.c=$(VG)/%.o)) \
	   $(VG)/nosandbox.o
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
	   --errors-for-leak-kinds=definite,indirect \
	   --show-leak-kinds=definite,indirect \
	   --error-markers=VALGRIND-ERROR-BEGIN,VALGRIND-ERROR-END \
	   --suppressions=tests/memcheck/valgrind.supp

# Every integration module but the sandbox's, which checks confinement.
VG_TESTS = $(filter-out test_sandbox,$(basename $(notdir \
	   $(wildcard tests/integration/test_*.py))))

.PHONY: valgrind
.SECONDARY: $(VG_OBJS)

$(VG):
	mkdir -p $@

$(VG)/%.o: server/%.c $(HDRS) | $(VG)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) -O1 -g -c -o $@ $<

# valgrind implements neither seccomp(2) nor Landlock: a stub confines
# nothing, so the workers run under valgrind at all.
$(VG)/nosandbox.o: tests/memcheck/nosandbox.c $(HDRS) | $(VG)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) -O1 -g -c -o $@ $<

$(VG)/gemserv: $(VG_OBJS)
	$(CC) -o $@ $(VG_OBJS) $(ALL_LDLIBS)

valgrind: deps-test
	@sh tests/deps.sh valgrind
	@$(MAKE) --no-print-directory $(VG)/gemserv
	GEMSERV=$(VG)/gemserv GEMSERV_WRAPPER="$(VALGRIND)" \
	    python3 tests/integration/run.py $(VG_TESTS)

# --- benchmarks against peer servers ------------------------------------

# make bench: gemserv against molly-brown (Gemini), gophernicus and
# pygopherd (Gopher) on loopback; installs the peers as root (otherwise
# prints the apt-get line). About 12 minutes; BENCH_ARGS=--quick for a
# one-minute smoke run. Needs root for the private network namespace.
LOADGEN	 = $(BUILD)/loadgen

.PHONY: bench

$(LOADGEN): tests/bench/loadgen.c | $(BUILD)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ tests/bench/loadgen.c \
	    $$($(PKG_CONFIG) --libs openssl) -pthread

bench: deps
	@sh tests/deps.sh libssl-dev
	@$(MAKE) --no-print-directory gemserv $(LOADGEN)
	@python3 tests/bench/bench.py $(BENCH_ARGS) ./gemserv $(LOADGEN)
