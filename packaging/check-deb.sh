#!/usr/bin/env bash
# Installs a reelarr .deb on this machine and checks its whole life without systemd (root only;
# it purges any installed reelarr package first):
#   dpkg -i  -> /usr/bin/reelarr, the unit, the reelarr system user, /var/lib/reelarr (0700, theirs);
#   the installed binary started as that user with the unit's environment answers `healthcheck`,
#   survives a SIGHUP reload and stops cleanly on SIGTERM, having written its data as that user;
#   dpkg -r  -> binary gone, data, user and /etc/default/reelarr kept;
#   dpkg -P  -> data, user and /etc/default/reelarr gone.
#
#   packaging/check-deb.sh target/dist/reelarr_<version>-1_amd64.deb
set -euo pipefail
deb="$1"
data=/var/lib/reelarr
fail() { echo "error: check-deb: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
[ "$(id -u)" = 0 ] || fail "needs root"
if dpkg -s reelarr >/dev/null 2>&1; then dpkg -P reelarr; fi

dpkg -i "$deb"
[ -x /usr/bin/reelarr ] || fail "/usr/bin/reelarr missing"
unit="$(dpkg -L reelarr | grep '/systemd/system/reelarr.service$')" || fail "no systemd unit"
for line in User=reelarr StateDirectory=reelarr Environment=REELARR_DATA_DIR=/var/lib/reelarr \
  NoNewPrivileges=true ProtectSystem=strict ProtectHome=read-only PrivateTmp=true \
  'ExecReload=/bin/kill -HUP $MAINPID'; do
  grep -qxF "$line" "$unit" || fail "unit lacks $line"
done
if command -v systemd-analyze >/dev/null; then systemd-analyze verify "$unit"; fi
getent passwd reelarr >/dev/null || fail "no reelarr user"
[ "$(stat -c '%U %a' "$data")" = "reelarr 700" ] || fail "$data is $(stat -c '%U %a' "$data")"
[ -f /etc/default/reelarr ] || fail "/etc/default/reelarr missing"
ok "installed: $(/usr/bin/reelarr --version), unit $unit"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
# setpriv execs the binary itself (runuser would stay as its parent), so $! is reelarr's pid and
# the signals below reach it directly, as systemd's would.
setpriv --reuid=reelarr --regid=reelarr --init-groups --reset-env \
  env REELARR_DATA_DIR="$data" REELARR_ENV_FILE=/etc/default/reelarr \
  /usr/bin/reelarr serve --bind "127.0.0.1:$port" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
healthy() {
  for _ in $(seq 1 150); do
    if /usr/bin/reelarr healthcheck --url "$url" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "the server exited"
    sleep 0.2
  done
  fail "not healthy at $url within 30 s"
}
healthy
ok "healthy as $(ps -o user= -p "$pid") at $url"
kill -HUP "$pid"
sleep 0.5
healthy
ok "healthy after SIGHUP"
kill -TERM "$pid"
wait "$pid" || fail "exit status $? after SIGTERM"
trap - EXIT
for f in config.toml reelarr.db; do
  [ "$(stat -c %U "$data/$f")" = reelarr ] || fail "$data/$f not written by reelarr"
done
ok "stopped cleanly; $(ls "$data" | tr '\n' ' ')"

dpkg -r reelarr
[ ! -e /usr/bin/reelarr ] || fail "binary left after remove"
[ -f "$data/config.toml" ] && [ -f "$data/reelarr.db" ] || fail "data not kept on remove"
getent passwd reelarr >/dev/null || fail "user removed on remove"
[ -f /etc/default/reelarr ] || fail "/etc/default/reelarr removed on remove"
ok "removed, data and user kept"

dpkg -P reelarr
[ ! -e "$data" ] || fail "$data left after purge"
! getent passwd reelarr >/dev/null || fail "user left after purge"
! getent group reelarr >/dev/null || fail "group left after purge"
[ ! -e /etc/default/reelarr ] || fail "/etc/default/reelarr left after purge"
ok "purged: data, user and group gone"
