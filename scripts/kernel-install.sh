#!/usr/bin/env bash
# Registers the project's own tslab (node_modules/.bin/tslab, no global install) as the Jupyter
# kernel "tslab" in a project-local kernel folder, and builds build/notebook-lib (the module the
# notebooks import kernel-lib through). Nothing is written outside the project.
# Then: export JUPYTER_PATH="$PWD/.jupyter"  (see docs/notebooks.md)
# Usage: scripts/kernel-install.sh [--portable]
#   --portable  kernel argv "npx --no-install tslab ..." instead of an absolute path (works from any
#               clone location; ~0.5 s slower kernel start).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
test -x "$root/node_modules/.bin/tslab" || { echo "kernel-install: $root/node_modules/.bin/tslab missing: run npm ci first" >&2; exit 1; }
if [ "${1:-}" = "--portable" ]; then
  argv='["npx", "--no-install", "tslab", "kernel", "--config-path", "{connection_file}"]'
else
  argv="[\"$root/node_modules/.bin/tslab\", \"kernel\", \"--config-path\", \"{connection_file}\"]"
fi
dir="$root/.jupyter/kernels/tslab"
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
node "$root/bin/lab.js" notebooks build-lib >/dev/null
echo "kernel-install: wrote $dir/kernel.json and built build/notebook-lib"
echo "kernel-install: now run   export JUPYTER_PATH=\"$root/.jupyter\"   before jupyter lab / jupyter notebook"
