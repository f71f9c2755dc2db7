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
LDLIBS  += $(PKG_LIBS) -lutil -lm

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

.PHONY: all check check-image unit e2e run install clean deps

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

deps:
	@sh config/deps.sh

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) sh tests/run.sh unit

e2e: sandbox-tui $(TOOL_BINS)
	@BUILD=$(BUILD) SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/run.sh e2e

# deps runs first on its own so pkg-config sees freshly installed packages.
check: deps
	@$(MAKE) --no-print-directory $(UNIT_BINS) sandbox-tui $(TOOL_BINS)
	@BUILD=$(BUILD) SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/run.sh

run: deps
	@$(MAKE) --no-print-directory sandbox-tui
	./sandbox-tui $(ARGS)

# The real agent image, from debootstrap, Node from the npm registry and
# Claude Code; checked with claude --version as the agent user.  Slow
# (minutes), so not part of check; .ci/run calls it.
check-image: deps
	@$(MAKE) --no-print-directory sandbox-tui
	SANDBOX_TUI=$(CURDIR)/sandbox-tui sh tests/image/build.sh

install: sandbox-tui
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 sandbox-tui $(DESTDIR)$(PREFIX)/bin/sandbox-tui
	install -m 644 man/sandbox-tui.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/sandbox-tui.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/sandbox-tui-cost.7 man/sandbox-tui-security.7 man/sandbox-tui-troubleshooting.7 $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf build build-san sandbox-tui
