#!/bin/sh
# What the tests need beyond pip: headless Chromium (the browser tests) and Graphviz (the DOT export
# is rendered with dot). Installs Debian's packages when either is missing; does nothing otherwise.
set -eu
if command -v chromium >/dev/null 2>&1 && command -v dot >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    chromium graphviz fonts-dejavu-core >/dev/null
echo "installed chromium and graphviz"
