#!/usr/bin/env bash
# Installs Debian packages, when this runs as root on a machine with apt-get; exits 1 otherwise.
set -eu
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then exit 1; fi
echo "Installing Debian's $* …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
