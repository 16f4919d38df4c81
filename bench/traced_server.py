"""The API under tracemalloc, for ``bench.soak --trace`` (never for production).

    python -m bench.traced_server <folder> --host 127.0.0.1 --port 8000

Runs the same uvicorn factory as ``make run`` with tracemalloc started before the
app is imported. Each SIGUSR1 collects garbage, then writes the next snapshot to
``<folder>/snapshot-<n>.pickle`` (and ``snapshot-<n>.done`` once it is complete), so
the soak can diff what the heap holds between two points well after warm-up.
"""

from __future__ import annotations

import argparse
import gc
import signal
import tracemalloc
from pathlib import Path
from types import FrameType


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--frames", type=int, default=8, help="traceback depth kept")
    args = parser.parse_args()
    tracemalloc.start(args.frames)
    taken = 0

    def snapshot(signum: int, frame: FrameType | None) -> None:
        nonlocal taken
        gc.collect()
        path = args.folder / f"snapshot-{taken}.pickle"
        tracemalloc.take_snapshot().dump(str(path))
        path.with_suffix(".done").touch()
        taken += 1

    signal.signal(signal.SIGUSR1, snapshot)
    import uvicorn  # after tracemalloc.start, so that start-up allocations are traced too

    uvicorn.run(
        "api.app:create_app", factory=True, host=args.host, port=args.port, access_log=False
    )


if __name__ == "__main__":
    main()
