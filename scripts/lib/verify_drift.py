"""Side-by-side drift verdicts: edgectl drift vs Evidently's DataDriftPreset (defaults), against the ground truth.

Called by scripts/verify-drift.sh (which provides EDGECTL and the venv). Scenarios come from
`edgectl drift-scenario` so both tools read the very same CSV files.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import pandas as pd

warnings.filterwarnings("ignore")
from evidently import Report  # noqa: E402
from evidently import __version__ as evidently_version  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

EDGECTL = os.environ["EDGECTL"]
QUICK = "--quick" in sys.argv
FEATURES = 8
work = tempfile.mkdtemp(prefix="verify-drift-")
atexit.register(shutil.rmtree, work, ignore_errors=True)


def scenario(name, rows, seed, magnitude=None, features=None):
    path = os.path.join(work, f"{name}-{rows}-{seed}-{magnitude}-{features}.csv")
    if not os.path.exists(path):
        cmd = [EDGECTL, "drift-scenario", "--scenario", name, "--rows", str(rows), "--seed", str(seed), "-o", path]
        if magnitude is not None:
            cmd += ["--magnitude", str(magnitude)]
        if features is not None:
            cmd += ["--features", ",".join(map(str, features))]
        subprocess.run(cmd, check=True)
    return path


def ours(base, cur):
    out = subprocess.run([EDGECTL, "drift", "--baseline", base, "--current", cur, "--json"], check=True,
                         capture_output=True, text=True).stdout
    report = json.loads(out)
    flagged = {i for i, f in enumerate(report["features"]) if f["verdict"] in ("drift", "warning")}
    drift = {i for i, f in enumerate(report["features"]) if f["verdict"] == "drift"}
    ours.scores = [f["score"] for f in report["features"]]
    return report["verdict"], flagged, drift


def evidently(base, cur):
    ref, now = pd.read_csv(base), pd.read_csv(cur)
    snapshot = Report([DataDriftPreset()]).run(current_data=now, reference_data=ref)
    flagged, share, methods = set(), 0.0, set()
    for metric in snapshot.dict()["metrics"]:
        config = metric["config"]
        if config["type"].endswith("DriftedColumnsCount"):
            share = metric["value"]["share"]
        elif config["type"].endswith("ValueDrift"):
            method, threshold, value = config["method"], config["threshold"], metric["value"]
            methods.add(method)
            # p-value methods drift below the threshold, distance methods at or above it.
            drifted = value < threshold if "p_value" in method else value >= threshold
            if drifted:
                flagged.add(list(ref.columns).index(config["column"]))
    verdict = "drift" if share >= 0.5 else ("warning" if flagged else "no_drift")
    return verdict, flagged, methods


def judge(truth, verdict, flagged, insufficient_expected=False):
    if insufficient_expected:
        return "right" if verdict == "insufficient_data" else "wrong"
    missed, false = truth - flagged, flagged - truth
    if not missed and not false:
        return "right"
    parts = []
    if missed:
        parts.append(f"missed {len(missed)}")
    if false:
        parts.append(f"false {len(false)}")
    return "wrong (" + ", ".join(parts) + ")"


rows_out = []
methods_seen = set()


def margin(truth, scores):
    """Our score margin: the weakest injected feature (min score) and the strongest untouched one (max score)."""
    inside = [scores[i] for i in truth]
    outside = [scores[i] for i in range(len(scores)) if i not in truth]
    parts = []
    if inside:
        parts.append(f"min {min(inside):.2f}")
    if outside:
        parts.append(f"max {max(outside):.2f}" + (" others" if inside else ""))
    return ", ".join(parts)


def case(label, base, cur, truth, insufficient_expected=False):
    o_verdict, o_flagged, o_drift = ours(base, cur)
    scores = ours.scores
    e_verdict, e_flagged, methods = evidently(base, cur)
    methods_seen.update(methods)
    rows_out.append((label, "insufficient" if insufficient_expected else (f"{len(truth)}/8 drift" if truth else "no drift"),
                     f"{o_verdict} ({len(o_drift)}/8)" + ("" if insufficient_expected else f"; score {margin(truth, scores)}"),
                     judge(truth, o_verdict, o_drift, insufficient_expected),
                     f"{e_verdict} ({len(e_flagged)}/8)", judge(truth, e_verdict, e_flagged, insufficient_expected)))
    return judge(truth, o_verdict, o_drift, insufficient_expected) == "right", judge(truth, e_verdict, e_flagged, insufficient_expected) == "right"


ALL = set(range(FEATURES))
for ref_rows in (5000, 800):
    base = scenario("none", ref_rows, 1)
    tag = f"ref {ref_rows}"
    # Controls: 100 seeded windows, 50 … 20,000 rows (log-spaced).
    count = 20 if QUICK else 100
    sizes = [round(50 * 400 ** (i / (count - 1))) for i in range(count)]
    ours_fp = ev_fp = 0
    ours_small = ev_small = 0
    max_score = 0.0
    for i, n in enumerate(sizes):
        cur = scenario("none", n, 1000 + i)
        o_verdict, o_flagged, _ = ours(base, cur)
        e_verdict, e_flagged, methods = evidently(base, cur)
        methods_seen.update(methods)
        ours_fp += bool(o_flagged)
        ev_fp += bool(e_flagged)
        ours_small += o_verdict == "insufficient_data"
        if o_verdict != "insufficient_data":
            max_score = max(max_score, max(ours.scores))
    rows_out.append((f"{tag}: {count} no-drift controls, 50–20,000 rows", "no alarm",
                     f"{ours_fp} alarmed ({ours_small} insufficient); score max {max_score:.2f}", "right" if ours_fp == 0 else f"wrong ({ours_fp} false)",
                     f"{ev_fp} alarmed", "right" if ev_fp == 0 else f"wrong ({ev_fp} false)"))
    case(f"{tag}: 20-row window", base, scenario("none", 20, 7), set(), insufficient_expected=True)
    case(f"{tag}: 20-row window, 1σ shift", base, scenario("mean-shift", 20, 7, 1.0), set(), insufficient_expected=True)
    case(f"{tag}: negligible 0.03σ shift, 20,000 rows", base, scenario("negligible-shift", 20000, 8), set())
    # At the minimum window (200 rows): how much power is left.
    case(f"{tag}: mean shift 0.5σ, 200 rows", base, scenario("mean-shift", 200, 16, 0.5), ALL)
    case(f"{tag}: gain ×1.1, 200 rows", base, scenario("gain", 200, 17, 1.1), ALL)
    case(f"{tag}: variance ×2, 200 rows", base, scenario("variance", 200, 18, 2.0), ALL)
    for n in (500, 2000):
        case(f"{tag}: mean shift 0.5σ, {n} rows", base, scenario("mean-shift", n, 9, 0.5), ALL)
        case(f"{tag}: mean shift 0.5σ on 1 feature, {n} rows", base, scenario("mean-shift", n, 10, 0.5, [3]), {3})
        case(f"{tag}: variance ×2, {n} rows", base, scenario("variance", n, 11, 2.0), ALL)
        case(f"{tag}: stuck sensor, {n} rows", base, scenario("stuck", n, 12), ALL)
        case(f"{tag}: stuck band 5, {n} rows", base, scenario("stuck", n, 13, None, [5]), {5})
        case(f"{tag}: gain ×1.1, {n} rows", base, scenario("gain", n, 14, 1.1), ALL)
        case(f"{tag}: new operating mode (30 %), {n} rows", base, scenario("new-mode", n, 15, 0.3), ALL)

print(f"edgectl: {EDGECTL}")
print(f"Evidently {evidently_version}, DataDriftPreset() defaults; methods used: {', '.join(sorted(methods_seen))}")
print("Verdicts: ours counts features at `drift` (controls: `drift` or `warning`); Evidently counts drifted columns.")
print("Score: (effect − noise allowance) / threshold of the deciding effect size; drift needs score ≥ 1 and p_adj < 0.05.")
print()
header = ("scenario", "truth", "edgectl drift", "", "Evidently", "")
widths = [max(len(str(r[i])) for r in rows_out + [header]) for i in range(6)]
print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in rows_out:
    print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")
ours_right = sum(r[3] == "right" for r in rows_out)
ev_right = sum(r[5] == "right" for r in rows_out)
print()
print(f"right: edgectl drift {ours_right}/{len(rows_out)}, Evidently {ev_right}/{len(rows_out)}")
