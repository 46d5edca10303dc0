#!/bin/sh
# Install the Debian packages the test suite needs beyond Python, once.
#
# - python3-seccomp: libseccomp's Python binding, for Debian's /usr/bin/python3.
#   scripts/seccomp_run.py uses it to run the Gradescope autograder under a
#   reproduction of Docker's default seccomp profile (tests/test_gradescope.py).
#
# Idempotent: does nothing when every package is already installed. Otherwise it
# runs `apt-get update` (only when apt has no package lists yet, or when the
# first install attempt fails) and `apt-get install -y` of the missing ones.
# Needs root, or sudo without a password. (Chromium, for the browser tests, is
# scripts/install-browser.sh.)
set -eu

PACKAGES="python3-seccomp"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    echo "system packages already installed: $PACKAGES"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-packages.sh: apt-get not found; install by hand:$missing" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-system-packages.sh: need root (or passwordless sudo) to apt-get install$missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

have_lists() {
    ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'
}

if ! have_lists; then
    $SUDO apt-get update
fi

# shellcheck disable=SC2086  # $missing is a list of package names
if ! $SUDO apt-get install -y $missing; then
    # Stale package lists: refresh them once and try again.
    $SUDO apt-get update
    $SUDO apt-get install -y $missing
fi

/usr/bin/python3 -c "import seccomp" || {
    echo "install-system-packages.sh: python3-seccomp installed, but /usr/bin/python3 cannot import seccomp" >&2
    exit 1
}
echo "installed:$missing"
