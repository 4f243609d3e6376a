#!/usr/bin/env bash
# Builds an OCI image layout of the collector without a container engine (docs/deploy.md): a Debian slim root
# filesystem made by mmdebstrap from the Debian mirror (no base image is pulled), the edgefleet-collector package
# installed in it by dpkg (scripts/package.sh), packed with umoci.
#
# Usage: scripts/image.sh --out DIR [--deb edgefleet-collector_VERSION_ARCH.deb] [--tag TAG] [--suite SUITE]
#   --deb   the collector package (default: scripts/package.sh --arch amd64 from the release build)
#   --tag   the image's tag in the layout (default: the package version); `skopeo inspect oci:DIR:TAG` reads it
#   --suite the Debian release of the base (default: this machine's, e.g. bookworm)
# Copy it to a registry or an engine with skopeo, e.g. `skopeo copy oci:DIR:0.1.0 docker://registry.example/edge-collector:0.1.0`
# or `skopeo copy oci:DIR:0.1.0 docker-daemon:edge-collector:0.1.0`.
#
# The image: entrypoint /usr/bin/edge-collector with /etc/edge-collector/collector.json (HTTP on 0.0.0.0:8080, broker
# host `mosquitto`, state in /var/lib/edge-collector); user edge-collector (uid/gid 10001, not root); volume
# /var/lib/edge-collector; port 8080/tcp; a Docker-style HEALTHCHECK on /healthz (curl). Needs root (mmdebstrap,
# dpkg in a chroot); installs mmdebstrap, umoci and skopeo when they are missing. Network: the Debian mirror
# (EDGEFLEET_DEBIAN_MIRROR, default http://deb.debian.org/debian).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="" deb="" tag="" suite=""
while (($#)); do
    case "$1" in
        --out) out="${2:-}"; shift 2 ;;
        --deb) deb="${2:-}"; shift 2 ;;
        --tag) tag="${2:-}"; shift 2 ;;
        --suite) suite="${2:-}"; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "image: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
fail() { echo "image: $*" >&2; exit 1; }
[ -n "$out" ] || fail "--out DIR is required"
[ "$(id -u)" -eq 0 ] || fail "needs root (mmdebstrap and dpkg in a chroot)"
missing=()
for tool in mmdebstrap umoci skopeo; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
    echo "image: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        fail "cannot install ${missing[*]}"
fi
suite=${suite:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}
mirror=${EDGEFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
work="$(mktemp -d /tmp/edgefleet-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ -z "$deb" ]; then
    "$root/scripts/package.sh" --arch amd64 --out "$work/debs" >&2 || fail "package.sh failed"
    deb=$(ls "$work"/debs/edgefleet-collector_*_amd64.deb)
fi
[ -f "$deb" ] || fail "no package $deb"
[ "$(dpkg-deb -f "$deb" Package)" = edgefleet-collector ] || fail "$deb is not an edgefleet-collector package"
arch=$(dpkg-deb -f "$deb" Architecture)
version=$(dpkg-deb -f "$deb" Version)
tag=${tag:-$version}
cp "$deb" "$work/collector.deb"

# --- root filesystem ------------------------------------------------------------------------------------------------
# A new layout, or another tag in an existing one (umoci init wants a path that does not exist yet).
if [ ! -e "$out/oci-layout" ]; then
    if [ -d "$out" ]; then rmdir "$out" 2>/dev/null || fail "$out exists and is neither empty nor an OCI layout"; fi
    mkdir -p "$(dirname "$out")"
    umoci init --layout "$out"
fi
out="$(cd "$out" && pwd)"
umoci rm --image "$out:$tag" 2>/dev/null || true
umoci new --image "$out:$tag"
umoci unpack --image "$out:$tag" "$work/bundle" >/dev/null
rootfs="$work/bundle/rootfs"
# A fixed uid/gid (10001), made before the package's postinst (which then finds the user and leaves it): Kubernetes'
# runAsNonRoot needs a numeric user, and volumes are chowned to it (deploy/kubernetes).
# Slim as Debian's -slim images: no documentation, manual pages or locales.
# The base (Debian slim + the package's Depends:) is cached by its package list; the package goes in with dpkg.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/ //g' | grep -v '^$' | sort -u | paste -sd,)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/edgefleet-packages"
key=$(printf '%s %s %s %s image-1' "$suite" "$arch" "$mirror" "$deps" | sha256sum | cut -c1-16)
base="$cache/image-base-$suite-$arch-$key.tar"
if [ ! -f "$base" ]; then
    mkdir -p "$cache"
    echo "image: mmdebstrap $suite ($arch, slim) from $mirror with ca-certificates, curl, $deps, once" >&2
    mmdebstrap --quiet --arch="$arch" --variant=essential --include="ca-certificates,curl,$deps" \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --essential-hook='echo "edge-collector:x:10001:" >>"$1/etc/group"; echo "edge-collector:!::" >>"$1/etc/gshadow";
            echo "edge-collector:x:10001:10001::/var/lib/edge-collector:/usr/sbin/nologin" >>"$1/etc/passwd";
            echo "edge-collector:!:1::::::" >>"$1/etc/shadow"' \
        "$suite" "$base.partial.tar" "$mirror" >"$work/mmdebstrap.log" 2>&1 || {
        tail -20 "$work/mmdebstrap.log" >&2; rm -f "$base.partial.tar"; fail "mmdebstrap failed"; }
    mv "$base.partial.tar" "$base"
fi
tar -xf "$base" -C "$rootfs"
cp "$deb" "$rootfs/tmp/collector.deb"
chroot "$rootfs" dpkg -i /tmp/collector.deb >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i $(basename "$deb") in the image"; }
rm -rf "$rootfs"/tmp/* "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
grep -q '^edge-collector:x:10001:10001:' "$rootfs/etc/passwd" || fail "the image's edge-collector user is not 10001"
# The container's configuration: listen on every interface, the broker is the `mosquitto` service (deploy/compose.yaml);
# deploy/kubernetes mounts its own over it.
cat >"$rootfs/etc/edge-collector/collector.json" <<'EOF'
{
  "stateDirectory": "/var/lib/edge-collector",
  "broker": { "host": "mosquitto", "port": 1883 },
  "http": { "host": "0.0.0.0", "port": 8080 },
  "storage": { "engine": "sqlite" },
  "training": { "profilesDirectory": "/usr/share/edge-collector/firmware-profiles" },
  "rollouts": { "profilesDirectory": "/usr/share/edge-collector/firmware-profiles" }
}
EOF
chmod 0640 "$rootfs/etc/edge-collector/collector.json"
chgrp 10001 "$rootfs/etc/edge-collector/collector.json"
install -d -o 10001 -g 10001 -m 0750 "$rootfs/var/lib/edge-collector"
umoci repack --image "$out:$tag" "$work/bundle" >/dev/null

# --- configuration ---------------------------------------------------------------------------------------------------
umoci config --image "$out:$tag" --author "EdgeFleet" --os linux --architecture "$arch" \
    --config.user 10001:10001 --config.workingdir /var/lib/edge-collector \
    --config.entrypoint /usr/bin/edge-collector --config.cmd=--config --config.cmd=/etc/edge-collector/collector.json \
    --config.exposedports 8080/tcp --config.volume /var/lib/edge-collector \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.label org.opencontainers.image.title=edge-collector \
    --config.label org.opencontainers.image.version="$version" \
    --config.label org.opencontainers.image.description="EdgeFleet collector (Debian $suite slim, edgefleet-collector $version)" \
    --config.label org.opencontainers.image.source=https://github.com/edgefleet/edgefleet
# OCI has no health check; Docker reads Healthcheck from the image configuration (podman with --format docker too).
# umoci cannot set it: add it to the configuration blob and re-point the manifest and the index at the new digests.
python3 - "$out" "$tag" <<'PY'
import hashlib, json, os, sys
layout, tag = sys.argv[1:3]
def blob(digest):
    return os.path.join(layout, "blobs", *digest.split(":"))
def put(obj):
    data = json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(digest), "wb") as f:
        f.write(data)
    return digest, len(data)
index = json.load(open(os.path.join(layout, "index.json")))
entry = next(m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
manifest = json.load(open(blob(entry["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
second = 1_000_000_000
config["config"]["Healthcheck"] = {"Test": ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"],
                                   "Interval": 30 * second, "Timeout": 5 * second, "StartPeriod": 15 * second, "Retries": 3}
manifest["config"]["digest"], manifest["config"]["size"] = put(config)
entry["digest"], entry["size"] = put(manifest)
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump(index, f, separators=(",", ":"))
PY
umoci gc --layout "$out"
skopeo inspect "oci:$out:$tag" >"$work/inspect.json" || fail "skopeo cannot read the layout"
echo "image: oci:$out:$tag ($(du -sh "$out" | cut -f1)): $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["Architecture"], d["Os"], len(d["Layers"]), "layer(s)")' "$work/inspect.json")"
