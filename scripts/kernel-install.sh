#!/usr/bin/env bash
# Registers the project's own tslab (node_modules/.bin/tslab, no global install) as the Jupyter
# kernel "tslab" in a project-local kernel folder, and builds build/notebook-lib (the module the
# notebooks import kernel-lib through). Nothing is written outside the project.
# Then: export JUPYTER_PATH="$PWD/.jupyter"  (see docs/notebooks.md); headless with Debian nbclient:
#   JUPYTER_PATH=DIR /usr/bin/python3 tools/notebooks/run_nbclient.py OUT_DIR notebooks/*.ipynb
# Usage: scripts/kernel-install.sh [--portable] [--prefix DIR] [--no-build]
#   --portable    kernel argv "npx --no-install tslab ..." instead of an absolute path (works from any
#                 clone location; ~0.5 s slower kernel start).
#   --prefix DIR  Jupyter data dir to write into (default <project>/.jupyter): DIR/kernels/tslab/kernel.json
#   --no-build    skip building build/notebook-lib (`lab notebooks run` builds it when needed)
set -euo pipefail
caller="$PWD"
cd "$(dirname "$0")/.."
root="$PWD"
portable=0
build=1
prefix="$root/.jupyter"
while [ $# -gt 0 ]; do
  case "$1" in
    --portable) portable=1; shift ;;
    --no-build) build=0; shift ;;
    --prefix) prefix="${2:?kernel-install: --prefix needs a folder}"; shift 2 ;;
    *) echo "kernel-install: unknown option '$1' (usage: [--portable] [--prefix DIR] [--no-build])" >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) prefix="$caller/$prefix" ;; esac
test -x "$root/node_modules/.bin/tslab" || { echo "kernel-install: $root/node_modules/.bin/tslab missing: run npm ci first" >&2; exit 1; }
if [ "$portable" = 1 ]; then
  argv='["npx", "--no-install", "tslab", "kernel", "--config-path", "{connection_file}"]'
else
  argv="[\"$root/node_modules/.bin/tslab\", \"kernel\", \"--config-path\", \"{connection_file}\"]"
fi
dir="$prefix/kernels/tslab"
mkdir -p "$dir"
tmp="$dir/kernel.json.$$.tmp"
cat > "$tmp" <<JSON
{
  "argv": $argv,
  "display_name": "TypeScript (tslab, Pruning Lab)",
  "language": "typescript"
}
JSON
mv "$tmp" "$dir/kernel.json"
echo "kernel-install: wrote $dir/kernel.json"
if [ "$build" = 1 ]; then
  node "$root/bin/lab.js" notebooks build-lib >/dev/null
  echo "kernel-install: built build/notebook-lib (notebooks import kernel-lib from '../build/notebook-lib')"
fi
echo "kernel-install: now run   export JUPYTER_PATH=\"$prefix\"   before jupyter lab / jupyter notebook"
