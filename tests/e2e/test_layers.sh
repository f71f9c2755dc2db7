#!/bin/sh
# The folders are layers, in the order ARCHITECTURE.md explains:
#
#   config  <-  vt  <-  gcp  <-  layouts  <-  tui
#
# A source file may include headers of its own folder and of the folders
# before it, never of one after it, and another folder's *_private.h
# never.  This check reads every #include "..." line of the program's
# sources (tests/ may include anything) and fails on each line that breaks
# the order, naming the file, the line and the rule.
. "$(dirname "$0")/../lib/common.sh"

LAYERS="config vt gcp layouts tui"

rank() {
	_r=0
	for _l in $LAYERS; do
		[ "$_l" = "$1" ] && { echo "$_r"; return; }
		_r=$((_r + 1))
	done
	echo -1
}

for dir in $LAYERS; do
	mine=$(rank "$dir")
	bad=
	n=0
	for f in "$T_REPO/$dir"/*.c "$T_REPO/$dir"/*.h; do
		[ -f "$f" ] || continue
		rel=${f#"$T_REPO"/}
		lines=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f") || continue
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			n=$((n + 1))
			inc=$(printf '%s\n' "$line" | sed 's/^[0-9]*:[^"]*"\([^"]*\)".*/\1/')
			num=${line%%:*}
			case $inc in
			*/*) top=${inc%%/*} ;;
			*)
				bad="$bad
$rel:$num: #include \"$inc\": name the folder (\"$dir/$inc\")"
				continue
				;;
			esac
			theirs=$(rank "$top")
			if [ "$theirs" -lt 0 ]; then
				bad="$bad
$rel:$num: #include \"$inc\": $top/ is not one of the layers ($LAYERS)"
			elif [ "$theirs" -gt "$mine" ]; then
				bad="$bad
$rel:$num: #include \"$inc\": $dir/ is below $top/ and may not include it"
			elif [ "$top" != "$dir" ]; then
				case ${inc##*/} in
				*_private.h)
					bad="$bad
$rel:$num: #include \"$inc\": another folder's private header"
					;;
				esac
			fi
		done <<EOF_LINES
$lines
EOF_LINES
	done
	if [ -z "$bad" ]; then
		t_ok "$dir/: its $n #include lines keep the layer order"
	else
		t_fail "$dir/: #include lines that break the layer order" \
		    "$(printf '%s\n' "$bad" | sed '/^$/d')"
	fi
done

# The check itself: a line that breaks the order is caught.
[ -z "${LAYERS_SELFTEST:-}" ] || t_done
probe=$(t_tmpdir layers)
mkdir -p "$probe/config"
printf '#include "tui/app.h"\n' >"$probe/config/x.c"
if T_REPO=$probe LAYERS_SELFTEST=1 sh "$0" 2>/dev/null | grep -q '^not ok - config/'; then
	t_ok "an include of a higher folder is caught"
else
	t_fail "an include of a higher folder is caught" ""
fi
t_done
