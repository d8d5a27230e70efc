#!/usr/bin/env python3
"""Writes the golden fixtures the Swift tests compare against, from PyTorch/MONAI with fixed seeds.

Each module in scripts/dev/golden/ defines `generate(out_dir: pathlib.Path)` and writes small .npy/.pt files under
Tests/VistaCoreTests/Golden/<module name>/. Run from the repository root:

    python3 -m venv .venv-ref && .venv-ref/bin/pip install torch monai einops nibabel scikit-image
    .venv-ref/bin/python scripts/dev/make_golden.py            # all
    .venv-ref/bin/python scripts/dev/make_golden.py conv ops   # some

CI never runs this: the fixtures are committed.
"""
import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "Tests" / "VistaCoreTests" / "Golden"


def main(names):
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    available = sorted(p.stem for p in (pathlib.Path(__file__).parent / "golden").glob("*.py") if p.stem != "__init__")
    for name in names or available:
        if name not in available:
            sys.exit(f"make_golden: no generator golden/{name}.py (have: {', '.join(available)})")
        out = GOLDEN / name
        out.mkdir(parents=True, exist_ok=True)
        importlib.import_module(f"golden.{name}").generate(out)
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        print(f"{name}: {size / 1024:.0f} KiB in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
