# Sourced by the bench scripts: the Python venv of the PyTorch peers (bench/.venv), made once.
# The CPU wheel by path: a plain `pip install torch` would fetch the CUDA build.
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c "import torch, safetensors" 2>/dev/null; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q /opt/wheels/torch-*+cpu-*.whl numpy safetensors
fi
