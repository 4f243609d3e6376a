# shellcheck shell=bash
# ef_neon_report BINARY: a Markdown table of the NEON instructions in the hot kernel functions of module Kernels
# (symbols whose name holds conv2D, depthwise, gemmTile4x16 or convolveGEMM, specialisations and closures
# included) and of the C `sdot` microkernel (edgefleet_sdot_tile4x16), disassembled with the toolchain's
# llvm-objdump. Sourced after scripts/lib/aarch64-common.sh.

ef_neon_report() {
    local bin=$1 work=$EF_OUT/neon
    mkdir -p "$work"
    # Swift symbols of module Kernels start with $s7Kernels (also when specialised into another module).
    readelf -s --wide "$bin" | awk '$4 == "FUNC" && ($8 ~ /^\$s7Kernels/ || $8 == "edgefleet_sdot_tile4x16") { print $8 }' |
        sort -u >"$work/kernels.mangled"
    [ -s "$work/kernels.mangled" ] || ef_die "no Kernels symbols in $bin (stripped?)"
    ef_chroot "swift-demangle --simplified --compact < '$work/kernels.mangled' > '$work/kernels.demangled'" ||
        ef_die "swift-demangle failed"
    paste -d'\t' "$work/kernels.mangled" "$work/kernels.demangled" |
        awk -F'\t' 'tolower($2) ~ /conv2d|depthwise|gemmtile4x|convolvegemm|sdot_tile/' >"$work/hot.tsv"
    [ -s "$work/hot.tsv" ] || ef_die "no hot kernel symbols found"
    cut -f1 "$work/hot.tsv" | paste -sd, >"$work/hot.list"
    ef_chroot "llvm-objdump -d --no-show-raw-insn --disassemble-symbols=\"\$(cat '$work/hot.list')\" '$bin' > '$work/hot.dis'" ||
        ef_die "llvm-objdump failed"
    python3 - "$work/hot.tsv" "$work/hot.dis" <<'PY'
import re, sys
from collections import Counter

names = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1]))
functions = {}
current = None
for line in open(sys.argv[2]):
    header = re.match(r"^[0-9a-f]+ <(.+)>:\s*$", line)
    if header:
        current = header.group(1)
        functions[current] = []
        continue
    parts = line.rstrip("\n").split("\t")
    if current and len(parts) >= 2 and re.match(r"^\s*[0-9a-f]+:\s*$", parts[0]):
        functions[current].append((parts[1].strip(), parts[2].strip() if len(parts) > 2 else ""))

def kernel_name(demangled):
    """The kernel a symbol belongs to, or None for accessors, witnesses and the reference implementation."""
    core = re.sub(r"^(specialized )?(closure #\d+ in )*", "", demangled)
    for prefix in ("edgefleet_sdot_tile4x16", "gemmTile4x16", "gemmTile4x8", "convolveGEMM", "depthwise", "conv2D"):
        if core.startswith(prefix) and not core.startswith("conv2DReference"):
            return core.split("(")[0]
    return None

columns = [
    ("smull", lambda m, o: m in ("smull", "smull2", "umull", "umull2") and o.startswith("v")),
    ("smlal", lambda m, o: m in ("smlal", "smlal2", "smlsl", "smlsl2", "umlal", "umlal2")),
    ("sdot", lambda m, o: m in ("sdot", "udot", "usdot")),
    ("mul v", lambda m, o: m == "mul" and o.startswith("v")),
    ("mla v", lambda m, o: m in ("mla", "mls") and o.startswith("v")),
    ("sadalp", lambda m, o: m in ("sadalp", "saddlp", "uadalp", "uaddlp")),
    ("saddw/l", lambda m, o: m in ("saddw", "saddw2", "saddl", "saddl2")),
    ("sxtl/sshll", lambda m, o: m in ("sxtl", "sxtl2", "sshll", "sshll2", "uxtl", "uxtl2", "ushll", "ushll2")),
    ("add v", lambda m, o: m == "add" and o.startswith("v")),
    ("sqrdmulh", lambda m, o: m in ("sqrdmulh", "sqdmulh")),
    ("lane moves", lambda m, o: m in ("ins", "umov", "smov", "mov") and re.search(r"v[0-9]+\.[bhsd]\[", o) is not None),
    ("uzp/zip/tbl", lambda m, o: m[:3] in ("uzp", "zip", "trn", "tbl", "ext")),
    ("dup", lambda m, o: m == "dup"),
    ("q loads", lambda m, o: m.startswith("ld1") or m.startswith("ld2") or (m in ("ldr", "ldp", "ldur") and o.startswith("q"))),
    ("calls", lambda m, o: m in ("bl", "blr")),
    ("scalar mul", lambda m, o: m in ("mul", "madd", "smaddl", "msub", "smull", "smulh") and not o.startswith("v")),
]

def is_vector(m, o):
    return bool(re.search(r"\bv[0-9]+\.", o)) or bool(re.match(r"^q[0-9]+", o))

rows = []
for sym, insns in functions.items():
    demangled = names.get(sym, sym)
    kernel = kernel_name(demangled)
    if kernel is None or len(insns) < 8:
        continue
    c = Counter(instructions=len(insns))
    for m, o in insns:
        c["vector"] += is_vector(m, o)
        for label, test in columns:
            c[label] += bool(test(m, o))
    nesting = demangled.count("closure #")
    label = ("specialized " if demangled.startswith("specialized") else "") + ("closure in " * min(nesting, 1)) + kernel
    rows.append((label, c))

labels = ["instructions", "vector"] + [label for label, _ in columns]
print("Static counts per function (whole body, not per iteration). `calls` inside a hot loop defeat register")
print("allocation: see docs/arm.md.")
print()
print("| function (module Kernels) | " + " | ".join(labels) + " |")
print("| --- " * (len(labels) + 1) + "|")
for label, c in sorted(rows, key=lambda r: (r[0].split()[-1], -r[1]["instructions"])):
    print(f"| `{label}` | " + " | ".join(str(c[l]) for l in labels) + " |")
PY
}
