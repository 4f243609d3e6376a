#!/usr/bin/env python3
# Writes deploy/prometheus/alerts-test.yml from the cases below and the annotations of alerts.yml (promtool compares
# rendered annotations exactly). Usage: scripts/generate-alerts-test.py deploy/prometheus/alerts.yml deploy/prometheus/alerts-test.yml
# Needs PyYAML (python3-yaml); the generated file is committed, so running the tests does not need this script.
import re, yaml, sys
rules = {r['alert']: r for g in yaml.safe_load(open(sys.argv[1]))['groups'] for r in g['rules']}

def fmt_value(v):
    if float(v).is_integer(): return str(int(v))
    return repr(float(v))

def humanize_duration(v):
    d = int(v); s = d % 60; m = (d // 60) % 60; h = (d // 3600) % 24; days = d // 86400
    if days: return f"{days}d {h}h {m}m {s}s"
    if h: return f"{h}h {m}m {s}s"
    if m: return f"{m}m {s}s"
    return f"{v:.4g}s"

def render(text, labels, value):
    def sub(m):
        expr = m.group(1).strip()
        if expr.startswith('$labels.'): return labels[expr[len('$labels.'):]]
        if expr == '$value': return fmt_value(value)
        if expr == '$value | humanizePercentage': return f"{value*100:.4g}%"
        if expr == '$value | humanizeDuration': return humanize_duration(value)
        raise SystemExit('unknown template ' + expr)
    return re.sub(r'\{\{(.*?)\}\}', sub, text)

def expected(name, labels, value):
    rule = rules[name]
    exp_labels = dict(rule['labels']); exp_labels.update(labels)
    return {'exp_labels': exp_labels,
            'exp_annotations': {k: render(v, labels, value) for k, v in rule['annotations'].items()}}

# (description, series, [(eval_time, alertname, [(labels, value)])])
J = 'job="edge-collector"'
cases = [
  ("A collector that stops answering fires after 2 minutes; one that answers never does",
   [(f'up{{{J}, instance="c1:8080"}}', '1 1 0 0 0 0'), (f'up{{{J}, instance="c2:8080"}}', '1x5')],
   [('3m', 'EdgeFleetCollectorDown', []), ('5m', 'EdgeFleetCollectorDown', [({'job': 'edge-collector', 'instance': 'c1:8080'}, 0)])]),
  ("A profile with over 5 % offline for 15 minutes fires; a profile below it never does",
   [(f'edgefleet_devices_offline{{{J}, instance="c1:8080", profile="rpi-4b-2gb"}}', '0 5x30'),
    (f'edgefleet_devices_known{{{J}, instance="c1:8080", profile="rpi-4b-2gb"}}', '10x30'),
    (f'edgefleet_devices_offline{{{J}, instance="c1:8080", profile="rpi-5-4gb"}}', '1x30'),
    (f'edgefleet_devices_known{{{J}, instance="c1:8080", profile="rpi-5-4gb"}}', '100x30')],
   [('10m', 'EdgeFleetDevicesOffline', []), ('20m', 'EdgeFleetDevicesOffline', [({'profile': 'rpi-4b-2gb'}, 0.5)])]),
  ("A gap that stays for 15 minutes fires; one filled within minutes does not",
   [(f'edgefleet_telemetry_streams_with_gaps{{{J}, instance="c1:8080"}}', '0 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 3x20')],
   [('18m', 'EdgeFleetTelemetryGap', []), ('36m', 'EdgeFleetTelemetryGap', [({}, 3)])]),
  ("Declared losses fire while they grow; a steady count does not",
   [(f'edgefleet_telemetry_lost_messages{{{J}, instance="c1:8080"}}', '40x20 40+10x15')],
   [('15m', 'EdgeFleetTelemetryLoss', []), ('30m', 'EdgeFleetTelemetryLoss', [({}, 90)])]),
  ("Ingest lag above 2 minutes for 5 minutes fires; a short spike does not",
   [(f'edgefleet_collector_ingest_lag_seconds{{{J}, instance="c1:8080"}}', '1 300 1 1 1 1 1 1 1 1 300x10')],
   [('3m', 'EdgeFleetIngestLag', []), ('18m', 'EdgeFleetIngestLag', [({}, 300)])]),
  ("A paused ingest fires after 2 minutes; a resumed one does not",
   [(f'edgefleet_collector_ingest_paused{{{J}, instance="c1:8080"}}', '0 1 0 0 0 1x5')],
   [('3m', 'EdgeFleetIngestPaused', []), ('8m', 'EdgeFleetIngestPaused', [({}, 1)])]),
  ("A raised drift alarm fires for its model and feature; a clear one does not",
   [(f'edgefleet_drift_alarm{{{J}, instance="c1:8080", model="vibration-monitor", feature="rms"}}', '0 0 1x5'),
    (f'edgefleet_drift_alarm{{{J}, instance="c1:8080", model="vibration-monitor", feature="peak"}}', '0x7')],
   [('1m', 'EdgeFleetDriftDetected', []), ('5m', 'EdgeFleetDriftDetected', [({'model': 'vibration-monitor', 'feature': 'rms'}, 1)])]),
  ("A refusal fires for its model for an hour; blessings never do",
   [(f'edgefleet_gate_decisions_total{{{J}, instance="c1:8080", model="kws", decision="refused"}}', '0x10 1x80'),
    (f'edgefleet_gate_decisions_total{{{J}, instance="c1:8080", model="kws", decision="blessed"}}', '0 1 2 3 4 5 6 7 8x80'),
    (f'edgefleet_gate_decisions_total{{{J}, instance="c1:8080", model="vib", decision="refused"}}', '0x90')],
   [('5m', 'EdgeFleetGateRefusedCandidate', []), ('20m', 'EdgeFleetGateRefusedCandidate', [({'model': 'kws'}, 1)]),
    ('80m', 'EdgeFleetGateRefusedCandidate', [])]),
  ("A paused rollout fires; none paused does not",
   [(f'edgefleet_rollouts{{{J}, instance="c1:8080", state="paused"}}', '0 0 1x3'),
    (f'edgefleet_rollouts{{{J}, instance="c1:8080", state="running"}}', '2x5')],
   [('1m', 'EdgeFleetRolloutPaused', []), ('3m', 'EdgeFleetRolloutPaused', [({}, 1)])]),
  ("A rollout rolling back fires, and one that rolled back within 30 minutes; completed ones do not",
   [(f'edgefleet_rollouts{{{J}, instance="c1:8080", state="rollingBack"}}', '0 0 1 1 0x60'),
    (f'edgefleet_rollouts{{{J}, instance="c1:8080", state="rolledBack"}}', '0 0 0 0 1x60'),
    (f'edgefleet_rollouts{{{J}, instance="c1:8080", state="completed"}}', '0 1 2x60')],
   [('1m', 'EdgeFleetRolloutAborted', []), ('3m', 'EdgeFleetRolloutAborted', [({}, 1)]),
    ('60m', 'EdgeFleetRolloutAborted', [])]),
  ("Throttling devices for 10 minutes fire, summed over replicas; a short episode does not",
   [(f'edgefleet_devices_throttling{{{J}, instance="c1:8080"}}', '0 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 2x15'),
    (f'edgefleet_devices_throttling{{{J}, instance="c2:8080"}}', '0x15 1x15')],
   [('8m', 'EdgeFleetDevicesThrottling', []), ('28m', 'EdgeFleetDevicesThrottling', [({}, 3)])]),
  ("Under 10 % free for 5 minutes fires the warning, under 3 % the critical; 50 % free neither",
   [(f'edgefleet_collector_disk_free_bytes{{{J}, instance="c1:8080"}}', '500x5 50x10 20x5'),
    (f'edgefleet_collector_disk_size_bytes{{{J}, instance="c1:8080"}}', '1000x20')],
   [('4m', 'EdgeFleetCollectorDiskNearlyFull', []), ('4m', 'EdgeFleetCollectorDiskFull', []),
    ('13m', 'EdgeFleetCollectorDiskNearlyFull', [({'instance': 'c1:8080'}, 0.05)]), ('13m', 'EdgeFleetCollectorDiskFull', []),
    ('19m', 'EdgeFleetCollectorDiskFull', [({'instance': 'c1:8080'}, 0.02)])]),
]
covered = {a for _, _, evals in cases for _, a, _ in evals}
missing = set(rules) - covered
if missing: raise SystemExit(f'rules without a test: {missing}')
tests = []
for description, series, evals in cases:
    tests.append({'name': description, 'interval': '1m',
                  'input_series': [{'series': s, 'values': v} for s, v in series],
                  'alert_rule_test': [{'eval_time': t, 'alertname': a, 'exp_alerts': [expected(a, l, v) for l, v in alerts]}
                                      for t, a, alerts in evals]})
doc = {'rule_files': ['alerts.yml'], 'evaluation_interval': '1m', 'tests': tests}
header = ("# Unit tests of alerts.yml: every rule firing and not firing (`promtool test rules alerts-test.yml`, run by\n"
          "# scripts/test.sh). Generated by scripts/generate-alerts-test.py (expected annotations are the rendered templates).\n")
open(sys.argv[2], 'w').write(header + yaml.safe_dump(doc, sort_keys=False, width=200, allow_unicode=True))
