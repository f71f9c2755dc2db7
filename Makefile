# sandbox-tui: one Makefile for the program, its tests and its man pages.
# `make run` and `make check` install missing Debian packages first (as root).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
PKGS     = ncursesw libssh vterm jansson libcurl libcrypto

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. $(PKG_CFLAGS)
# http-parser ships no pkg-config file.
LDLIBS  += $(PKG_LIBS) -lhttp_parser -lutil -lm

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BUILD   := build-san
endif

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
CFLAGS  += -DSANDBOX_TUI_VERSION='"$(VERSION)"'

# Every .c in the module folders belongs to the program; tui/main.c alone
# holds main() so the unit tests can link everything else.
SRCS    := $(wildcard tui/*.c vt/*.c gcp/*.c layouts/*.c config/*.c)
ASMS    := $(wildcard config/*.S)
LIBOBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out tui/main.c,$(SRCS))) \
           $(patsubst %.S,$(BUILD)/%.o,$(ASMS))
MAINOBJ := $(BUILD)/tui/main.o
EMBEDDED := $(wildcard config/*.conf config/*.json config/*.sh config/agent-image/*)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOL_BINS  := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

.PHONY: all check check-image check-valgrind unit e2e fuzz fuzz-build run install clean deps

all: sandbox-tui

sandbox-tui: $(MAINOBJ) $(LIBOBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The shipped text files are embedded with .incbin, so a change to them
# must rebuild the object that includes them.
$(BUILD)/%.o: %.S $(EMBEDDED)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# Fuzz harnesses (tests/fuzz/fuzz_*.c): libFuzzer with clang, ASan and
# UBSan, whatever SANITIZE says, in a build folder of their own so both
# check runs share it.  The program's objects go into one archive so each
# harness links only what its parser needs.
FUZZ_BUILD  := build-fuzz
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. \
               $(PKG_CFLAGS) $(FUZZ_SAN) -DSANDBOX_TUI_VERSION='"$(VERSION)"'
FUZZ_OBJS   := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(filter-out tui/main.c,$(SRCS))) \
               $(patsubst %.S,$(FUZZ_BUILD)/%.o,$(ASMS))
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60

$(FUZZ_BUILD)/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/%.o: %.S $(EMBEDDED)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libsbx.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libsbx.a $(wildcard tests/fuzz/*.h)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libsbx.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# Each harness for FUZZ_SECONDS (FUZZ=vt,input picks some); new inputs
# stay in $(FUZZ_BUILD)/corpus, crashes are copied into tests/fuzz/crashes.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(subst $(comma), ,$(FUZZ))

comma := ,

deps:
	@sh config/deps.sh

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) sh tests/run.sh unit

e2e: sandbox-tui $(TOOL_BINS)
	@BUILD=$(BUILD) SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/run.sh e2e

# deps runs first on its own so pkg-config sees freshly installed packages.
check: deps
	@$(MAKE) --no-print-directory $(UNIT_BINS) sandbox-tui $(TOOL_BINS) $(FUZZ_BINS)
	@BUILD=$(BUILD) FUZZ_BUILD=$(FUZZ_BUILD) SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/run.sh

run: deps
	@$(MAKE) --no-print-directory sandbox-tui
	./sandbox-tui $(ARGS)

# The real agent image, from debootstrap, Node from the npm registry and
# Claude Code; checked with claude --version as the agent user.  Slow
# (minutes), so not part of check; .ci/run calls it.
check-image: deps
	@$(MAKE) --no-print-directory sandbox-tui
	SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/image/build.sh

# valgrind memcheck over the grid's end-to-end test (slow: minutes).
check-valgrind: deps
	@$(MAKE) --no-print-directory sandbox-tui $(TOOL_BINS)
	@BUILD=$(BUILD) SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/valgrind.sh

install: sandbox-tui
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 sandbox-tui $(DESTDIR)$(PREFIX)/bin/sandbox-tui
	install -m 644 man/sandbox-tui.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/sandbox-tui.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/sandbox-tui-cost.7 man/sandbox-tui-security.7 man/sandbox-tui-troubleshooting.7 $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf build build-san $(FUZZ_BUILD) sandbox-tui
