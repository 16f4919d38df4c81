"""Load with wrk: a Lua script rotates (viewer, circle) request bodies and counts
non-200 answers and answers carrying GraphQL ``errors``."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import feed
from bench.servers import Server, cpu_seconds, pg_seconds_between, rss_mib

LUA = r"""
local pairs_ = {
%(pairs)s
}
local requests = {}
local counter = 0
non200 = 0
gql_errors = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for i, p in ipairs(pairs_) do
    requests[i] = wrk.format("POST", "%(path)s",
      {["Content-Type"] = "application/json", ["Authorization"] = p[1]}, p[2])
  end
end

function request()
  counter = counter + 1
  return requests[(counter %% #requests) + 1]
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
  if string.find(body, '"errors"', 1, true) then gql_errors = gql_errors + 1 end
end

function done(summary, latency, requests_)
  local bad, gql = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
    gql = gql + t:get("gql_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "non200": %%d, "gql_errors": %%d, "socket_errors": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, bad, gql,
    e.connect + e.read + e.write + e.timeout))
end
"""


def write_script(
    path: Path, pairs: list[tuple[str, str]] | None = None, url_path: str = "/graphql"
) -> Path:
    """wrk's script: rotates ``pairs`` of (Authorization, body) (default: the feed's)
    over POSTs to ``url_path``."""
    chosen = feed.rotation() if pairs is None else pairs
    rows = ",\n".join(f"  {{[==[{auth}]==], [==[{body}]==]}}" for auth, body in chosen)
    path.write_text(LUA % {"pairs": rows, "path": url_path})
    return path


@dataclass
class Run:
    server: str
    round: int
    operation: str
    req_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int
    server_cpu_ms_per_req: float
    pg_cpu_ms_per_req: float
    rss_mib: float
    calib_ms: float
    busy_pct: float
    steal_pct: float


def cpu_times() -> list[int]:
    """The machine's /proc/stat 'cpu' line: user nice system idle iowait irq softirq steal."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def calibrate() -> float:
    """The host's current speed: best of 3 sum(range(10**6)), in ms (perf-anchors' probe)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def wrk(server: Server, script: Path, seconds: int, connections: int) -> dict[str, int]:
    url = server.url.removesuffix("/graphql")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["--latency", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCHJSON "))
    result: dict[str, int] = json.loads(line.removeprefix("BENCHJSON "))
    return result


def measure(
    server: Server,
    script: Path,
    round_: int,
    *,
    warmup: int,
    seconds: int,
    connections: int,
    operation: str = "feed",
) -> Run:
    wrk(server, script, warmup, connections)
    time.sleep(1)  # let the server finish the warm-up's last requests before measuring
    calib = calibrate()
    cpu_before, pg_before = cpu_seconds(server.process.pid)
    machine_before = cpu_times()
    result = wrk(server, script, seconds, connections)
    machine = [b - a for a, b in zip(machine_before, cpu_times(), strict=True)]
    cpu_after, pg_after = cpu_seconds(server.process.pid)
    total = sum(machine) or 1
    n = max(result["requests"], 1)
    return Run(
        server=server.name,
        round=round_,
        operation=operation,
        req_s=round(result["requests"] / (result["duration_us"] / 1e6), 1),
        p50_ms=result["p50_us"] / 1000,
        p90_ms=result["p90_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        max_ms=result["max_us"] / 1000,
        requests=result["requests"],
        errors=result["non200"] + result["gql_errors"] + result["socket_errors"],
        server_cpu_ms_per_req=round((cpu_after - cpu_before) * 1000 / n, 2),
        pg_cpu_ms_per_req=round(pg_seconds_between(pg_before, pg_after) * 1000 / n, 2),
        rss_mib=round(rss_mib(server.process.pid), 1),
        calib_ms=calib,
        busy_pct=round(100 * (total - machine[3] - machine[4]) / total, 1),
        steal_pct=round(100 * machine[7] / total, 1),
    )


def describe(run: Run) -> str:
    return (
        f"{run.operation}: {run.req_s:.1f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, "
        f"errors {run.errors}, server CPU {run.server_cpu_ms_per_req:.2f} ms/req, "
        f"PG CPU {run.pg_cpu_ms_per_req:.2f} ms/req, RSS {run.rss_mib:.0f} MiB, "
        f"calib {run.calib_ms} ms"
    )


def as_dict(run: Run) -> dict[str, object]:
    return asdict(run)
