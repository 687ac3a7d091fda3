#!/usr/bin/env bash
# Fit time and generation throughput of the GAN samplers on a CUDA GPU
# (issue #26): benchmarks/performance.py's fit and generation sections with
# device="cuda", into benchmarks/results_performance_gpu/. Run from anywhere
# in a checkout with the package and its dependencies installed; extra
# arguments go to performance.py (e.g. --samplers BAGANSampler, --dry-run).
# A rerun skips the finished measurements.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
"$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else "no CUDA GPU visible to torch")'
PYTHONPATH=benchmarks exec "$PYTHON" benchmarks/performance.py \
    --device cuda \
    --sections fit,generation \
    --output-dir benchmarks/results_performance_gpu \
    "$@"
