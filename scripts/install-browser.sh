#!/bin/sh
# Install Debian's chromium for the browser tests (tests/browser/), once.
#
# Idempotent: does nothing when /usr/bin/chromium already exists. Otherwise it
# runs `apt-get update` (only when apt has no package lists yet, or when the
# first install attempt cannot find the package) and
# `apt-get install -y chromium`. Needs root, or sudo without a password.
# Playwright drives this binary through `executable_path`; never run
# `playwright install`.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium already installed: $CHROMIUM"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser.sh: apt-get not found; install chromium by hand so that $CHROMIUM exists" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-browser.sh: need root (or passwordless sudo) to apt-get install chromium" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

have_lists() {
    ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'
}

if ! have_lists; then
    $SUDO apt-get update
fi

if ! $SUDO apt-get install -y chromium; then
    # Stale package lists: refresh them once and try again.
    $SUDO apt-get update
    $SUDO apt-get install -y chromium
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser.sh: apt-get finished but $CHROMIUM is missing" >&2
    exit 1
fi
"$CHROMIUM" --version || true
