"""Predicting with a saved package in a new interpreter, as another machine or a later job would."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def predict_in_fresh_process(package: Path, data: pd.DataFrame | np.ndarray, scratch: Path) -> Any:
    """What the package at ``package`` predicts for ``data``, loaded by a fresh Python process (as JSON)."""
    if isinstance(data, pd.DataFrame):
        path, read = scratch / "data.parquet", "pd.read_parquet"
        data.to_parquet(path)
    else:
        path, read = scratch / "data.npy", "np.load"
        np.save(path, data)
    script = textwrap.dedent(
        f"""
        import json, numpy as np, pandas as pd
        from pathlib import Path
        from tether.models.package import load_package
        model = load_package(Path({str(package)!r}))
        print(json.dumps(np.asarray(model.predict({read}({str(path)!r}))).tolist()))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)
