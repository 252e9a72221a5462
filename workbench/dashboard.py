"""Serve a Voilà dashboard on localhost (看板服务): ``workbench dashboard [NAME]``.

The dashboards are notebooks in ``notebooks/`` rendered by Voilà, which starts one kernel per
visitor, so several panel members can work at once.  The warehouse path reaches the kernels
through the environment (:data:`widgets.data.WAREHOUSE_ENV`); the notebooks open it read-only.
Verdicts go to the lifecycle store beside it (SQLite, WAL), which takes concurrent writers.

Only ``127.0.0.1`` is bound: the data stays on the analyst's machine (信息安全).  A panel in
another room reaches it through whatever the association's internal network allows (an SSH
tunnel, a reverse proxy) — not through this command.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .config import Campaign
from .errors import WorkbenchError
from .lifecycle import default_store_path
from .warehouse import PROJECT_ROOT

log = logging.getLogger(__name__)

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"

#: Dashboards: name → (Chinese title, what it is for).
DASHBOARDS = {
    "seminar": ("研判会", "expert review session: queue, evidence, ring, entity 360°, verdicts"),
    "campaign_progress": ("专项行动进度", "submissions, deadlines, dispatch, feedback, referrals"),
    "risk_trends": ("风险特征与趋势", "fraud characteristics and trends, rule effectiveness"),
}

#: Environment variables the dashboard notebooks read in their parameters cell.
WAREHOUSE_ENV = "WORKBENCH_WAREHOUSE"
STORE_ENV = "WORKBENCH_LIFECYCLE"
TIMEOUT_ENV = "WORKBENCH_QUERY_TIMEOUT"
CONFIG_ENV = "WORKBENCH_CONFIG"

HOST = "127.0.0.1"


@dataclass
class DashboardServer:
    """What :func:`voila_command` needs: which notebook, where, on which data."""

    name: str
    notebook: Path
    port: int
    warehouse: Path
    store: Path
    config: Path
    query_timeout: float = 20.0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def notebook_of(name: str) -> Path:
    if name not in DASHBOARDS:
        raise WorkbenchError(
            f"没有名为 {name!r} 的看板，可选 {', '.join(DASHBOARDS)} / no dashboard {name!r}; "
            f"choose one of {', '.join(DASHBOARDS)}"
        )
    path = NOTEBOOK_DIR / f"{name}.ipynb"
    if not path.exists():
        raise WorkbenchError(f"看板笔记本不存在 / dashboard notebook missing: {path}")
    return path


def plan(
    name: str,
    campaign: Campaign,
    *,
    warehouse: Path | None = None,
    store: Path | None = None,
    port: int | None = None,
    query_timeout: float = 20.0,
) -> DashboardServer:
    """Check the inputs and decide the port; nothing is started yet."""
    wh = Path(warehouse or campaign.warehouse).resolve()
    if not wh.exists():
        raise WorkbenchError(
            f"数据仓库不存在：{wh}。请先运行 make demo 或 workbench ingest 与 workbench screen，"
            f"或用 --warehouse 指定 / warehouse not found: {wh}; run `make demo` (or ingest and screen) "
            f"first, or pass --warehouse"
        )
    if query_timeout <= 0:
        raise WorkbenchError("--query-timeout 必须大于 0 / --query-timeout must be positive")
    return DashboardServer(
        name=name,
        notebook=notebook_of(name),
        port=port or free_port(),
        warehouse=wh,
        store=Path(store).resolve() if store else default_store_path(wh),
        config=Path(campaign.source).resolve(),
        query_timeout=query_timeout,
    )


def voila_command(server: DashboardServer) -> list[str]:
    """The Voilà command line: localhost only, no browser, no source cells, no tracebacks."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(server.notebook),
        "--no-browser",
        f"--port={server.port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        # a panel member may keep the page open for hours between clicks
        "--VoilaConfiguration.http_keep_alive_timeout=30",
        # when several visitors arrive at once the kernels start slowly; the default 4 s wait for a
        # cell's output would drop the dashboard itself from the page
        "--VoilaExecutor.iopub_timeout=120",
    ]


def voila_env(server: DashboardServer, base: dict | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.update(
        {
            WAREHOUSE_ENV: str(server.warehouse),
            STORE_ENV: str(server.store),
            TIMEOUT_ENV: str(server.query_timeout),
            CONFIG_ENV: str(server.config),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def wait_until_listening(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Block until something accepts connections on ``port``; fail if Voilà exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise WorkbenchError(
                f"Voilà 启动失败（退出码 {proc.returncode}）/ Voilà exited with {proc.returncode}; "
                "see the messages above"
            )
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise WorkbenchError(
        f"Voilà 在 {timeout:.0f} 秒内未启动 / Voilà did not start within {timeout:.0f}s"
    )


def serve(server: DashboardServer, *, out=sys.stdout) -> int:
    """Start Voilà, print the URL, and keep running until Ctrl-C (or until Voilà stops)."""
    from .lifecycle import LifecycleStore

    # create the verdict store (tables, WAL mode) once, before many kernels open it at the same time
    LifecycleStore(server.store).close()
    cmd = voila_command(server)
    log.debug("starting %s", " ".join(cmd))
    proc = subprocess.Popen(cmd, env=voila_env(server), cwd=str(server.notebook.parent))
    try:
        wait_until_listening(server.port, proc)
        zh, en = DASHBOARDS[server.name]
        print(f"看板 dashboard {server.name} ({zh} · {en})", file=out)
        print(f"数据仓库 warehouse (只读 read-only): {server.warehouse}", file=out)
        print(f"研判结论 verdict store: {server.store}", file=out)
        print(f"请在浏览器打开 open in a browser: {server.url}", file=out)
        print("按 Ctrl-C 停止 / press Ctrl-C to stop", file=out, flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        print("\n正在停止看板 / stopping the dashboard …", file=out, flush=True)
        return 0
    finally:
        # a second Ctrl-C while Voilà shuts down must not leave it running without us
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            stop(proc)
        finally:
            signal.signal(signal.SIGINT, previous)


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Ask Voilà to shut down (its kernels with it); kill it if it does not.

    SIGTERM, not SIGINT: Voilà stops its loop and shuts its kernels down on SIGTERM, while a
    SIGINT can leave it asking on a terminal whether to shut down."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
