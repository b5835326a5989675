#!/usr/bin/env bash
# Debian packages the test suite uses as independent references and real clients (never as the
# product's engine): PyTorch with OpenBLAS (numerical references), nbclient / nbconvert / the Jupyter
# server (notebooks run by real Jupyter clients), Chromium (rendered notebooks in a real browser), PIL,
# GNU time (peak memory of the real-size tier). Installs only what is missing; needs root and Debian's
# apt. Tests that need a missing one skip with the reason, so a failure here is reported, not fatal.
set -u
pkgs=()
have_py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
have_py torch || pkgs+=(python3-torch libopenblas0-openmp)
have_py numpy || pkgs+=(python3-numpy)
have_py nbclient || pkgs+=(python3-nbclient)
have_py nbconvert || pkgs+=(python3-nbconvert)
have_py PIL || pkgs+=(python3-pil)
command -v jupyter-notebook >/dev/null 2>&1 || pkgs+=(jupyter-notebook)
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
[ -x /usr/bin/time ] || pkgs+=(time)
if [ ${#pkgs[@]} -eq 0 ]; then echo "system deps: all present"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system deps: missing ${pkgs[*]} (not root or no apt-get): the tests that need them will skip"; exit 0
fi
echo "system deps: installing ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; }; then
  echo "system deps: apt-get failed: the tests that need ${pkgs[*]} will skip"
fi
exit 0
