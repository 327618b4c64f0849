"""Load: concurrent users entering values and opening dashboards against ``chiso serve``.

Builds a throw-away demo database (``chiso demo``) with one data-entry account per user, each
capturing its own commune of Bình Phước (so nobody overwrites anyone) and viewing its
district; starts ``chiso serve`` on 127.0.0.1 (local profile: the server users get from
``make run``); then every virtual user logs in through the login form and, until the time is
up, repeats: open the entry form of its commune, save two cells the way the browser does
(htmx POST to ``/entry/cell/`` with the CSRF token and the version each cell was loaded at),
open its commune's dashboard, and every third round its district's dashboard. Each user waits
``--think`` seconds (± 50 %) between requests, like a person.

First a baseline in the same run (``--baseline-users``, default 1, for
``--baseline-seconds``), then the load (``--users``, default 50, for ``--seconds``, default
300). Prints, per phase and per kind of request: count, throughput, p50/p95/p99 latency and
errors (any answer other than the expected status, or no answer), and the ratios of the load
to the baseline. Never asserts a timing; exits 1 if there was any error.

    .venv/bin/python bench/load.py                   # 50 users, 5 minutes
    .venv/bin/python bench/load.py --seconds 60 --users 20 --think 0.2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import _free_port, log, ms, percentiles

try:
    import requests
except ImportError:  # pragma: no cover - requests comes with the dev dependencies
    raise SystemExit("bench/load.py needs requests (make test installs it into .venv)") from None

PASSWORD = "tai-thu-chiso-2025"
PERIOD = "202306"
YEAR = "2023"
GROUP = "LAO_DONG_VIEC_LAM"
PROVINCE = "70"  # Bình Phước before 1 July 2025
SETUP = """
import json, sys
from chiso.cli.setup import django_setup
django_setup()
from datetime import date
from chiso.accounts.models import Role, User
from chiso.accounts.services import user_create
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on

count, password, province = int(sys.argv[1]), sys.argv[2], sys.argv[3]
day = date(2023, 12, 31)
root = OrgUnit.objects.get(orgunit_valid_on(day), code=province)
communes = list(
    OrgUnit.objects.filter(orgunit_valid_on(day), tier=Tier.COMMUNE, path__startswith=root.path)
    .select_related("parent").order_by("path")[:count]
)
assert len(communes) == count, f"only {len(communes)} communes under {province}"
users = []
for n, commune in enumerate(communes, start=1):
    name = f"tai_{n:02d}"
    if not User.objects.filter(username=name).exists():
        user_create(username=name, password=password, full_name=f"Người dùng tải {n}",
                    roles=[Role.DATA_ENTRY], capture_units=[commune], view_units=[commune.parent])
    users.append({"username": name, "commune": commune.code, "district": commune.parent.code})
print(json.dumps(users))
"""
HX_VALS = re.compile(r"hx-vals='([^']*)'")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    kind: str
    start: float
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class VirtualUser:
    def __init__(self, base: str, account: dict, recorder: Recorder, think: float, seed: int):
        self.base = base
        self.account = account
        self.recorder = recorder
        self.think = think
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.round = 0

    def pause(self) -> None:
        if self.think > 0:
            time.sleep(self.think * self.random.uniform(0.5, 1.5))

    def call(self, kind: str, method: str, path: str, expect: int, **kwargs):
        start = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base + path, timeout=60, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            self.recorder.add(
                Sample(kind, start, time.perf_counter() - start, False, type(error).__name__)
            )
            return None
        seconds = time.perf_counter() - start
        ok = response.status_code == expect
        detail = "" if ok else f"HTTP {response.status_code}"
        self.recorder.add(Sample(kind, start, seconds, ok, detail))
        return response if ok else None

    def login(self) -> bool:
        page = self.call("login form", "GET", "/login/", 200)
        if page is None:
            return False
        token = CSRF_INPUT.search(page.text)
        data = {
            "username": self.account["username"],
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        return self.call("login", "POST", "/login/", 302, data=data) is not None

    def enter_values(self) -> None:
        commune = self.account["commune"]
        form = self.call(
            "entry form", "GET", f"/entry/?ou={commune}&pe={PERIOD}&group={GROUP}", 200
        )
        if form is None:
            return
        cells = [json.loads(unescape(raw)) for raw in HX_VALS.findall(form.text)]
        cells = [c for c in cells if {"i", "c", "ver"} <= set(c)]
        if not cells:
            self.recorder.add(Sample("entry form", time.perf_counter(), 0, False, "no cells"))
            return
        headers = {
            "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
            "HX-Request": "true",
            "Referer": self.base + "/entry/",
        }
        for cell in self.random.sample(cells, min(2, len(cells))):
            self.pause()
            self.call(
                "save cell",
                "POST",
                "/entry/cell/",
                200,
                headers=headers,
                data={
                    "ou": commune,
                    "pe": PERIOD,
                    "i": cell["i"],
                    "c": cell["c"],
                    "ver": cell["ver"],
                    "value": str(self.random.randint(0, 5000)),
                },
            )

    def dashboards(self) -> None:
        self.pause()
        self.call(
            "dashboard (commune)", "GET", f"/dashboard/?ou={self.account['commune']}&pe={YEAR}", 200
        )
        if self.round % 3 == 0:
            self.pause()
            self.call(
                "dashboard (district)",
                "GET",
                f"/dashboard/?ou={self.account['district']}&pe={YEAR}",
                200,
            )

    def run(self, until: float) -> None:
        self.pause()
        if not self.login():
            return
        while time.perf_counter() < until:
            self.round += 1
            self.pause()
            self.enter_values()
            if time.perf_counter() >= until:
                break
            self.dashboards()


def run_phase(base: str, accounts: list[dict], seconds: float, think: float) -> Recorder:
    recorder = Recorder()
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=VirtualUser(base, account, recorder, think, seed=n).run,
            args=(until,),
            daemon=True,
        )
        for n, account in enumerate(accounts)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    recorder.elapsed = time.perf_counter() - started
    return recorder


def summarise(name: str, recorder: Recorder) -> dict:
    samples = recorder.samples
    elapsed = recorder.elapsed
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    print(f"\n== {name}: {len(samples)} requests in {elapsed:.0f} s")
    print(f"{'request':<22}{'count':>8}{'req/s':>9}{'p50':>12}{'p95':>12}{'p99':>12}{'errors':>8}")
    rows = {}
    for kind in [*sorted(by_kind), "all"]:
        group = samples if kind == "all" else by_kind[kind]
        timed = [s.seconds for s in group if s.ok] or [0.0]
        p50, p95 = percentiles(timed)
        p99 = sorted(timed)[min(len(timed) - 1, max(0, round(0.99 * len(timed)) - 1))]
        errors = sum(1 for s in group if not s.ok)
        rows[kind] = {
            "count": len(group),
            "rate": len(group) / elapsed,
            "p50": p50,
            "p95": p95,
            "p99": p99,
            "errors": errors,
        }
        print(
            f"{kind:<22}{len(group):>8}{len(group) / elapsed:>9.1f}{ms(p50):>12}{ms(p95):>12}"
            f"{ms(p99):>12}{errors:>8}"
        )
    failures = defaultdict(int)
    for sample in samples:
        if not sample.ok:
            failures[(sample.kind, sample.detail)] += 1
    for (kind, detail), count in sorted(failures.items()):
        print(f"   error: {kind}: {detail} × {count}")
    return rows


def _wait_until_up(base: str, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"chiso serve exited with {server.returncode}")
        try:
            if requests.get(base + "/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("chiso serve did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--baseline-users", type=int, default=1)
    parser.add_argument("--baseline-seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--threads", type=int, default=8, help="chiso serve --threads")
    parser.add_argument("--home", type=Path, help="CHISO_HOME to use (default: a temp dir)")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="chiso-load."))
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CHISO_ENV": "local", "CHISO_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    chiso = str(Path(sys.executable).with_name("chiso"))
    log(f"demo database in {home} …")
    subprocess.run([chiso, "demo"], env=env, check=True, cwd=home, stderr=subprocess.DEVNULL)
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP,
            str(max(args.users, args.baseline_users)),
            PASSWORD,
            PROVINCE,
        ],
        env=env,
        cwd=home,
        check=True,
        capture_output=True,
        text=True,
    )
    accounts = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (home / "serve.log").open("w")
    server = subprocess.Popen(
        [
            chiso,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
        ],
        env=env,
        cwd=home,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(base, server)
        log(f"chiso serve on {base} ({args.threads} threads); warming up …")
        run_phase(base, accounts[:1], 5, 0)
        log(f"baseline: {args.baseline_users} user(s), {args.baseline_seconds:.0f} s …")
        baseline = summarise(
            f"baseline, {args.baseline_users} user(s), think {args.think} s",
            run_phase(base, accounts[: args.baseline_users], args.baseline_seconds, args.think),
        )
        log(f"load: {args.users} users, {args.seconds:.0f} s …")
        load = summarise(
            f"load, {args.users} users, think {args.think} s",
            run_phase(base, accounts[: args.users], args.seconds, args.think),
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    base_all, load_all = baseline["all"], load["all"]
    print(
        f"\nratios load/baseline: throughput ×{load_all['rate'] / max(base_all['rate'], 1e-9):.1f}"
        f", p50 ×{load_all['p50'] / max(base_all['p50'], 1e-9):.1f}"
        f", p95 ×{load_all['p95'] / max(base_all['p95'], 1e-9):.1f}"
    )
    errors = base_all["errors"] + load_all["errors"]
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
