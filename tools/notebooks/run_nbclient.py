#!/usr/bin/python3
"""Execute notebooks with Debian's nbclient and the kernel `npm run kernel:install` registers.

Usage: JUPYTER_PATH=<prefix> /usr/bin/python3 tools/notebooks/run_nbclient.py OUT_DIR NB.ipynb...
Each notebook runs in its own kernel (kernel name "tslab", cwd = the notebook's folder) and its
executed copy is written to OUT_DIR, also when a cell fails. tslab reports a failing cell only as
stderr text plus execute_reply status "error" (no ename/evalue), so a failure is reported with the
cell's stderr. Exit code: 0 all ran, 1 a cell failed, 2 a timeout or a dead kernel.
Last line: "nbclient: N passed, M failed".
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def stderr_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


def main(argv):
    out_dir, files = argv[0], argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    timeout = int(os.environ.get("LAB_CELL_TIMEOUT", "900"))
    passed = failed = 0
    code = 0
    for f in files:
        nb = nbformat.read(f, as_version=4)
        client = NotebookClient(nb, kernel_name="tslab", timeout=timeout, resources={"metadata": {"path": os.path.dirname(os.path.abspath(f))}})
        try:
            client.execute()
            print(f"{f}: ok", flush=True)
            passed += 1
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
            failed += 1
            code = max(code, 1 if isinstance(e, CellExecutionError) else 2)
            bad = [c for c in nb.cells if c.cell_type == "code" and stderr_of(c)]
            detail = stderr_of(bad[-1]) if bad else ""
            print(f"{f}: FAILED ({type(e).__name__})\n{detail or e}", flush=True)
        finally:
            nbformat.write(nb, os.path.join(out_dir, os.path.basename(f)))
    print(f"nbclient: {passed} passed, {failed} failed")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
