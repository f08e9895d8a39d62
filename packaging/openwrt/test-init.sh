#!/bin/sh
# Runs the procd init script's start_service against stand-ins for OpenWrt's UCI and procd shell
# functions (no router needed) and checks what it would ask procd to run: the shipped UCI defaults
# give `reelarr serve --bind 0.0.0.0:7878 --data-dir /srv/reelarr` as user reelarr with respawn and
# syslog; a data_dir under /var (RAM on OpenWrt) is refused; enabled=0 starts nothing.
#
#   sh packaging/openwrt/test-init.sh
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

# Stand-ins: config_* read `option NAME 'VALUE'` lines of $UCI_FILE; procd_* append to $work/procd.
config_load() { :; }
config_get() {
	_v="$(sed -n "s/^[[:space:]]*option $3 '\(.*\)'/\1/p" "$UCI_FILE")"
	eval "$1=\"\${_v:-\$4}\""
}
config_get_bool() {
	config_get "$@"
	case "$(eval echo "\$$1")" in 1 | on | true | yes | enabled) eval "$1=1" ;; *) eval "$1=0" ;; esac
}
procd_open_instance() { echo "open" >>"$work/procd"; }
procd_set_param() { echo "$*" >>"$work/procd"; }
procd_close_instance() { echo "close" >>"$work/procd"; }
logger() { echo "logger $*" >>"$work/procd"; }
mkdir() { :; }
chown() { :; }
chmod() { :; }

# shellcheck source=/dev/null
. "$here/files/reelarr.init"

run() { # UCI_FILE: start_service's exit status; its procd calls in $work/procd
	: >"$work/procd"
	UCI_FILE="$1"
	status=0
	start_service || status=$?
}
expect() { # LINE: the procd calls must contain it
	if grep -qxF "$1" "$work/procd"; then echo "ok: $1"; else
		echo "FAIL: no '$1' in:"; cat "$work/procd"; failures=$((failures + 1))
	fi
}

run "$here/files/reelarr.config"
expect "command /usr/bin/reelarr serve --bind 0.0.0.0:7878 --data-dir /srv/reelarr"
expect "user reelarr"
expect "env REELARR_LOG=info"
expect "respawn 3600 5 5"
expect "stdout 1"
expect "stderr 1"
expect "file /etc/config/reelarr"

sed "s|option data_dir .*|option data_dir '/var/reelarr'|" "$here/files/reelarr.config" >"$work/ram"
run "$work/ram"
[ "$status" != 0 ] && ! grep -q open "$work/procd" && echo "ok: /var data_dir refused" ||
	{ echo "FAIL: /var data_dir started"; failures=$((failures + 1)); }

sed "s|option enabled .*|option enabled '0'|" "$here/files/reelarr.config" >"$work/off"
run "$work/off"
! grep -q open "$work/procd" && echo "ok: enabled=0 starts nothing" ||
	{ echo "FAIL: enabled=0 started"; failures=$((failures + 1)); }

[ "$failures" = 0 ] || { echo "$failures init-script check(s) failed"; exit 1; }
