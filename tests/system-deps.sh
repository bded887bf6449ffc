#!/bin/sh
# What the tests need beyond pip: headless Chromium (the browser tests), Graphviz (the DOT export
# is rendered with dot) and Virtuoso 7 (the store tests run against a real one). Installs Debian's
# packages when any is missing; does nothing otherwise.
set -eu
if command -v chromium >/dev/null 2>&1 && command -v dot >/dev/null 2>&1 \
    && command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
# installing a server must not start it: the tests start their own, on loopback, and stop them
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod +x "$POLICY"
    trap '$SUDO rm -f "$POLICY"' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    chromium graphviz fonts-dejavu-core virtuoso-opensource-7 >/dev/null
# the packaged ini listens on every interface: bind it to loopback should it ever be started
$SUDO sed -i -E 's/^(ServerPort[[:space:]]*=[[:space:]]*)([0-9]+)[[:space:]]*$/\1127.0.0.1:\2/' \
    /etc/virtuoso-opensource-7/virtuoso.ini
echo "installed chromium, graphviz and virtuoso"
