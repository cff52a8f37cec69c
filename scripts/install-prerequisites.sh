#!/usr/bin/env bash
# Makes this machine able to load TorchSharp's native libraries.
#
# TorchSharp 0.107.0 (libtorch 2.10) needs libstdc++ with the symbol version GLIBCXX_3.4.32.
# Debian 12 ships 3.4.30; Debian 13, Ubuntu 24.04 and newer already have it. The decision is made
# by the symbol, never by the OS name: where the symbol is present this script does nothing.
# Where it is missing and apt is available (as root) it installs libstdc++6 from Debian 13
# (trixie) through a separate, temporary sources list; the system's own apt sources are only read.
# Note: that install also upgrades libc6 and base-files to trixie's versions.
#
# Exit codes: 0 ready; 1 could not act (not root, no apt, no mirror); 2 install did not help.
#
# DCGANTYPED_LIBSTDCXX=/path/to/libstdc++.so.6 makes the symbol check look at that file instead of the
# system's library (tests use it to exercise the "missing" branch without touching the system).
set -euo pipefail

NEED=GLIBCXX_3.4.32
SYS_SOURCES=${SYS_SOURCES:-/etc/apt/sources.list.d/debian.sources}
say() { echo "install-prerequisites: $*"; }

find_lib() {
  local p
  if [ -n "${DCGANTYPED_LIBSTDCXX:-}" ]; then
    echo "$DCGANTYPED_LIBSTDCXX"
    return
  fi
  p=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$p" ] && [ -e "$p" ] || p=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
  echo "$p"
}

has_symbol() {
  local lib
  lib=$(find_lib)
  [ -e "$lib" ] || return 1
  # grep -a over the binary: no binutils needed, and no SIGPIPE under pipefail.
  grep -a -q "$NEED" "$lib"
}

if has_symbol; then
  say "$(find_lib) already provides $NEED; nothing to do"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  # Only the install needs root: ask for it here so the quick start is one plain command.
  say "$(find_lib) lacks $NEED; installing it needs root, asking sudo"
  exec sudo -- bash "$0" "$@"
fi
if [ "$(id -u)" -ne 0 ]; then
  say "$(find_lib) lacks $NEED, which TorchSharp needs." >&2
  say "run this script as root, or install libstdc++6 >= 14 (Debian 13 / Ubuntu 24.04 ship it)." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "$(find_lib) lacks $NEED and there is no apt-get here." >&2
  say "install a libstdc++ from GCC 14 or newer with this system's package manager." >&2
  exit 1
fi

# The first main-archive URI of the system's own sources (deb822 first, then one-line format).
URI=""
if [ -r "$SYS_SOURCES" ]; then
  URI=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$SYS_SOURCES")
fi
if [ -z "$URI" ] && [ -r /etc/apt/sources.list ]; then
  URI=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
fi
if [ -z "$URI" ]; then
  say "could not find a Debian mirror in $SYS_SOURCES or /etc/apt/sources.list" >&2
  exit 1
fi

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
T=$(mktemp -d /tmp/dcgantyped-apt.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/lists/partial"
cat >"$T/sources.list" <<LIST
deb [signed-by=$KEYRING] $URI bookworm main
deb [signed-by=$KEYRING] $URI trixie main
LIST
APT_OPTS=(-o "Dir::Etc::SourceList=$T/sources.list"
          -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$T/lists")
export DEBIAN_FRONTEND=noninteractive

say "$NEED missing; installing libstdc++6 from trixie via a temporary sources list"
apt-get "${APT_OPTS[@]}" update -qq
apt-get "${APT_OPTS[@]}" install -y -qq -t trixie --no-install-recommends libstdc++6
ldconfig

if has_symbol; then
  say "OK: $(find_lib) now provides $NEED"
else
  say "FAILED: $NEED still missing after the install" >&2
  exit 2
fi
