#!/bin/sh
# Installs the Debian packages sandbox-tui needs to build, run and test, so
# that `make run` and `make check` are the only commands a fresh machine
# needs.  It only acts when something is missing; as non-root it names the
# packages instead of failing halfway through a build.
set -eu

PKGS="build-essential pkg-config libncurses-dev libssh-dev libvterm-dev
libjansson-dev libhttp-parser-dev libcurl4-openssl-dev libssl-dev libcmocka-dev
openssh-client openssh-server docker.io busybox-static tmux mandoc
python3 python3-yaml iproute2 procps time shellcheck openssl curl
debootstrap clang libclang-rt-14-dev valgrind"

command -v dpkg-query >/dev/null 2>&1 || exit 0

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "sandbox-tui: missing packages:$missing" >&2
	echo "sandbox-tui: install them with: sudo apt-get install$missing" >&2
	exit 1
fi

echo "sandbox-tui: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
