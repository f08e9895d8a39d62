#!/usr/bin/env bash
# Checks an .ipk's layout the way opkg reads it: the outer gzip'd tar holds exactly debian-binary
# ("2.0"), data.tar.gz and control.tar.gz; control has the fields opkg needs; the files, conffiles
# and maintainer scripts are in place and the shell scripts parse (`sh -n`).
#
#   packaging/openwrt/check-ipk.sh FILE.ipk
set -euo pipefail
ipk="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "error: $ipk: $*" >&2; exit 1; }

outer="$(tar -tzf "$ipk" | tr '\n' ' ')"
[ "$outer" = "./debian-binary ./data.tar.gz ./control.tar.gz " ] || fail "outer entries are: $outer"
tar -xzf "$ipk" -C "$work"
[ "$(cat "$work/debian-binary")" = "2.0" ] || fail "debian-binary is not 2.0"
mkdir "$work/c" "$work/d"
tar -xzf "$work/control.tar.gz" -C "$work/c"
tar -xzf "$work/data.tar.gz" -C "$work/d"
for field in Package Version Depends Architecture Installed-Size Description; do
  grep -q "^$field: ." "$work/c/control" || fail "control has no $field"
done
grep -qx "Package: reelarr" "$work/c/control" || fail "Package is not reelarr"
grep -qx "/etc/config/reelarr" "$work/c/conffiles" || fail "conffiles lacks /etc/config/reelarr"
grep -q "default_postinst" "$work/c/postinst" || fail "postinst does not call default_postinst"
grep -q "default_prerm" "$work/c/prerm" || fail "prerm does not call default_prerm"
for f in ./usr/bin/reelarr ./etc/init.d/reelarr ./etc/config/reelarr; do
  tar -tzvf "$work/data.tar.gz" "$f" | grep -q " root/root \| 0/0 " || fail "$f missing or not root-owned"
done
[ -x "$work/d/usr/bin/reelarr" ] && [ -x "$work/d/etc/init.d/reelarr" ] || fail "binary or init script not executable"
init="$work/d/etc/init.d/reelarr"
[ "$(head -1 "$init")" = "#!/bin/sh /etc/rc.common" ] || fail "init script is not an rc.common script"
grep -qx "USE_PROCD=1" "$init" || fail "init script does not use procd"
grep -q "procd_add_reload_trigger reelarr" "$init" || fail "init script has no reload trigger"
for s in "$init" "$work/c/postinst" "$work/c/prerm"; do sh -n "$s" || fail "$(basename "$s") does not parse"; done
size="$(sed -n 's/^Installed-Size: //p' "$work/c/control")"
actual="$(du -sb "$work/d" | cut -f1)"
[ "$size" = "$actual" ] || fail "Installed-Size $size, files take $actual"
echo "ok: $ipk ($(sed -n 's/^Architecture: //p' "$work/c/control"), $(stat -c %s "$ipk") bytes)"
