#!/usr/bin/env bash
# Assembles an OpenWrt .ipk from a static binary without the OpenWrt SDK, the way ipkg-build does:
# a gzip'd tar of ./debian-binary ("2.0"), ./data.tar.gz (the files) and ./control.tar.gz (control,
# conffiles, postinst, prerm), every entry owned by root and dated SOURCE_DATE_EPOCH (reproducible).
#
#   packaging/openwrt/build-ipk.sh BINARY ARCH [OUTDIR]
#
# ARCH is the package architecture of the target: x86_64, aarch64_generic, aarch64_cortex-a53, ...
# (`opkg print-architecture` on the router). The BINARY must be for that CPU (checked with `file`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$1"
arch="$2"
out="${3:-$(dirname "$bin")}"
version="$(sed -n 's/^PKG_VERSION:=//p' "$here/Makefile")-r$(sed -n 's/^PKG_RELEASE:=//p' "$here/Makefile")"
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || echo 0)}"

desc="$(file -b "$bin")"
case "$arch" in
  x86_64) want="x86-64" ;;
  aarch64_*) want="ARM aarch64" ;;
  *) echo "error: unsupported architecture $arch (x86_64 or aarch64_*)" >&2; exit 2 ;;
esac
case "$desc" in
  *"$want"*) ;;
  *) echo "error: $bin is not a $want binary: $desc" >&2; exit 1 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data="$work/data"
ctrl="$work/control"
install -d "$data/usr/bin" "$data/etc/init.d" "$data/etc/config" "$ctrl"
install -m 0755 "$bin" "$data/usr/bin/reelarr"
install -m 0755 "$here/files/reelarr.init" "$data/etc/init.d/reelarr"
install -m 0644 "$here/files/reelarr.config" "$data/etc/config/reelarr"

cat >"$ctrl/control" <<EOF
Package: reelarr
Version: $version
Depends: libc
Source: packaging/openwrt
SourceName: reelarr
License: MIT
Section: multimedia
Require-User: reelarr:reelarr
Maintainer: reelarr developers <dev@reelarr.invalid>
Architecture: $arch
Installed-Size: $(du -sb "$data" | cut -f1)
Description: Radarr-compatible movie collection manager. Finds movies on TMDB, searches HDBits
 and Torznab indexers, sends the best release to qBittorrent and files it in the library.
 Serves a web UI and a Radarr-compatible API on port 7878. One static binary.
EOF
echo /etc/config/reelarr >"$ctrl/conffiles"
# The same scripts OpenWrt's package-ipkg.mk generates: default_postinst creates the Require-User
# user and enables + starts the init script; default_prerm stops and disables it.
cat >"$ctrl/postinst" <<'EOF'
#!/bin/sh
[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0
[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. ${IPKG_INSTROOT}/lib/functions.sh
default_postinst $0 $@
EOF
cat >"$ctrl/prerm" <<'EOF'
#!/bin/sh
[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
. ${IPKG_INSTROOT}/lib/functions.sh
default_prerm $0 $@
EOF
chmod 0755 "$ctrl/postinst" "$ctrl/prerm"

pack() { # DIR FILE.tar.gz [ENTRIES...]: a root-owned, dated, sorted gzip'd tar
  local dir="$1" file="$2"
  shift 2
  tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime="@$epoch" \
    -C "$dir" -cf - "$@" | gzip -9n >"$file"
}
printf '2.0\n' >"$work/debian-binary"
pack "$data" "$work/data.tar.gz" .
pack "$ctrl" "$work/control.tar.gz" .
mkdir -p "$out"
ipk="$out/reelarr_${version}_${arch}.ipk"
pack "$work" "$ipk" ./debian-binary ./data.tar.gz ./control.tar.gz
echo "$ipk"
