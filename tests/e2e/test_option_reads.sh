#!/bin/sh
# Options are read by name in one layer only (ARCHITECTURE.md, Options):
# below tui/ they arrive as typed structs.  A name is a string, so a
# misspelt one compiles and aborts at run time; this check reads every
# config_str/int/bool/float/size(cfg, "NAME") call of the program's
# sources and fails on a name the option table (config/options.c) does
# not have, and on any such call in gcp/, vt/ or layouts/.
. "$(dirname "$0")/../lib/common.sh"

# Calls may wrap after the comma: join each file into one line first.
reads() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		tr '\n\t' '  ' <"$f" |
		    grep -oE 'config_(str|int|bool|float|size)\([^,()]*, *"[^"]*"' |
		    sed "s|^|${f#"$T_REPO"/}: |"
	done
}

names=$(grep -oE '\.name = "[^"]+"' "$T_REPO/config/options.c" |
    sed 's/.*"\(.*\)"/\1/')
all=$(reads "$T_REPO"/tui/*.c "$T_REPO"/config/*.c)
bad=
n=0
while IFS= read -r r; do
	[ -n "$r" ] || continue
	n=$((n + 1))
	name=$(printf '%s\n' "$r" | sed 's/.*"\(.*\)"$/\1/')
	printf '%s\n' "$names" | grep -qxF "$name" ||
		bad="$bad
${r%%:*}: \"$name\" is not in config/options.c"
done <<EOF_READS
$all
EOF_READS
if [ "$n" -gt 0 ] && [ -z "$bad" ]; then
	t_ok "the $n options read by name are all in the option table"
else
	t_fail "every option read by name is in the option table" \
	    "$(printf '%s\n' "$bad" | sed '/^$/d')"
fi

low=$(reads "$T_REPO"/gcp/*.c "$T_REPO"/vt/*.c "$T_REPO"/layouts/*.c)
if [ -z "$low" ]; then
	t_ok "gcp/, vt/ and layouts/ read no option by name"
else
	t_fail "gcp/, vt/ and layouts/ read no option by name" "$low"
fi

# The check itself: a misspelt name is caught.
[ -z "${OPTIONS_SELFTEST:-}" ] || t_done
probe=$(t_tmpdir options)
mkdir -p "$probe/config" "$probe/tui"
cp "$T_REPO/config/options.c" "$probe/config/"
printf 'x = config_int(app->cfg,\n\t"agents.cuont");\n' >"$probe/tui/x.c"
if T_REPO=$probe OPTIONS_SELFTEST=1 sh "$0" 2>/dev/null |
    grep -q '^not ok - every option'; then
	t_ok "a misspelt option name is caught"
else
	t_fail "a misspelt option name is caught" ""
fi
t_done
