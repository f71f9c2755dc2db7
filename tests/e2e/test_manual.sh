#!/bin/sh
# The manual pages against the program and its sources: every page lints
# clean; each section 7 page has NAME, DESCRIPTION and a SEE ALSO naming
# sandbox-tui(1), sandbox-tui.conf(5) and the other section 7 pages; every
# message that sandbox-tui-troubleshooting(7) quotes is in the sources; and
# every option the section 7 pages name with .Cm is one that --help lists.
#
# The convention for messages: each .Dl line of the troubleshooting page
# is one message as written in one string of the sources (a C string
# literal, adjacent literals joined, or a line of the VM's startup script),
# with .Ar for what is filled in at run time.  The line is rendered by
# mandoc (-Tmarkdown shows .Ar as *word*); the text between placeholders
# must occur, in order, in one string, where the placeholders stand for
# anything (a %s, a $VAR, or text from elsewhere).
. "$(dirname "$0")/../lib/common.sh"

BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || t_die "no binary at $BIN (run make first)"
command -v mandoc >/dev/null 2>&1 || t_die "mandoc is not installed"

MAN=$T_REPO/man
PAGES7="sandbox-tui-security sandbox-tui-troubleshooting sandbox-tui-cost"
TROUBLE=$MAN/sandbox-tui-troubleshooting.7
TAB=$(printf '\t')

# ---- lint ----

for page in "$MAN"/*.[1-9]; do
	name=${page##*/}
	if out=$(mandoc -Tlint -W warning "$page" 2>&1); then
		t_ok "man/$name is mandoc -Tlint -W warning clean"
	else
		t_fail "man/$name is mandoc -Tlint -W warning clean" "$out"
	fi
done

# ---- the section 7 pages' frame ----

for p in $PAGES7; do
	f=$MAN/$p.7
	if [ ! -f "$f" ]; then
		t_fail "man/$p.7 exists"
		continue
	fi
	missing=
	for sh in NAME DESCRIPTION 'SEE ALSO'; do
		grep -q "^\.Sh $sh\$" "$f" || missing="$missing .Sh $sh;"
	done
	sed -n '/^\.Sh SEE ALSO$/,/^\.Sh /p' "$f" >"$T_TMP/seealso"
	for x in 'sandbox-tui 1' 'sandbox-tui.conf 5'; do
		grep -q "^\.Xr $x" "$T_TMP/seealso" || missing="$missing .Xr $x;"
	done
	for q in $PAGES7; do
		[ "$q" = "$p" ] && continue
		grep -q "^\.Xr $q 7" "$T_TMP/seealso" || missing="$missing .Xr $q 7;"
	done
	if [ -z "$missing" ]; then
		t_ok "man/$p.7 has NAME, DESCRIPTION and SEE ALSO with the other pages"
	else
		t_fail "man/$p.7 has NAME, DESCRIPTION and SEE ALSO with the other pages" \
		    "missing:$missing"
	fi
done

# ---- quoted messages are in the sources ----

# Every string literal of the C sources, adjacent ones joined, escapes
# undone, "%%" as "%"; one a line.
c_strings() {
	awk '
	{ src = src $0 "\n" }
	function emit() {
		if (have) {
			gsub(/%%/, "%", cur)
			print cur
		}
		cur = ""
		have = 0
	}
	END {
		n = length(src)
		i = 1
		while (i <= n) {
			c = substr(src, i, 1)
			d = substr(src, i + 1, 1)
			if (c == "/" && d == "*") {
				j = index(substr(src, i + 2), "*/")
				if (j == 0)
					break
				i += j + 3
				continue
			}
			if (c == "/" && d == "/") {
				while (i <= n && substr(src, i, 1) != "\n")
					i++
				continue
			}
			if (c == "\047") {
				for (i++; i <= n && substr(src, i, 1) != "\047"; i++)
					if (substr(src, i, 1) == "\\")
						i++
				i++
				continue
			}
			if (c == "\"") {
				for (i++; i <= n &&
				    (c = substr(src, i, 1)) != "\""; i++) {
					if (c == "\\") {
						i++
						c = substr(src, i, 1)
						if (c == "n")
							c = " "
						else if (c == "t")
							c = "\t"
					}
					cur = cur c
				}
				have = 1
				i++
				while (i <= n && substr(src, i, 1) ~ /[ \t\n]/)
					i++
				if (substr(src, i, 1) != "\"")
					emit()
				continue
			}
			i++
		}
		emit()
	}' "$1"
}

# The lines of a shell script, continued lines joined and the words of
# one message ("a" \ "b", which the script's log joins) run together.
sh_lines() {
	awk '/\\$/ { sub(/\\$/, ""); line = line $0; next }
	    { line = line $0; gsub(/"[ \t]+"/, " ", line); print line
	      line = "" }' "$1"
}

: >"$T_TMP/strings"
for f in "$T_REPO"/gcp/*.c "$T_REPO"/tui/*.c "$T_REPO"/config/*.c \
    "$T_REPO"/layouts/*.c "$T_REPO"/vt/*.c; do
	[ -f "$f" ] && c_strings "$f" >>"$T_TMP/strings"
done
sh_lines "$T_REPO/config/startup-script.sh" >>"$T_TMP/strings"

grep '^\.Dl ' "$TROUBLE" >"$T_TMP/dl.src"
{
	printf '.Dd January 1, 2026\n.Dt X 7\n.Os\n.Sh NAME\n.Nm x\n'
	printf '.Nd x\n.Sh DESCRIPTION\n'
	cat "$T_TMP/dl.src"
} >"$T_TMP/dl.7"
mandoc -Tmarkdown "$T_TMP/dl.7" | sed -n "s/^$TAB//p" >"$T_TMP/dl.txt"

nsrc=$(wc -l <"$T_TMP/dl.src")
ntxt=$(wc -l <"$T_TMP/dl.txt")
if [ "$nsrc" -lt 50 ] || [ "$nsrc" -ne "$ntxt" ]; then
	t_fail "troubleshooting page: each .Dl renders as one line" \
	    "$nsrc .Dl lines, $ntxt rendered"
else
	t_ok "troubleshooting page: $nsrc .Dl lines render as one line each"
fi

# Prints each message not found, with its source line.
awk -v strings="$T_TMP/strings" '
BEGIN {
	while ((getline s <strings) > 0)
		str[ns++] = s
}
# Splits m at the placeholders (*word*) into frag[0..nfrag-1].
function split_message(m,    p) {
	nfrag = 0
	while (match(m, /\*[A-Za-z0-9_.-]+\*/)) {
		frag[nfrag++] = substr(m, 1, RSTART - 1)
		m = substr(m, RSTART + RLENGTH)
	}
	frag[nfrag++] = m
}
function found(    k, f, s, p, q) {
	for (k = 0; k < ns; k++) {
		s = str[k]
		for (f = 0; f < nfrag; f++) {
			if (frag[f] == "")
				continue
			if ((p = index(s, frag[f])) == 0)
				break
			s = substr(s, p + length(frag[f]))
		}
		if (f == nfrag)
			return 1
	}
	return 0
}
FNR == NR { src[FNR] = $0; next }
{
	split_message($0)
	if (!found())
		print FNR ": " $0 "\n      from " src[FNR]
}' "$T_TMP/dl.src" "$T_TMP/dl.txt" >"$T_TMP/notfound"

if [ -s "$T_TMP/notfound" ]; then
	t_fail "every message the troubleshooting page quotes is in the sources" \
	    "$(cat "$T_TMP/notfound")"
else
	t_ok "every message the troubleshooting page quotes is in the sources ($ntxt)"
fi

# ---- options named with .Cm exist ----

"$BIN" --help >"$T_TMP/help" 2>&1 || t_die "sandbox-tui --help failed" \
    "$(cat "$T_TMP/help")"

# The words after each Cm up to the next macro, punctuation left out.
for p in $PAGES7; do
	[ -f "$MAN/$p.7" ] || continue
	awk -v page="$p.7" '
	/^\./ {
		for (i = 1; i <= NF; i++) {
			if ($i != "Cm" && $i != ".Cm")
				continue
			for (i++; i <= NF; i++) {
				if ($i ~ /^[A-Z][a-z][a-z]?$/) {
					i--
					break
				}
				if ($i ~ /^[][(),.;:!?|]+$/)
					continue
				print page ":" FNR ": " $i
			}
		}
	}' "$MAN/$p.7"
done >"$T_TMP/cm"

: >"$T_TMP/cm.bad"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	word=${line##* }
	grep -qwF -- "$word" "$T_TMP/help" || printf '%s\n' "$line" >>"$T_TMP/cm.bad"
done <"$T_TMP/cm"
if [ "$n" -gt 0 ] && [ ! -s "$T_TMP/cm.bad" ]; then
	t_ok "every .Cm in the section 7 pages is in sandbox-tui --help ($n)"
else
	t_fail "every .Cm in the section 7 pages is in sandbox-tui --help" \
	    "$( [ "$n" -gt 0 ] || echo "no .Cm found"; cat "$T_TMP/cm.bad")"
fi

t_done
