#!/usr/bin/env bash
# Installs Debian's chromium, which the admin page's browser tests drive
# headless, when no Chromium is found. A browser named by
# SYSCONFIG_TEST_CHROMIUM, or already on PATH, is left alone. Installing
# needs root (or sudo) and Debian's package mirror.
set -euo pipefail

find_chromium() {
  if [[ -n ${SYSCONFIG_TEST_CHROMIUM:-} ]]; then
    [[ -x $SYSCONFIG_TEST_CHROMIUM ]] && echo "$SYSCONFIG_TEST_CHROMIUM"
    return
  fi
  command -v chromium || command -v chromium-browser
}

as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi
}

if browser=$(find_chromium); then
  echo "Chromium ready: $browser"
  exit 0
fi
if [[ -n ${SYSCONFIG_TEST_CHROMIUM:-} ]]; then
  echo "SYSCONFIG_TEST_CHROMIUM=$SYSCONFIG_TEST_CHROMIUM is not an executable" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "Chromium is not installed and this is not Debian: install Chromium, or set SYSCONFIG_TEST_CHROMIUM to its path" >&2
  exit 1
fi
echo "installing Debian's chromium (apt-get update && apt-get install -y chromium)"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "Chromium ready: $(find_chromium)"
