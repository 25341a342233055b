#!/bin/sh
# Installs the Debian packages named as arguments that are not installed
# yet. As root it runs apt-get; otherwise it prints the exact command and
# fails, so a build never half-works on a machine without the packages.
missing=
for p in "$@"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "gemserv: missing Debian packages; as root run:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
echo "gemserv: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists: update once, then install.
apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null && \
	  apt-get install -y -q --no-install-recommends $missing; }
