#!/usr/bin/env bash
# CI's packaging step (called by .ci/run after the tests; runnable by hand as root):
#  1. the static x86_64 release binary (packaging/build-release.sh), so a release-only compile
#     failure fails CI, with a smoke run (serve + healthcheck),
#  2. the .deb through cargo-deb around that same binary (one release build instead of two, and a
#     package that does not depend on the Debian release's glibc): installed with dpkg, started as
#     the service user without systemd, `reelarr healthcheck`, SIGHUP reload, stop; then `dpkg -r`
#     keeps the data, `dpkg -P` removes data and user,
#  3. the OpenWrt .ipk assembled from it with its layout checked, the init script tested,
#  4. with REELARR_CI_AARCH64=1 also the aarch64 static binary, run under qemu-aarch64-static, and
#     its .ipk files (off by default: a second full release build and the cargo-zigbuild install
#     would take CI past its 40-minute budget on 2 cores).
# Prints the duration of each step. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# cargo-deb is pinned so CI builds the same package every time (and installs in ~1-2 min).
CARGO_DEB_VERSION=3.8.0
CARGO_ZIGBUILD_VERSION=0.24.1
ZIGLANG_VERSION=0.17.1
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
DIST="$CARGO_TARGET_DIR/dist"
t0=$(date +%s)
step() { echo "=== packaging: $* (at +$(( $(date +%s) - t0 )) s)"; }
fail() { echo "error: packaging: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i, the service user)"

step "tools"
export DEBIAN_FRONTEND=noninteractive
need=()
command -v musl-gcc >/dev/null || need+=(musl-tools)
command -v file >/dev/null || need+=(file)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
if [ ${#need[@]} -gt 0 ]; then apt-get install -y --no-install-recommends "${need[@]}"; fi
if [ "$(cargo deb --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DEB_VERSION" ]; then
  cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION"
fi

step "OpenWrt init script against UCI/procd stand-ins"
sh packaging/openwrt/test-init.sh

step "static x86_64 release binary"
packaging/build-release.sh x86_64
packaging/smoke.sh "$DIST/reelarr-$VERSION-x86_64"

step ".deb"
deb="$(cargo deb --no-build --profile dist --target x86_64-unknown-linux-musl --output "$DIST/" | tail -1)"
[ -f "$deb" ] || fail "cargo deb made no package ($deb)"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
packaging/check-deb.sh "$deb"

step "OpenWrt x86_64 .ipk"
packaging/openwrt/check-ipk.sh "$(packaging/openwrt/build-ipk.sh "$DIST/reelarr-$VERSION-x86_64" x86_64 "$DIST")"

if [ "${REELARR_CI_AARCH64:-}" = 1 ]; then
  step "static aarch64 binary"
  ZIG_VENV="${ZIG_VENV:-$HOME/.cache/reelarr-ziglang}"
  if [ ! -x "$ZIG_VENV/bin/python3" ] || ! "$ZIG_VENV/bin/python3" -m ziglang version >/dev/null 2>&1; then
    python3 -m venv "$ZIG_VENV"
    "$ZIG_VENV/bin/pip" install --quiet --disable-pip-version-check "ziglang==$ZIGLANG_VERSION"
  fi
  command -v cargo-zigbuild >/dev/null || cargo install cargo-zigbuild --locked --version "$CARGO_ZIGBUILD_VERSION"
  ZIG_VENV="$ZIG_VENV" packaging/build-release.sh aarch64
  packaging/smoke.sh "$DIST/reelarr-$VERSION-aarch64" qemu-aarch64-static
  for arch in aarch64_generic aarch64_cortex-a53; do
    packaging/openwrt/check-ipk.sh "$(packaging/openwrt/build-ipk.sh "$DIST/reelarr-$VERSION-aarch64" "$arch" "$DIST")"
  done
else
  echo "aarch64 skipped: set REELARR_CI_AARCH64=1 (installs cargo-zigbuild and ziglang)"
fi
step "done"
ls -l "$DIST"
