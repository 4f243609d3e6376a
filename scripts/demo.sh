#!/usr/bin/env bash
# The main job, end to end on one machine: builds the project, proves the runtime byte-exact on the
# fixture models, runs a real photo through MobileNetV2, and benchmarks it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
bin="$(swift build -c release --show-bin-path)"
fixtures=Tests/Fixtures/conformance

echo
echo "== 1. Conformance: every fixture model, byte for byte against TFLite's reference kernels"
"$bin/edgectl" conformance "$fixtures"

echo
echo "== 2. The model: MobileNetV2 (TF2 post-training int8, uint8 I/O)"
"$bin/edgectl" inspect "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" | grep -E "^(inputs|outputs|  \[|MACs|weights|arena|kernel)"

echo
echo "== 3. A photo of Grace Hopper (class 653 is 'military uniform')"
"$bin/edgectl" run "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" --input "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/case-2.in-0.bin" --top 3

echo
echo "== 4. Speed and memory"
"$bin/edgectl" bench "$fixtures/tf2_mobilenet_v2_1.0_224_ptq/model.tflite" --iterations 20
