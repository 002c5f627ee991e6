#!/usr/bin/env bash
# W1-W5 on a CUDA device, for every backend whose framework sees the GPU.
#
#   bash bench/gpu.sh [--install] [--rounds N] [--out DIR]
#
# --install   installs the CUDA builds first: jax[cuda12], torch (PyPI's default wheel is the CUDA
#             build), tensorflow[and-cuda], and the dlx packages by path (never from the index:
#             another project owns the name "dlx"). PIP_FIND_LINKS / PIP_INDEX_URL are honoured, so
#             a machine without internet can install from a wheelhouse.
# Without --install the current environment is used as it is.
#
# Each framework is asked whether it sees a GPU; a backend without one is left out and said so.
# Results go to DIR (default bench/results/gpu/): nvidia-smi's description of the device, one
# file per workload (fit_predict W1/W2 + predict, lstm W4, transformer W3, resnet50 W5), and
# run.log. The raw torch code runs on cuda:0 when torch sees it (fit_predict.torch_device), as dlx's
# torch backend does; jax and tf place work on the GPU by default. OpenVINO runs on its CPU plugin
# and is not part of this script.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=3
OUT=bench/results/gpu
INSTALL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) echo "bench/gpu.sh: unknown argument '$1' (expected --install, --rounds N or --out DIR)" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "bench/gpu.sh: no CUDA device here (nvidia-smi finds none); nothing to run" >&2
  exit 3
fi
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUT/device.csv"
cat "$OUT/device.csv"

if [ "$INSTALL" = 1 ]; then
  python -m pip install -q "jax[cuda12]" torch "tensorflow[and-cuda]" keras \
    -e ./core -e ./plugins/dlx-jax -e ./plugins/dlx-torch -e ./plugins/dlx-tf
fi

BACKENDS=()
python -c "import jax, sys; sys.exit(0 if any(d.platform == 'gpu' for d in jax.devices()) else 1)" 2>/dev/null \
  && BACKENDS+=(jax) || echo "jax: no GPU visible (install jax[cuda12]); left out" | tee -a "$OUT/run.log"
python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null \
  && BACKENDS+=(torch) || echo "torch: no GPU visible (install a CUDA build of torch); left out" | tee -a "$OUT/run.log"
python -c "import tensorflow as tf, sys; sys.exit(0 if tf.config.list_physical_devices('GPU') else 1)" 2>/dev/null \
  && BACKENDS+=(tf) || echo "tf: no GPU visible (install tensorflow[and-cuda]); left out" | tee -a "$OUT/run.log"
if [ ${#BACKENDS[@]} -eq 0 ]; then
  echo "bench/gpu.sh: no framework sees the GPU" >&2
  exit 3
fi
echo "backends on the GPU: ${BACKENDS[*]}" | tee -a "$OUT/run.log"

run() {  # name, command...
  local name="$1"; shift
  echo "== $name: $*" | tee -a "$OUT/run.log"
  "$@" 2>&1 | tee -a "$OUT/run.log"
}
# a GPU machine is not the 2-core CI box: no CPU pinning beyond what the OS gives, no quiet wait
run w1-w2-predict python bench/fit_predict.py --backends "${BACKENDS[@]}" --suites w1 w2 predict \
  --rounds "$ROUNDS" --quiet-wait 0 --out "$OUT"
run w3-transformer python bench/transformer.py --backends "${BACKENDS[@]}" --rounds "$ROUNDS" --quiet-wait 0 --out "$OUT"
run w4-lstm python bench/lstm.py --backends "${BACKENDS[@]}" --rounds "$ROUNDS" --out "$OUT"
run w5-resnet50 python bench/resnet50.py --backends "${BACKENDS[@]}" --rounds "$ROUNDS" --quiet-wait 0 --out "$OUT"
echo "results in $OUT" | tee -a "$OUT/run.log"
