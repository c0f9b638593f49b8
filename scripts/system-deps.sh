#!/usr/bin/env bash
# Install the Debian packages Sulah needs, only those missing: Pango/HarfBuzz and fonts for WeasyPrint,
# poppler-utils (pdfsig) and SoftHSM (a PKCS#11 token) for the tests, python3-venv and make; Chromium too with --browser.
# Uses sudo when not root. On a system without dpkg it only prints what to install.
set -euo pipefail

packages=(make python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
          fonts-noto-core fonts-dejavu-core poppler-utils softhsm2)
if [[ "${1:-}" == "--browser" ]]; then
    packages+=(chromium)
fi

if ! command -v dpkg >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; install the equivalents of: ${packages[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

sudo=()
if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "system-deps: missing ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi
echo "system-deps: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
