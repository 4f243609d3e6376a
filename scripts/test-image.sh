#!/usr/bin/env bash
# Tests the collector's OCI image as far as a machine without a container engine allows (docs/deploy.md): builds it
# with scripts/image.sh (or takes --layout DIR:TAG), reads it with skopeo (user, port, volume, entrypoint, health check),
# unpacks it with umoci, and runs the image's entrypoint from the unpacked root filesystem as the image's user
# (uid 10001, via chroot with its own /proc) with a fresh state directory standing in for the volume: --version, then
# the collector itself until /healthz answers, the state written only in the volume.
# scripts/test.sh runs it after the package test (a first image build downloads a Debian base: a minute or two).
#
# Usage: scripts/test-image.sh [--layout DIR:TAG]     (needs root)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "test-image: FAIL: $*" >&2; exit 1; }
ok() { echo "test-image: ok - $*"; }
[ "$(id -u)" -eq 0 ] || fail "needs root"
work="$(mktemp -d /tmp/edgefleet-image-test.XXXXXX)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
ref=""
[ "${1:-}" = --layout ] && ref="${2:?--layout DIR:TAG}"
if [ -z "$ref" ]; then
    "$root/scripts/image.sh" --out "$work/layout" --tag test >&2 || fail "image.sh"
    ref="$work/layout:test"
fi
layout=${ref%:*} tag=${ref##*:}

config=$(skopeo inspect --config --raw "oci:$layout:$tag") || fail "skopeo inspect oci:$ref"
python3 - "$config" <<'PY' || fail "the image's configuration"
import json, sys
c = json.loads(sys.argv[1])["config"]
assert c["User"] == "10001:10001", c.get("User")
assert "8080/tcp" in c["ExposedPorts"], c.get("ExposedPorts")
assert "/var/lib/edge-collector" in c["Volumes"], c.get("Volumes")
assert c["Entrypoint"] == ["/usr/bin/edge-collector"], c.get("Entrypoint")
assert "/healthz" in " ".join(c["Healthcheck"]["Test"]), c.get("Healthcheck")
PY
ok "skopeo inspect: user 10001:10001, 8080/tcp, volume /var/lib/edge-collector, health check on /healthz"

umoci unpack --image "$layout:$tag" "$work/bundle" >/dev/null || fail "umoci unpack"
rootfs="$work/bundle/rootfs"
grep -q '^edge-collector:x:10001:10001:' "$rootfs/etc/passwd" || fail "no edge-collector user 10001 in the image"
[ ! -e "$rootfs/usr/share/man/man1" ] || [ -z "$(ls -A "$rootfs/usr/share/man/man1")" ] || fail "the image is not slim (manual pages)"
ok "umoci unpack: $(du -sh "$rootfs" | cut -f1) root filesystem, slim"

# The volume: an empty directory owned by the image's user, mounted over /var/lib/edge-collector.
install -d -o 10001 -g 10001 -m 0750 "$work/volume"
# run_image ARGS...: the entrypoint as the image's user, in a private mount namespace with /proc and the volume.
run_image() {
    unshare --mount --fork --kill-child=TERM sh -c 'r=$1 v=$2; shift 2
        mount -t proc proc "$r/proc" && mount --bind "$v" "$r/var/lib/edge-collector" &&
        cd "$r" && exec chroot --userspec=10001:10001 "$r" /usr/bin/edge-collector "$@"' sh "$rootfs" "$work/volume" "$@"
}
version=$(timeout 20 bash -c "$(declare -f run_image); rootfs=$rootfs work=$work; run_image --version" 2>&1) || fail "edge-collector --version in the image: $version"
[[ "$version" == "edge-collector "* ]] || fail "edge-collector --version: $version"
ok "the entrypoint as uid 10001: $version"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_image --config /etc/edge-collector/collector.json --http-port "$port" --broker-port 1 >"$work/collector.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" >"$work/healthz" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
done
grep -q '"ok"' "$work/healthz" 2>/dev/null || { tail -20 "$work/collector.log" >&2; fail "no /healthz from the image's collector"; }
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
[ -f "$work/volume/collector.sqlite" ] && [ "$(stat -c %u "$work/volume/tokens.json")" = 10001 ] || fail "the state is not in the volume"
[ ! -e "$rootfs/var/lib/edge-collector/collector.sqlite" ] || fail "the collector wrote its state into the image"
ok "the image's collector (0.0.0.0, broker absent) served /healthz as uid 10001; database and tokens in the volume"
echo "test-image: PASS"
