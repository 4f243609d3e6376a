#!/usr/bin/env bash
# Validates the deployment files without a cluster or a container engine (docs/deploy.md):
#   deploy/kubernetes/*.yaml  kubernetes-validate --strict (the Kubernetes OpenAPI schemas; unknown fields are errors),
#                             plus the shape the issue asks for: a Deployment or StatefulSet running the image as a
#                             non-root user with liveness and readiness probes on /healthz, a Service, a ConfigMap with
#                             collector.json, a Secret for tokens and certificates, a PersistentVolumeClaim on
#                             /var/lib/edge-collector; the embedded collector.json parses
#   deploy/compose.yaml       check-jsonschema against the Compose Specification's schema (vendored in check-jsonschema),
#                             plus: collector, mosquitto and postgres services, the collector's health check on /healthz
#                             and state volume, and every file it mounts exists
# A deliberately broken manifest must be refused, so the validator is known to judge.
# Tools in a throwaway venv from PyPI (DEPLOY_VENV=DIR reuses one while iterating).
# Prints "validate-deploy: PASS (N checks)" or "validate-deploy: FAIL: reason".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
kubernetes_validate_version=1.37.0
check_jsonschema_version=0.39.0
fail() { echo "validate-deploy: FAIL: $*" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
venv="${DEPLOY_VENV:-$work/venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$kubernetes_validate_version" \
    "check-jsonschema==$check_jsonschema_version" || fail "pip could not install kubernetes-validate and check-jsonschema"

"$venv/bin/kubernetes-validate" --strict deploy/kubernetes/*.yaml >"$work/k8s.log" 2>&1 || { cat "$work/k8s.log" >&2; fail "kubernetes-validate"; }
sed 's/livenessProbe:/livenesProbe:/' deploy/kubernetes/deployment.yaml >"$work/broken.yaml"
if "$venv/bin/kubernetes-validate" --strict "$work/broken.yaml" >/dev/null 2>&1; then
    fail "kubernetes-validate accepted a Deployment with a misspelt field: it is not judging"
fi
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose.yaml >"$work/compose.log" 2>&1 || {
    cat "$work/compose.log" >&2; fail "deploy/compose.yaml against the Compose Specification"; }
printf 'services:\n  collector:\n    image: x\n    helthcheck: {}\n' >"$work/broken-compose.yaml"
if "$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec "$work/broken-compose.yaml" >/dev/null 2>&1; then
    fail "check-jsonschema accepted a misspelt service key: it is not judging"
fi

"$venv/bin/python" - <<'PY' || fail "the deployment files' structure (above)"
import glob, json, os, sys, yaml

checks = 0
def check(condition, message):
    global checks
    if not condition:
        print(f"validate-deploy: {message}", file=sys.stderr)
        sys.exit(1)
    checks += 1

documents = [d for f in sorted(glob.glob("deploy/kubernetes/*.yaml")) for d in yaml.safe_load_all(open(f)) if d]
kinds = {}
for d in documents:
    kinds.setdefault(d["kind"], []).append(d)
workloads = kinds.get("Deployment", []) + kinds.get("StatefulSet", [])
check(len(workloads) == 1, f"one Deployment or StatefulSet, got {len(workloads)}")
pod = workloads[0]["spec"]["template"]["spec"]
container = pod["containers"][0]
security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
check(security.get("runAsNonRoot") is True and security.get("runAsUser", 0) != 0, "the collector must run as a non-root user")
for probe in ("livenessProbe", "readinessProbe"):
    check(container.get(probe, {}).get("httpGet", {}).get("path") == "/healthz", f"{probe} must be an HTTP GET of /healthz")
mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
volumes = {v["name"]: v for v in pod["volumes"]}
state = [n for n, p in mounts.items() if p == "/var/lib/edge-collector"]
check(state and "persistentVolumeClaim" in volumes[state[0]], "/var/lib/edge-collector must be a PersistentVolumeClaim")
claim = volumes[state[0]]["persistentVolumeClaim"]["claimName"]
check(any(p["metadata"]["name"] == claim for p in kinds.get("PersistentVolumeClaim", [])), f"no PersistentVolumeClaim {claim}")
check(any("configMap" in v for v in volumes.values()), "the configuration must come from a ConfigMap")
check(any("secret" in v for v in volumes.values()), "tokens and certificates must come from a Secret")
config_maps = kinds.get("ConfigMap", [])
check(config_maps and "collector.json" in config_maps[0]["data"], "a ConfigMap with collector.json")
configuration = json.loads(config_maps[0]["data"]["collector.json"])
check(configuration["http"]["host"] == "0.0.0.0", "the collector must listen on every interface in a pod")
secret = kinds.get("Secret", [{}])[0]
keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
for key in ("tokens.json", "broker-ca.pem", "collector.crt", "collector.key"):
    check(key in keys, f"the Secret must hold {key}")
for path in (configuration["http"].get("tokenFile"), configuration["broker"].get("caFile"), configuration["broker"].get("keyFile")):
    check(path and os.path.dirname(path) in mounts.values(), f"{path} is not in a mounted Secret")
services = kinds.get("Service", [])
check(services and services[0]["spec"]["ports"][0]["targetPort"] in ("http", 8080), "a Service on the HTTP port")

compose = yaml.safe_load(open("deploy/compose.yaml"))
check({"collector", "mosquitto", "postgres"} <= set(compose["services"]), "compose: collector, mosquitto and postgres")
collector = compose["services"]["collector"]
check("/healthz" in " ".join(collector["healthcheck"]["test"]), "compose: the collector's health check on /healthz")
check(any(v.endswith(":/var/lib/edge-collector") for v in collector["volumes"]), "compose: a volume on /var/lib/edge-collector")
check(compose["services"]["mosquitto"]["image"].startswith("eclipse-mosquitto"), "compose: eclipse-mosquitto")
for service in compose["services"].values():
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("./"):
            check(os.path.exists(os.path.join("deploy", source)), f"compose mounts {source}, which does not exist")
for secret in compose.get("secrets", {}).values():
    check(os.path.exists(os.path.join("deploy", secret["file"])), f"compose secret {secret['file']} does not exist")
json.load(open("deploy/compose/collector.json"))
print(f"validate-deploy: {checks} structural checks")
PY
echo "validate-deploy: kubernetes-validate $kubernetes_validate_version: $(grep -c passed "$work/k8s.log") resources pass --strict; a misspelt field is refused"
echo "validate-deploy: deploy/compose.yaml matches the Compose Specification (check-jsonschema $check_jsonschema_version); a misspelt key is refused"
echo "validate-deploy: PASS"
