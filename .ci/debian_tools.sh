# Sourced by .ci/run: installs the Debian packages the tests drive, where they are missing
# (idempotent): chromium for the documentation's browser test (core/tests/docs/test_site.py, through
# Playwright's driver from requirements-dev.txt; no browser is downloaded) and graphviz for
# `plot_model`'s pictures (its `dot` program).

_dlx_debian_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

dlx_install_debian_tools() {
    local missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v dot >/dev/null 2>&1 || missing+=(graphviz)
    if [ ${#missing[@]} -gt 0 ]; then
        _dlx_debian_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive _dlx_debian_root apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}
