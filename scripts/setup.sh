#!/usr/bin/env bash
# Installs the Debian packages Vista Shell needs, if any are missing. Idempotent; root or sudo.
set -euo pipefail

packages=(
  pkg-config
  libedit-dev
  libnifti-dev
  libopenblas-dev
  libdnnl-dev
  libpng-dev
  libfreetype-dev
  fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup.sh: missing packages: ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
