#!/usr/bin/env python3
"""Relinks an executable of a SwiftPM build with the Swift runtime linked statically, from the same object files.

Usage: swift-static-relink.py BINARY OUT

`swift build -c release` (what scripts/test.sh builds) links the Swift runtime and Foundation dynamically; a package
must not depend on a toolchain in /opt. `--static-swift-stdlib` would compile everything a second time (15-30 minutes
on CI's 2 cores); linking is all that differs, so this takes the link command SwiftPM recorded for BINARY in its build
manifest (<scratch>/release.yaml), adds -static-stdlib and the static archives of the Foundation libraries the
dynamic binary loads (objects compiled against the shared runtime do not autolink their static-only helpers), and
writes OUT. Seconds, not minutes. The cross-build (scripts/cross-build-aarch64.sh) links statically from the start.
"""
import json
import os
import re
import subprocess
import sys

# Each shared Swift library the dynamic binary needs -> the static archives that replace it, in link order (a static
# archive must come before the archives it uses). Libraries not named here: -l<name> of the same archive.
FOUNDATION_ORDER = [
    ("libFoundationNetworking.so", ["-lFoundationNetworking", "-l_CFURLSessionInterface"], ["libcurl.so.4"]),
    ("libFoundationXML.so", ["-lFoundationXML", "-l_CFXMLInterface"], ["libxml2.so.2"]),
    ("libFoundation.so", ["-lFoundation", "-lCoreFoundation"], []),
    ("libFoundationInternationalization.so", ["-lFoundationInternationalization", "-l_FoundationICU"], []),
    ("libFoundationEssentials.so", ["-lFoundationEssentials", "-l_FoundationCollections", "-l_FoundationCShims"], []),
]
RUNTIME = re.compile(r"^lib(swift\w*|_Foundation\w*|Foundation\w*|CoreFoundation|dispatch|BlocksRuntime)\.so$")


def fail(message):
    print(f"swift-static-relink: {message}", file=sys.stderr)
    sys.exit(1)


def needed(path):
    out = subprocess.run(["readelf", "-d", path], check=True, capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", out)


def system_library(soname):
    """The path of a C library the static Foundation archives need (no -dev symlink is required)."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.strip().split(" => ")
        if len(parts) == 2 and parts[0].split(" ")[0] == soname and "x86-64" in parts[0]:
            return parts[1]
    fail(f"the static Foundation archives need {soname}, which is not installed")


def main():
    if len(sys.argv) != 3:
        fail("usage: swift-static-relink.py BINARY OUT")
    binary, out = os.path.realpath(sys.argv[1]), os.path.abspath(sys.argv[2])
    # <scratch>/<triple>/release/<product> -> <scratch>/release.yaml
    config_dir = os.path.dirname(binary)
    scratch = os.path.dirname(os.path.dirname(config_dir))
    manifest = os.path.join(scratch, os.path.basename(config_dir) + ".yaml")
    if not os.path.isfile(manifest):
        fail(f"no SwiftPM build manifest {manifest} next to {binary}: relinking needs the build that made it "
             "(or build with --static-swift-stdlib)")
    text = open(manifest, encoding="utf-8").read()
    command = None
    for match in re.finditer(r'\n\s+args: (\[.*\])', text):
        args = json.loads(match.group(1))
        if "-emit-executable" in args and "-o" in args and os.path.realpath(args[args.index("-o") + 1]) == binary:
            command = args
            break
    if command is None:
        fail(f"{manifest} has no link command for {binary}")
    dynamic = needed(binary)
    if not any(RUNTIME.match(n) for n in dynamic):
        fail(f"{binary} does not load the Swift runtime dynamically; nothing to relink")
    extra, system = [], []
    for soname, archives, c_libraries in FOUNDATION_ORDER:
        if soname in dynamic:
            extra += archives
            system += [system_library(c) for c in c_libraries]
    command = list(command)
    command[command.index("-o") + 1] = out
    command.insert(1, "-static-stdlib")
    command += extra + system
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        errors = [l for l in (result.stdout + result.stderr).splitlines() if "error" in l][:15]
        fail(f"relinking {os.path.basename(binary)} failed:\n" + "\n".join(errors))
    left = [n for n in needed(out) if RUNTIME.match(n)]
    if left:
        fail(f"{out} still loads {' '.join(left)}")


main()
