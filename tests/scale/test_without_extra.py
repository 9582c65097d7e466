"""Without the 'scale' extra (dramatiq, pika, redis, prometheus-client missing), the default
mode works as before and the scaling-out commands say what to install, in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BLOCK = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'dramatiq', 'pika', 'redis', 'prometheus_client'}:
            raise ImportError(f'No module named {name!r}', name=name)
        return None
sys.meta_path.insert(0, Blocker())
from marsad.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _marsad(home: Path, *args: str, broker: str = "") -> subprocess.CompletedProcess[str]:
    env = {"MARSAD_HOME": str(home), "PATH": "/usr/bin:/bin", "MARSAD_BROKER_URL": broker}
    return subprocess.run(
        [sys.executable, "-c", BLOCK, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_default_mode_and_a_clear_line_without_the_extra(tmp_path: Path) -> None:
    status = _marsad(tmp_path, "status")
    assert status.returncode == 0, status.stderr
    assert "task queues: none" in status.stdout
    assert _marsad(tmp_path, "sources", "list").returncode == 0
    broker = "amqp://guest:guest@127.0.0.1:5672/"
    for argv in (["worker"], ["scheduler"], ["tasks", "list"], ["status"]):
        run = _marsad(tmp_path, *argv, broker=broker)
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 2, (argv, run.stderr)
        assert lines[-1].startswith("marsad: error: ") and "marsad[scale]" in lines[-1], lines
        assert "Traceback" not in run.stderr
