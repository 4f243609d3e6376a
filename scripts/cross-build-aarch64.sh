#!/usr/bin/env bash
# Cross-builds every executable product for 64-bit Raspberry Pi OS (aarch64, Debian 13 glibc), release,
# Swift runtime linked statically. Idempotent and resumable: the toolchain chroot and the sysroot are made
# once under the cache (see scripts/lib/aarch64-common.sh) and reused; a rerun with no change takes seconds.
#
# Usage: scripts/cross-build-aarch64.sh          (EDGEFLEET_AARCH64_SOURCE=HEAD builds the last commit instead of
#                                                the work tree; other settings: scripts/lib/aarch64-common.sh)
# Output: .build-aarch64/bin/<product> (stripped, to ship) and <product>.debug (symbols), sizes.md,
#         neon-report.md, logs/, timings.log. Needs root (mmdebstrap, chroot, mount namespaces).
set -euo pipefail
# shellcheck source=scripts/lib/aarch64-common.sh
source "$(dirname "$0")/lib/aarch64-common.sh"

ef_require_root
ef_lock
EF_T0=$(ef_now)
trap 'rc=$?; [ $rc -eq 0 ] || [ -z "${EF_PHASE:-}" ] || ef_log "FAILED in phase $EF_PHASE (exit $rc); logs in $EF_OUT/logs"' EXIT

# --- 1. host tools ---------------------------------------------------------------------------------------
ef_phase host-tools "mmdebstrap, rsync, binutils (readelf)"
ef_ensure_host_packages mmdebstrap rsync binutils python3 git
ef_phase_done

# --- 2. toolchain chroot: Debian unstable amd64 with swiftlang ---------------------------------------------
ef_phase toolchain "amd64 $EF_TOOLCHAIN_SUITE chroot with swiftlang at $EF_TOOLCHAIN"
if ef_toolchain_ready; then
    ef_phase_done "reused, swiftlang $(cat "$EF_TOOLCHAIN/.edgefleet-ready")"
else
    rm -rf "$EF_TOOLCHAIN.partial"
    ef_log "   mmdebstrap $EF_TOOLCHAIN_SUITE from $EF_MIRROR (about 1 min, 3.2 GB)"
    ef_logged mmdebstrap-toolchain nice -n 10 mmdebstrap --variant=apt \
        --aptopt='Acquire::Check-Valid-Until "false"' --include="$EF_TOOLCHAIN_PACKAGES" \
        "$EF_TOOLCHAIN_SUITE" "$EF_TOOLCHAIN.partial" "$EF_MIRROR"
    # arm64 as a foreign architecture of the chroot's own dpkg, so its apt can download swiftlang:arm64.
    chroot "$EF_TOOLCHAIN.partial" dpkg --add-architecture arm64
    version=$(chroot "$EF_TOOLCHAIN.partial" dpkg-query -W -f='${Version}' swiftlang) ||
        ef_die "swiftlang is not installed in the chroot (see $EF_OUT/logs/mmdebstrap-toolchain.log)"
    rm -rf "$EF_TOOLCHAIN"
    mv "$EF_TOOLCHAIN.partial" "$EF_TOOLCHAIN"
    echo "$version" >"$EF_TOOLCHAIN/.edgefleet-ready"
    ef_phase_done "swiftlang $version"
fi
SWIFT_VERSION=$(cat "$EF_TOOLCHAIN/.edgefleet-ready")
# The package mirror's URL rewrites (system git config), so resolution inside the chroot uses the same mirror.
{
    echo "# written by scripts/cross-build-aarch64.sh from the host's system git config"
    git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null | while read -r key value; do
        printf '[url "%s"]\n\tinsteadOf = %s\n' "$(sed -E 's/^url\.(.*)\.insteadof$/\1/' <<<"$key")" "$value"
    done
} >"$EF_TOOLCHAIN/etc/gitconfig"

# --- 3. swiftlang:arm64 and libswiftlang:arm64, the same version as the compiler ---------------------------
ef_phase arm64-swift-debs "swiftlang:arm64 + libswiftlang:arm64 $SWIFT_VERSION"
if [ "$(cat "$EF_DEBS/.version" 2>/dev/null)" = "$SWIFT_VERSION" ]; then
    ef_phase_done "reused"
else
    rm -rf "$EF_DEBS"
    ef_chroot "set -e
        apt-get update -qq -o Acquire::Check-Valid-Until=false
        rm -rf /var/cache/edgefleet-debs && mkdir -p /var/cache/edgefleet-debs && cd /var/cache/edgefleet-debs
        apt-get download -qq -o APT::Sandbox::User=root swiftlang:arm64=$SWIFT_VERSION libswiftlang:arm64=$SWIFT_VERSION" \
        >"$EF_OUT/logs/apt-download-arm64.log" 2>&1 || {
        tail -n 20 "$EF_OUT/logs/apt-download-arm64.log" >&2
        ef_die "could not download swiftlang:arm64=$SWIFT_VERSION (has unstable moved on? then remove $EF_TOOLCHAIN and rerun)"
    }
    rm -rf "$EF_DEBS.partial" && mkdir -p "$EF_DEBS.partial"
    mv "$EF_TOOLCHAIN"/var/cache/edgefleet-debs/*.deb "$EF_DEBS.partial/"
    echo "$SWIFT_VERSION" >"$EF_DEBS.partial/.version"
    mv "$EF_DEBS.partial" "$EF_DEBS"
    ef_phase_done "$(du -sh "$EF_DEBS" | cut -f1)"
fi

# --- 4. arm64 sysroot: Debian 13 C library + the project's C libraries + Swift's aarch64 resources ---------
SYSROOT_STAMP="suite=$EF_SYSROOT_SUITE packages=$EF_SYSROOT_PACKAGES swift=$SWIFT_VERSION layout=1"
ef_phase sysroot "arm64 $EF_SYSROOT_SUITE sysroot at $EF_SYSROOT"
if ef_sysroot_ready && [ "$(cat "$EF_SYSROOT/.edgefleet-ready")" = "$SYSROOT_STAMP" ]; then
    ef_phase_done "reused"
else
    partial=$EF_SYSROOT.partial
    rm -rf "$partial"
    mkdir -p "$(dirname "$EF_SYSROOT")"
    ef_logged mmdebstrap-sysroot nice -n 10 mmdebstrap --arch=arm64 --variant=extract \
        --include="$EF_SYSROOT_PACKAGES" "$EF_SYSROOT_SUITE" "$partial" "$EF_MIRROR"
    ef_log "   unpacking Swift's aarch64 modules, runtime and static libraries (about 1 min)"
    dpkg-deb --fsys-tarfile "$EF_DEBS"/swiftlang_*_arm64.deb |
        tar -x -C "$partial" --wildcards --exclude='./usr/libexec/swift/lib/swift/host/*' \
            './usr/libexec/swift/lib/swift/*' './usr/libexec/swift/lib/swift_static/*' './usr/libexec/swift/lib/clang/*' ||
        ef_die "unpacking swiftlang:arm64 failed"
    dpkg-deb -x "$EF_DEBS"/libswiftlang_*_arm64.deb "$partial" || ef_die "unpacking libswiftlang:arm64 failed"
    for d in bin lib sbin; do
        mkdir -p "$partial/usr/$d"
        [ -e "$partial/$d" ] || ln -s "usr/$d" "$partial/$d"
    done
    ln -sfn ../libexec/swift/lib/swift "$partial/usr/lib/swift"
    ln -sfn ../libexec/swift/lib/swift_static "$partial/usr/lib/swift_static"
    # Debian's libswiftlang ships _Testing_Foundation's interface but not its library; SwiftPM's generated test
    # runner imports Testing and Foundation, so the cross-import overlay is autolinked. Nothing of it is used:
    # an empty archive satisfies the link (a missing symbol would still fail loudly).
    printf '!<arch>\n' >"$partial/usr/lib/swift/linux/lib_Testing_Foundation.a"
    for f in usr/lib/swift/linux/Swift.swiftmodule/aarch64-unknown-linux-gnu.swiftmodule usr/lib/swift_static/linux/libswiftCore.a \
        usr/lib/swift_static/linux/static-stdlib-args.lnk usr/lib/swift/linux/libXCTest.so \
        usr/lib/aarch64-linux-gnu/libc.so.6 usr/lib/aarch64-linux-gnu/pkgconfig/libmosquitto.pc \
        usr/lib/ld-linux-aarch64.so.1; do
        [ -e "$partial/$f" ] || ef_die "sysroot is missing $f"
    done
    echo "$SYSROOT_STAMP" >"$partial/.edgefleet-ready"
    rm -rf "$EF_SYSROOT"
    mv "$partial" "$EF_SYSROOT"
    ef_phase_done "$(du -sh "$EF_SYSROOT" | cut -f1)"
fi

# --- 5. the Swift SDK bundle (used in place with --swift-sdks-path: no 2 GB copy into ~/.swiftpm) -----------
ef_phase sdk "Swift SDK $EF_SDK_NAME"
cat >"$EF_BUNDLE/info.json" <<EOF
{
  "schemaVersion": "1.0",
  "artifacts": {
    "$EF_SDK_NAME": {
      "type": "swiftSDK",
      "version": "$SWIFT_VERSION",
      "variants": [
        { "path": "aarch64", "supportedTriples": ["x86_64-pc-linux-gnu", "x86_64-unknown-linux-gnu"] }
      ]
    }
  }
}
EOF
cat >"$EF_BUNDLE/aarch64/swift-sdk.json" <<EOF
{
  "schemaVersion": "4.0",
  "targetTriples": {
    "$EF_TRIPLE": {
      "sdkRootPath": "sysroot",
      "swiftResourcesPath": "sysroot/usr/lib/swift",
      "swiftStaticResourcesPath": "sysroot/usr/lib/swift_static",
      "toolsetPaths": ["toolset.json"]
    }
  }
}
EOF
cat >"$EF_BUNDLE/aarch64/toolset.json" <<EOF
{
  "schemaVersion": "1.0",
  "swiftCompiler": { "extraCLIOptions": ["-use-ld=lld"] }
}
EOF
ef_logged swift-sdk-list ef_chroot "swift sdk list --swift-sdks-path '$EF_SDKS'"
grep -qx "$EF_SDK_NAME" "$EF_OUT/logs/swift-sdk-list.log" || ef_die "swift does not see the SDK (logs/swift-sdk-list.log)"
ef_phase_done

# --- 6. a snapshot of the work tree (tracked + untracked, minus ignored) ------------------------------------
# Building a copy keeps the chroot's Package.resolved and half-edited files of concurrent work out of the way,
# and the test bundle (scripts/test-aarch64.sh) is built from the very same sources as the binaries.
SOURCE=${EDGEFLEET_AARCH64_SOURCE:-worktree}
ef_phase source "snapshot of the $SOURCE sources into $EF_OUT/src"
git -C "$EF_ROOT" rev-parse --git-dir >/dev/null 2>&1 || ef_die "$EF_ROOT is not a git work tree"
mkdir -p "$EF_OUT/src"
if [ "$SOURCE" = worktree ]; then
    stage=$EF_ROOT
    describe="$(git -C "$EF_ROOT" rev-parse --short HEAD)$(git -C "$EF_ROOT" diff --quiet HEAD 2>/dev/null || echo '+local changes')"
else
    # A committed revision (EDGEFLEET_AARCH64_SOURCE=HEAD or any rev), read with git archive: the index is untouched.
    stage=$EF_OUT/src-archive
    rm -rf "$stage" && mkdir -p "$stage"
    git -C "$EF_ROOT" archive --format=tar "$SOURCE" | tar -x -C "$stage" || ef_die "git archive $SOURCE failed"
    describe="$(git -C "$EF_ROOT" rev-parse --short "$SOURCE")"
fi
python3 - "$EF_ROOT" "$stage" "$EF_OUT/src" "$EF_OUT/src-files.list" <<'PY'
import os, subprocess, sys
root, stage, dest, listing = sys.argv[1:5]
if stage == root:
    out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         check=True, capture_output=True).stdout
    files = {f for f in out.decode().split("\0") if f and os.path.isfile(os.path.join(root, f))}
else:
    files = {os.path.relpath(os.path.join(d, n), stage) for d, _, names in os.walk(stage) for n in names}
files = sorted(files)
with open(listing, "w") as fh:
    fh.write("\n".join(files) + "\n")
keep = set(files)
for dirpath, dirnames, filenames in os.walk(dest):
    rel = os.path.relpath(dirpath, dest)
    if rel == ".":
        dirnames[:] = [d for d in dirnames if d not in (".swiftpm",)]
    for name in filenames:
        path = os.path.normpath(os.path.join(rel, name))
        if path not in keep and path != "Package.resolved":
            os.remove(os.path.join(dest, path))
PY
# -c: content, not time stamps, decides what changed (git archive stamps every file with the commit time).
rsync -a -c --files-from="$EF_OUT/src-files.list" "$stage/" "$EF_OUT/src/" || ef_die "rsync of the sources failed"
find "$EF_OUT/src" -mindepth 1 -type d -empty -delete
ef_phase_done "$(wc -l <"$EF_OUT/src-files.list") files, $describe"

# --- 7. the package as the chroot's Swift sees it; no x86 flags may reach the ARM build ---------------------
ef_phase package "evaluate Package.swift with EDGEFLEET_TARGET_CPU=$EF_TARGET_CPU"
ef_logged dump-package ef_chroot "cd '$EF_OUT/src' && swift package dump-package"
sed -n '/^{/,$p' "$EF_OUT/logs/dump-package.log" >"$EF_OUT/package.json"
mapfile -t DECLARED < <(python3 - "$EF_OUT/package.json" <<'PY'
import json, sys
package = json.load(open(sys.argv[1]))
for product in package["products"]:
    if "executable" in product["type"]:
        print(product["name"])
PY
)
((${#DECLARED[@]})) || ef_die "no executable product found in $EF_OUT/package.json"
if python3 - "$EF_OUT/package.json" <<'PY'; then
import json, sys
text = json.dumps(json.load(open(sys.argv[1])))
bad = [w for w in ("haswell", "x86-64", "EDGEFLEET_AVX2", "znver", "skylake") if w in text]
if bad:
    print(", ".join(bad))
sys.exit(0 if bad else 1)
PY
    ef_die "x86 settings leak into the aarch64 build (above); Package.swift did not honour EDGEFLEET_TARGET_CPU=$EF_TARGET_CPU"
fi
# The device binaries by default; EDGEFLEET_AARCH64_PRODUCTS=all builds every executable (edge-collector too).
EDGEFLEET_AARCH64_PRODUCTS=${EDGEFLEET_AARCH64_PRODUCTS:-edgectl edge-agent}
[ "$EDGEFLEET_AARCH64_PRODUCTS" = all ] && EDGEFLEET_AARCH64_PRODUCTS=${DECLARED[*]}
read -r -a PRODUCTS <<<"$EDGEFLEET_AARCH64_PRODUCTS"
for p in "${PRODUCTS[@]}"; do
    [[ " ${DECLARED[*]} " == *" $p "* ]] || ef_die "EDGEFLEET_AARCH64_PRODUCTS names $p, which the package does not declare (${DECLARED[*]})"
done
ef_phase_done "executables: ${PRODUCTS[*]}"

# --- 8. build -------------------------------------------------------------------------------------------
ef_phase build "swift build (release, --static-swift-stdlib, $EF_JOBS jobs, nice 10) for $EF_TRIPLE"
ef_log "   a cold build takes 10-20 min on 2 cores; progress: tail -f $EF_OUT/logs/swift-build.log"
# swift build takes one --product at a time.
build_cmd=""
for p in "${PRODUCTS[@]}"; do
    build_cmd+="swift build $(ef_swift_sdk_args) --static-swift-stdlib --scratch-path '$EF_OUT/build' --product '$p' && "
done
build_cmd+="true"
ef_logged swift-build ef_chroot "set -o pipefail; cd '$EF_OUT/src' && $build_cmd"
grep -q "warning: you may be able to install" "$EF_OUT/logs/swift-build.log" &&
    ef_die "pkg-config did not find a system library in the sysroot (logs/swift-build.log)"
ef_phase_done "$(grep -cE '^\[[0-9]+/[0-9]+\] Compiling' "$EF_OUT/logs/swift-build.log" || true) compile steps"

# --- 9. binaries: copy, strip, sizes, run-time requirements ------------------------------------------------
ef_phase binaries "strip and measure into $EF_OUT/bin"
rm -rf "${EF_OUT:?}/bin" && mkdir -p "$EF_OUT/bin"     # only this build's products: no stale binary gets tested
products_dir="$EF_OUT/build/$EF_TRIPLE/release"
{
    echo "| binary | size | stripped | needs glibc | needs GLIBCXX | shared libraries |"
    echo "| --- | --- | --- | --- | --- | --- |"
} >"$EF_OUT/sizes.md"
for p in "${PRODUCTS[@]}"; do
    [ -x "$products_dir/$p" ] || ef_die "product $p was not built ($products_dir/$p)"
    readelf -h "$products_dir/$p" | grep -q 'Machine:.*AArch64' || ef_die "$p is not an aarch64 executable"
    cp -p "$products_dir/$p" "$EF_OUT/bin/$p.debug.tmp"
    ef_logged strip-"$p" ef_chroot "llvm-objcopy --strip-all '$EF_OUT/bin/$p.debug.tmp' '$EF_OUT/bin/$p.tmp'"
    mv "$EF_OUT/bin/$p.debug.tmp" "$EF_OUT/bin/$p.debug"
    mv "$EF_OUT/bin/$p.tmp" "$EF_OUT/bin/$p"
    needed=$(readelf -d "$EF_OUT/bin/$p" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd' ')
    case " $needed " in *" libswiftCore.so "*) ef_die "$p links the Swift runtime dynamically ($needed)" ;; esac
    glibc=$(readelf -V --wide "$EF_OUT/bin/$p" | grep -oE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' | sort -uV | tail -1)
    glibcxx=$(readelf -V --wide "$EF_OUT/bin/$p" | grep -oE 'GLIBCXX_[0-9.]+' | sort -uV | tail -1)
    printf '| %s | %s | %s | %s | %s | %s |\n' "$p" "$(ef_size "$EF_OUT/bin/$p.debug")" "$(ef_size "$EF_OUT/bin/$p")" \
        "${glibc#GLIBC_}" "${glibcxx#GLIBCXX_}" "$needed" >>"$EF_OUT/sizes.md"
done
ef_phase_done

# --- 10. NEON in the hot kernels -----------------------------------------------------------------------
ef_phase neon "disassemble the Kernels hot loops of edgectl"
if [ -x "$EF_OUT/bin/edgectl.debug" ]; then
    source "$(dirname "$0")/lib/aarch64-neon.sh"
    ef_neon_report "$EF_OUT/bin/edgectl.debug" >"$EF_OUT/neon-report.md"
    ef_phase_done "$EF_OUT/neon-report.md"
else
    ef_phase_done "skipped: edgectl not built"
fi

total_ms=$((($(ef_now) - EF_T0) / 1000000))
printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$EF_SCRIPT" total "$((total_ms / 1000))" "" >>"$EF_TIMINGS"
echo
echo "aarch64 binaries (Swift $SWIFT_VERSION, Debian $EF_SYSROOT_SUITE sysroot, -target-cpu $EF_TARGET_CPU) in $EF_OUT/bin:"
cat "$EF_OUT/sizes.md"
echo
[ -f "$EF_OUT/neon-report.md" ] && cat "$EF_OUT/neon-report.md" && echo
echo "cross-build-aarch64: done in $((total_ms / 1000))s"
