#!/usr/bin/env bash
# Installs what raftroll's demo and tests need on a Debian machine, and nothing twice:
# Debian packages (the Go toolchain and etcd's wal sources for the reference tests, etcd for
# real clusters, Docker and OpenSSH for the lab) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(golang-go golang-etcd-server-dev golang-google-grpc-dev golang-google-protobuf-dev golang-goprotobuf-dev protobuf-compiler protoc-gen-go-grpc etcd-server etcd-client docker.io openssh-server openssh-client iptables util-linux sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo -n"
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
