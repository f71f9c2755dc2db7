#!/bin/sh
# The manual against the program: both pages lint clean, every option in
# the option table (as --help prints it) is documented in
# sandbox-tui.conf(5) and nothing else is, and `make install` puts the
# binary and both pages under DESTDIR/PREFIX.
. "$(dirname "$0")/../lib/common.sh"

BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || t_die "no binary at $BIN (run make first)"

for page in sandbox-tui.1 sandbox-tui.conf.5; do
	if out=$(mandoc -Tlint -W warning "$T_REPO/man/$page" 2>&1); then
		t_ok "man/$page is mandoc -Tlint clean"
	else
		t_fail "man/$page is mandoc -Tlint clean" "$out"
	fi
done

"$BIN" --help | sed -n '/^Config options/,$p' | awk 'NR > 1 {print $1}' | sort >"$T_TMP/table"
grep '^\.It Cm ' "$T_REPO/man/sandbox-tui.conf.5" | awk '{print $3}' | sort >"$T_TMP/page"
if [ -s "$T_TMP/table" ] && diff "$T_TMP/table" "$T_TMP/page" >"$T_TMP/diff"; then
	t_ok "sandbox-tui.conf(5) documents exactly the options in the table ($(wc -l <"$T_TMP/table"))"
else
	t_fail "sandbox-tui.conf(5) matches the option table" "$(cat "$T_TMP/diff")"
fi

dest="$T_TMP/dest"
if make -s -C "$T_REPO" install DESTDIR="$dest" PREFIX=/usr/local >"$T_TMP/install.log" 2>&1 &&
    [ -x "$dest/usr/local/bin/sandbox-tui" ] &&
    [ -f "$dest/usr/local/share/man/man1/sandbox-tui.1" ] &&
    [ -f "$dest/usr/local/share/man/man5/sandbox-tui.conf.5" ] &&
    [ -f "$dest/usr/local/share/man/man7/sandbox-tui-security.7" ] &&
    [ -f "$dest/usr/local/share/man/man7/sandbox-tui-troubleshooting.7" ] &&
    [ -f "$dest/usr/local/share/man/man7/sandbox-tui-cost.7" ]; then
	t_ok "make install puts the binary and every man page under DESTDIR"
else
	t_fail "make install" "$(cat "$T_TMP/install.log")"
fi

if "$dest/usr/local/bin/sandbox-tui" --version | grep -q '^sandbox-tui '; then
	t_ok "the installed binary runs"
else
	t_fail "the installed binary runs"
fi

t_done
