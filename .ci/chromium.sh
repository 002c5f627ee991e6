# Sourced by .ci/run: installs Debian's chromium when /usr/bin/chromium is missing (idempotent).
# The documentation's browser test (core/tests/docs/test_site.py) drives it through Playwright's
# driver (requirements-dev.txt); no browser is downloaded.

_dlx_chromium_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

dlx_install_chromium() {
    if [ ! -x /usr/bin/chromium ]; then
        _dlx_chromium_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive _dlx_chromium_root apt-get install -y -qq chromium >/dev/null
    fi
}
