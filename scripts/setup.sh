#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine: the Debian packages Proofwall
# needs (toolchain, libbpf, the test VM, solvers), then `npm ci` and the build.
# Re-running it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  clang-19 llvm-19 libbpf-dev libbpf1 bpftool libelf-dev make gcc libc6-dev  # kernel programs, benchmark loops
  qemu-system-x86 busybox-static cpio kmod                     # the test VM
  z3 cvc5 cvc4 why3                                            # solvers for the verifier
  etcd-server                                                  # fleet store (fleet tests start their own)
  openssl                                                      # throwaway CA and certificates for the fleet TLS tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
echo "setup: ready"
