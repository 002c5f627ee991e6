# Sourced by .ci/run: starts a throwaway PostgreSQL server on loopback for dlx-tuner's
# multi-worker tests, exports DLX_TEST_POSTGRES_URL, and stops it (and deletes its data) at exit.
# Installs the Debian package when no server binaries are present.

_dlx_pg_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

dlx_start_postgres() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$bindir" ]; then
        _dlx_pg_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive _dlx_pg_root apt-get install -y -qq postgresql >/dev/null
        bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    local as=()
    if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi  # initdb refuses to run as root
    DLX_PG_DATA=$(mktemp -d /tmp/dlx-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then chown postgres "$DLX_PG_DATA"; fi
    local port
    port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as[@]}" "$bindir/initdb" -D "$DLX_PG_DATA/data" -A trust -U postgres >/dev/null
    "${as[@]}" "$bindir/pg_ctl" -D "$DLX_PG_DATA/data" -l "$DLX_PG_DATA/log" -w \
        -o "-p $port -k $DLX_PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    DLX_PG_STOP=("${as[@]}" "$bindir/pg_ctl" -D "$DLX_PG_DATA/data" -m fast -w stop)
    trap dlx_stop_postgres EXIT
    "${as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres dlx_tuner_test
    export DLX_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/dlx_tuner_test"
}

dlx_stop_postgres() {
    "${DLX_PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$DLX_PG_DATA"
}
