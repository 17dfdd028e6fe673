#!/usr/bin/env python3
"""Benchmark runner for rds-inventory. Started by bench/run.sh, which builds the
binaries, snapshots them and sets a safe environment; run that, not this.

Every scenario starts its own fake-aws process (127.0.0.1 only) with the scenario's latency,
runs each contender several times against it, and keeps the median. Wall time is measured
here (monotonic clock around spawn..exit); peak RSS and CPU time come from `/usr/bin/time -v`
(or os.wait4's rusage of that one child when /usr/bin/time is missing); call counts come from
the fake's `/_fake/counters`, reset before every run.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
CLK_TCK = os.sysconf("SC_CLK_TCK")
REGIONS16 = [
    "us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-northeast-1", "ap-southeast-2",
    "us-east-2", "eu-west-2", "ap-south-1", "ca-central-1", "sa-east-1", "eu-north-1",
    "ap-southeast-1", "ap-northeast-2", "us-west-1", "eu-west-3",
]
# The 17 regions an account has enabled by default.
REGIONS17 = REGIONS16 + ["ap-northeast-3"]
MIB = 1024 * 1024
# urllib must never use a proxy: the fake is on 127.0.0.1 and nothing else may be contacted.
URL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env():
    """The environment of every child: no AWS settings or proxies from the caller, static base
    keys, no config files, no instance metadata."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith("AWS_") and "PROXY" not in k.upper()
    }
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/nonexistent/rds-bench/config",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/rds-bench/credentials",
        AWS_ACCESS_KEY_ID="AKIDBASE",
        AWS_SECRET_ACCESS_KEY="x",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    for k in ("RDS_INVENTORY_CONFIG", "RDS_INVENTORY_FORMAT", "RDS_INVENTORY_CONCURRENCY",
              "RDS_INVENTORY_MAX_ATTEMPTS", "RDS_INVENTORY_TIMEOUT"):
        env.pop(k, None)
    return env


ENV = child_env()


# ---------------------------------------------------------------------------------------------
# The fake endpoint


class Fake:
    """One fake-aws process; stopped (by its own pid) when the scenario ends."""

    def __init__(self, binary, workdir, accounts, regions, instances, latency_ms, seed=1,
                 extra=()):
        self.args = dict(accounts=accounts, regions=len(regions), instances=instances,
                         latency_ms=latency_ms, extra=list(extra))
        cmd = [binary, "--accounts", str(accounts), "--regions", ",".join(regions),
               "--instances", str(instances), "--latency-ms", str(latency_ms),
               "--seed", str(seed), *extra]
        self.command = " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd))
        self.log = open(os.path.join(workdir, "fake-aws.log"), "ab")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, env=ENV)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline().decode() if ready else ""
        match = re.match(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"fake-aws did not start: {line!r}")
        self.url = match.group(1)

    def _request(self, method, path):
        request = urllib.request.Request(self.url + path, method=method)
        with URL_OPENER.open(request, timeout=30) as answer:
            return answer.read()

    def counters(self):
        return json.loads(self._request("GET", "/_fake/counters"))

    def reset(self):
        self._request("POST", "/_fake/reset-counters")

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def compact(counters):
    """What the report needs from the fake's counters (the full per-target map is big)."""
    pages = [n for regions in counters["describe_calls"].values() for n in regions.values()]
    per_account = list(counters["assume_role_calls"].values())
    # Every RDS call a target needed (all per-target maps the fake keeps), for the chain; the
    # attribute calls apart, as they could run side by side after their listing page.
    per_target, attributes = {}, {}
    # The per-target maps by operation: the named maps, and kind_calls {op: {account: {region}}}
    # (the registry's kinds; an account-wide kind's calls count under the region they went to).
    by_op = {PER_TARGET_MAPS.get(key, key): value for key, value in counters.items()
             if key.endswith("_calls") and key not in NOT_PER_TARGET and key != "kind_calls"
             and isinstance(value, dict)}
    by_op.update(counters.get("kind_calls", {}))
    op_targets = {}
    for op, value in by_op.items():
        into = attributes if "Attributes" in op or "attributes" in op else per_target
        counts = []
        for account, regions in value.items():
            if isinstance(regions, dict):
                for region, n in regions.items():
                    if isinstance(n, int):
                        into[(account, region)] = into.get((account, region), 0) + n
                        counts.append(n)
        # Calls per target of this operation (targets that had one at least).
        op_targets[op] = dict(targets=len(counts), min=min(counts, default=0),
                              max=max(counts, default=0), total=sum(counts))
    # Calls per account of the account-wide operations (DescribeGlobalClusters): how many
    # accounts, the fewest and most calls of one account, and the regions they went to.
    op_accounts = {}
    for op in ACCOUNT_WIDE_OPS:
        by_account = {a: sum(r.values()) for a, r in counters.get("kind_calls", {}).get(
            op, {}).items()}
        regions = {}
        for r in counters.get("kind_calls", {}).get(op, {}).values():
            for region, n in r.items():
                regions[region] = regions.get(region, 0) + n
        op_accounts[op] = dict(accounts=len(by_account),
                               min=min(by_account.values(), default=0),
                               max=max(by_account.values(), default=0), regions=regions)
    side_by_side = {t: n + (1 if attributes.get(t) else 0) for t, n in per_target.items()}
    for t, n in attributes.items():
        per_target[t] = per_target.get(t, 0) + n
    listings = list(counters.get("price_list_listings", {}).values())
    clusters = [n for regions in counters.get("describe_clusters_calls", {}).values()
                for n in regions.values()]
    return {
        "calls": counters["calls"],
        "total_calls": sum(counters["calls"].values()),
        "max_target_calls": max(per_target.values(), default=0),
        "max_target_calls_side_by_side": max(side_by_side.values(), default=0),
        # Price List: listings per price key (first pages) and the most pages of one key.
        "price_keys": len(listings),
        "price_listings_min": min(listings, default=0),
        "price_listings_max": max(listings, default=0),
        "max_price_key_calls": max(counters.get("price_list_calls", {}).values(), default=0),
        "engine_version_calls": counters["calls"].get("DescribeDBMajorEngineVersions", 0),
        "cluster_targets": len(clusters),
        "max_cluster_pages": max(clusters, default=0),
        "peak_in_flight": counters["peak_in_flight"],
        "targets_described": len(pages),
        "max_pages": max(pages, default=0),
        "assume_role_accounts": len(per_account),
        "assume_role_min": min(per_account, default=0),
        "assume_role_max": max(per_account, default=0),
        "faults": counters["faults"],
        "op_targets": op_targets,
        "op_accounts": op_accounts,
    }


# Maps named *_calls that are not per (account, region): a subset of other calls (throttled),
# or keyed by region and engine (major engine versions).
NOT_PER_TARGET = {"assume_role_calls", "throttled_calls", "major_engine_versions_calls"}
# The fake's per-target maps, by the operation they count.
PER_TARGET_MAPS = {
    "describe_calls": "DescribeDBInstances",
    "describe_clusters_calls": "DescribeDBClusters",
    "describe_snapshots_calls": "DescribeDBSnapshots",
    "describe_cluster_snapshots_calls": "DescribeDBClusterSnapshots",
    "snapshot_attributes_calls": "DescribeDBSnapshotAttributes",
    "cluster_snapshot_attributes_calls": "DescribeDBClusterSnapshotAttributes",
    "pending_maintenance_calls": "DescribePendingMaintenanceActions",
}
# Operations the fake answers for the whole account (the tool should call them once per
# account, from one region).
ACCOUNT_WIDE_OPS = ["DescribeGlobalClusters"]
# The nine kinds of `--kind all` (issue 25), each with the operations that list it.
KIND_OPS = [
    ("instances", ["DescribeDBInstances"]),
    ("clusters", ["DescribeDBClusters"]),
    ("snapshots", ["DescribeDBSnapshots", "DescribeDBSnapshotAttributes"]),
    ("cluster-snapshots", ["DescribeDBClusterSnapshots", "DescribeDBClusterSnapshotAttributes"]),
    ("automated-backups", ["DescribeDBInstanceAutomatedBackups"]),
    ("cluster-automated-backups", ["DescribeDBClusterAutomatedBackups"]),
    ("proxies", ["DescribeDBProxies"]),
    ("blue-green-deployments", ["DescribeBlueGreenDeployments"]),
    ("global-clusters", ["DescribeGlobalClusters"]),
]


def symbol_count(path):
    """Entries in the ELF symbol table (.symtab) of `path`; 0 for a stripped binary, which
    keeps only the dynamic symbols and so names none of our or the SDK's functions."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise RuntimeError(f"{path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    count = 0
    for i in range(shnum):
        _, sh_type, _, _, _, size, _, _, _, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + i * shentsize)
        if sh_type == 2 and entsize:  # SHT_SYMTAB
            count += size // entsize
    return count


# Fewer symbols than this is a stripped binary (ours has tens of thousands).
MIN_PROFILE_SYMBOLS = 1000


def check_profile_tool(path):
    """Refuses to profile a binary callgrind cannot name functions in: every SDK part of the
    breakdown would read 0 and "everything else" 100 %."""
    n = symbol_count(path)
    if n < MIN_PROFILE_SYMBOLS:
        raise SystemExit(
            f"bench: refusing to profile {path}: it has no symbol table ({n} symbols; it was "
            f"stripped), so callgrind cannot attribute instructions to functions. Build a "
            f"symbolized copy:\n  CARGO_PROFILE_RELEASE_STRIP=false "
            f"CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release "
            f"--bin rds-inventory --target-dir target/profiling\nand pass --profile-tool "
            f"target/profiling/release/rds-inventory (bench/run.sh does this itself).")
    return n


def one_assume_role_each(counters, accounts):
    return (counters["assume_role_accounts"] == accounts and counters["assume_role_min"] == 1
            and counters["assume_role_max"] == 1)


def lower_bound(counters, latency_ms, concurrency):
    """max(longest target chain, total calls x latency / concurrency), from the fake's counts."""
    latency = latency_ms / 1000
    assume = counters["calls"].get("AssumeRole", 0)
    describe = counters["calls"].get("DescribeDBInstances", 0)
    chain = (1 + counters["max_pages"]) * latency
    fan = (assume + describe) * latency / concurrency
    return {"bound_s": max(chain, fan), "chain_s": chain, "fanout_s": fan,
            "assume_role": assume, "describe": describe, "max_pages": counters["max_pages"]}


def lower_bound_all(counters, latency_ms, concurrency):
    """Like lower_bound, counting every call the fake answered (AssumeRole, DescribeDBInstances
    pages, DescribeDBClusters pages, snapshot attribute calls, GetProducts, anything else) and,
    for the chain, a target's AssumeRole followed by all of that target's RDS calls one after
    another (snapshot attribute calls included), then one DescribeDBMajorEngineVersions and
    the pages of one price listing when the run made any."""
    latency = latency_ms / 1000
    total = counters["total_calls"]
    after = (1 if counters.get("engine_version_calls") else 0) + counters.get(
        "max_price_key_calls", 0)
    chain = (1 + counters["max_target_calls"] + after) * latency
    fan = total * latency / concurrency
    return {"bound_s": max(chain, fan), "chain_s": chain, "fanout_s": fan, "total": total,
            "calls": dict(counters["calls"]), "max_target_calls": counters["max_target_calls"],
            # The chain if a target's attribute calls ran side by side after its listing.
            "chain_side_by_side_s": (1 + counters.get("max_target_calls_side_by_side", 0)
                                     + after) * latency}


# ---------------------------------------------------------------------------------------------
# Running one contender once


def busy_cpu_seconds():
    """CPU seconds all processes on the machine have spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def find_child(pid):
    """The process /usr/bin/time started (its only child), or pid itself without the wrapper."""
    if not TIME_BIN:
        return pid
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = f.read().split()
        return int(children[0]) if children else None
    except OSError:
        return None


def count_fds(pid):
    """(open fds, of which sockets) of one process; None when it is gone."""
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    sockets = 0
    for name in names:
        try:
            if os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                sockets += 1
        except OSError:
            pass
    return len(names), sockets


class FdSampler(threading.Thread):
    """Samples the fd and socket count of the measured process every `interval` seconds."""

    def __init__(self, wrapper_pid, interval=0.05):
        super().__init__(daemon=True)
        self.wrapper_pid, self.interval = wrapper_pid, interval
        self.samples = []
        self.stopped = threading.Event()

    def run(self):
        pid = None
        while not self.stopped.is_set():
            pid = pid or find_child(self.wrapper_pid)
            if pid:
                counted = count_fds(pid)
                if counted:
                    self.samples.append(counted)
            self.stopped.wait(self.interval)


def parse_time_v(text):
    def grab(label, cast=float):
        match = re.search(re.escape(label) + r":\s*([\d.]+)", text)
        return cast(match.group(1)) if match else None

    return {
        "max_rss_kib": grab("Maximum resident set size (kbytes)", int),
        "user_s": grab("User time (seconds)"),
        "sys_s": grab("System time (seconds)"),
    }


def run_once(cmd, workdir, *, fake=None, timeout=3600, sample_fds=False, first_byte_only=False):
    """Runs cmd with stdout to /dev/null (or, for first_byte_only, until its first byte on
    stdout, then stops it) and returns wall time, peak RSS, CPU, stderr and fake counters."""
    if fake:
        fake.reset()
        fake_cpu0 = fake.cpu_seconds()
    err_path = os.path.join(workdir, "stderr.txt")
    time_path = os.path.join(workdir, "time.txt")
    wrapped = [TIME_BIN, "-v", "-o", time_path] + cmd if TIME_BIN and not first_byte_only else cmd
    busy0 = busy_cpu_seconds()
    with open(err_path, "wb") as err, open(os.devnull, "wb") as null:
        started = time.monotonic()
        proc = subprocess.Popen(
            wrapped, stdout=subprocess.PIPE if first_byte_only else null, stderr=err, env=ENV)
        sampler = None
        if sample_fds:
            sampler = FdSampler(proc.pid)
            sampler.start()
        result = {}
        if first_byte_only:
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            first = proc.stdout.read(1) if ready else b""
            result["first_byte_s"] = time.monotonic() - started if first else None
            proc.send_signal(signal.SIGTERM)
            proc.stdout.close()
            proc.wait()
            wall = None
            usage = None
        else:
            usage = None
            if TIME_BIN:
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    raise RuntimeError(f"timed out after {timeout} s: {' '.join(cmd)}")
            else:
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - started
        if sampler:
            sampler.stopped.set()
            sampler.join()
    with open(err_path, "rb") as f:
        stderr = f.read().decode(errors="replace")
    result.update(wall_s=wall, exit=proc.returncode, stderr=stderr[-2000:])
    if not first_byte_only:
        if TIME_BIN:
            with open(time_path) as f:
                result.update(parse_time_v(f.read()))
        else:
            result.update(max_rss_kib=usage.ru_maxrss, user_s=usage.ru_utime, sys_s=usage.ru_stime)
        if proc.returncode != 0:
            raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd)}\n{stderr[-2000:]}")
    # "N targets: ... ; 123 instances[, 45 clusters]; 7 AssumeRole calls; ..." (one count per
    # kind since the resource kinds; before them only "123 instances").
    summary = re.search(r"; ((?:\d+ [a-z-]+(?:, )?)+); (\d+) AssumeRole calls", stderr)
    if summary:
        per_kind = {kind: int(n) for n, kind in re.findall(r"(\d+) ([a-z-]+)", summary.group(1))}
        result["rows_by_kind"] = per_kind
        result["rows"] = per_kind.get("instances", sum(per_kind.values()))
        result["own_assume_role_count"] = int(summary.group(2))
    if sampler:
        result["peak_fds"] = max((s[0] for s in sampler.samples), default=None)
        result["peak_sockets"] = max((s[1] for s in sampler.samples), default=None)
        result["fd_samples"] = len(sampler.samples)
    if fake:
        result["fake_cpu_s"] = fake.cpu_seconds() - fake_cpu0
        result["counters"] = compact(fake.counters())
    if result.get("user_s") is not None:
        # Busy CPU of everything else on the machine during the run: the noise indicator.
        ours = result["user_s"] + (result.get("sys_s") or 0) + result.get("fake_cpu_s", 0)
        result["other_cpu_s"] = max(0.0, busy_cpu_seconds() - busy0 - ours)
    return result


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


# ---------------------------------------------------------------------------------------------
# Contenders


class Bench:
    def __init__(self, args):
        self.args = args
        self.tool = args.tool or os.path.join(args.bin_dir, "rds-inventory")
        # The profiles need a binary with symbols; main() checks it before any scenario runs.
        self.profile_tool = args.profile_tool or self.tool
        self.fake_bin = os.path.join(args.bin_dir, "fake-aws")
        self.floor_bin = os.path.join(args.bin_dir, "sdk_call_floor")
        self.python = args.python
        self.workdir = tempfile.mkdtemp(prefix="rds-bench-run.")
        self.results = {}
        self.md = []

    def accounts_file(self, accounts, regions):
        path = os.path.join(self.workdir, f"accounts-{accounts}x{len(regions)}.toml")
        with open(path, "w") as f:
            f.write("regions = [" + ", ".join(f'"{r}"' for r in regions) + "]\n")
            for i in range(accounts):
                f.write(f'\n[[accounts]]\nid = "{100000000000 + i:012d}"\nname = "acct-{i}"\n')
        return path

    def tool_cmd(self, accounts_file, fake, fmt="ndjson", concurrency=None):
        cmd = [self.tool, "-c", accounts_file, "--endpoint-url", fake.url, "--no-progress",
               "-f", fmt]
        if concurrency:
            cmd += ["--concurrency", str(concurrency)]
        return cmd

    def py_cmd(self, script, accounts_file, fake, *extra):
        return [self.python, os.path.join(HERE, "baseline", script), accounts_file, fake.url,
                *extra]

    def repeat(self, label, cmd, runs, fake, **kw):
        out = []
        for i in range(runs):
            r = run_once(cmd, self.workdir, fake=fake, **kw)
            log(f"  {label} run {i + 1}/{runs}: "
                + (f"wall {r['wall_s']:.3f} s, rss {r['max_rss_kib'] / 1024:.1f} MiB"
                   if r.get("wall_s") is not None else f"first byte {r.get('first_byte_s')}")
                + (f", rows {r['rows']}" if "rows" in r else ""))
            out.append(r)
        return out

    def emit(self, text=""):
        self.md.append(text)

    # -- scenarios ------------------------------------------------------------------------------

    def s1_fanout(self):
        q = self.args.quick
        accounts, regions, lat, conc = (20, 8, 50, 64) if q else (100, 8, 50, 64)
        # The goal's size, and a light one where CPU cannot be what limits the run.
        sizes = (100, 10) if q else (250, 25)
        regs = REGIONS16[:regions]
        acc = self.accounts_file(accounts, regs)
        cols = []
        for inst in sizes:
            fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, lat)
            try:
                cmd = self.tool_cmd(acc, fake, concurrency=conc)
                runs = self.repeat(f"rds-inventory ~{inst}/target", cmd, self.args.runs, fake)
            finally:
                fake.stop()
            wall = median_of(runs, "wall_s")
            bound = lower_bound(runs[0]["counters"], lat, conc)
            tcpu = median_of([cpu(r) for r in runs], "cpu_s")
            fcpu = median_of(runs, "fake_cpu_s")
            cols.append(dict(
                instances=inst, runs=runs, wall_s=wall, bound=bound,
                efficiency=bound["bound_s"] / wall,
                one_assume_role_per_account=all(
                    one_assume_role_each(r["counters"], accounts) for r in runs),
                tool_cpu_s=tcpu, fake_cpu_s=fcpu, cpu_floor_s=(tcpu + fcpu) / os.cpu_count(),
                rows=runs[0].get("rows"), fake=fake.command))
        self.results["s1_fanout"] = dict(accounts=accounts, regions=regions, latency_ms=lat,
                                         concurrency=conc, sizes=cols)
        self.emit(f"## 1. Fan-out efficiency ({accounts} accounts x {regions} regions, {lat} ms/call, "
                  f"--concurrency {conc})")
        self.emit()
        self.emit("| metric | " + " | ".join(f"~{c['instances']} instances/target"
                                             + (" (the goal's)" if i == 0 else " (light)")
                                             for i, c in enumerate(cols)) + " |")
        self.emit("| --- | " + " | ".join("---" for _ in cols) + " |")

        def row(label, f):
            self.emit(f"| {label} | " + " | ".join(f(c) for c in cols) + " |")

        row("rows listed", lambda c: str(c["rows"]))
        row("calls (fake counters)", lambda c: f"{c['bound']['assume_role']} AssumeRole + "
            f"{c['bound']['describe']} DescribeDBInstances")
        row("longest chain (1 AssumeRole + biggest target's pages) x latency",
            lambda c: f"(1 + {c['bound']['max_pages']}) x {lat} ms = {c['bound']['chain_s']:.3f} s")
        row("calls x latency / concurrency", lambda c: f"{c['bound']['fanout_s']:.3f} s")
        row("**lower bound**", lambda c: f"**{c['bound']['bound_s']:.3f} s**")
        row("wall, median (runs)", lambda c: fmt_runs(c["runs"], "wall_s"))
        row("**bound / wall** (goal >= 0.90)",
            lambda c: f"**{c['efficiency']:.2f}** {'met' if c['efficiency'] >= 0.9 else 'NOT met'}")
        row("tool CPU user+sys, median", lambda c: f"{c['tool_cpu_s']:.2f} s")
        row("the SDK alone: CPU per DescribeDBInstances call, one reused client "
            "(bench/sdk_call_floor.rs)",
            lambda c: f"{c['floor_us_per_call']:.0f} us" if c["floor_us_per_call"] else "")
        row("fake CPU, median", lambda c: f"{c['fake_cpu_s']:.2f} s")
        row(f"CPU floor: (tool + fake CPU) / {os.cpu_count()} cores",
            lambda c: f"{c['cpu_floor_s']:.2f} s")
        row("other processes' CPU during a run, median (noise)",
            lambda c: f"{median_of(c['runs'], 'other_cpu_s'):.2f} s")
        row("peak requests in flight at the fake",
            lambda c: ", ".join(str(r["counters"]["peak_in_flight"]) for r in c["runs"]))
        row("peak RSS, median", lambda c: f"{median_of(c['runs'], 'max_rss_kib') / 1024:.1f} MiB")
        row("exactly one AssumeRole per account (every run)",
            lambda c: "yes" if c["one_assume_role_per_account"] else "NO")
        self.emit()

    def s2_side_by_side(self):
        q = self.args.quick
        accounts, regions, inst, lat = (3, 4, 100, 50) if q else (10, 8, 250, 50)
        conc = 32
        regs = REGIONS16[:regions]
        fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, lat)
        contenders = {}
        try:
            acc = self.accounts_file(accounts, regs)
            contenders["rds-inventory"] = self.repeat(
                "rds-inventory", self.tool_cmd(acc, fake, concurrency=conc), self.args.runs, fake)
            contenders["threaded boto3"] = self.repeat(
                "threaded boto3", self.py_cmd("threaded.py", acc, fake, str(conc)),
                self.args.runs, fake)
            contenders["seed pattern"] = self.repeat(
                "seed pattern", self.py_cmd("seed_pattern.py", acc, fake), self.args.seed_runs,
                fake)
            # Time to first row (scenario 5) on the same endpoint.
            ttfr = {
                "rds-inventory": self.repeat(
                    "rds-inventory ttfr", self.tool_cmd(acc, fake, concurrency=conc),
                    self.args.ttfr_runs, fake, first_byte_only=True),
                "threaded boto3": self.repeat(
                    "threaded ttfr", [self.python, "-u"] + self.py_cmd("threaded.py", acc, fake,
                                                                      str(conc))[1:],
                    self.args.ttfr_runs, fake, first_byte_only=True),
                "seed pattern": self.repeat(
                    "seed ttfr", [self.python, "-u"] + self.py_cmd("seed_pattern.py", acc,
                                                                  fake)[1:],
                    self.args.ttfr_runs, fake, first_byte_only=True),
            }
        finally:
            fake.stop()
        bound = lower_bound(contenders["rds-inventory"][0]["counters"], lat, conc)
        seed_wall = median_of(contenders["seed pattern"], "wall_s")
        rows = {name: sorted({r.get("rows") for r in runs}) for name, runs in contenders.items()}
        self.results["s2_side_by_side"] = dict(
            accounts=accounts, regions=regions, instances=inst, latency_ms=lat, concurrency=conc,
            contenders=contenders, bound=bound, rows=rows, fake=fake.command)
        self.emit(f"## 2. Side by side ({accounts} accounts x {regions} regions, ~{inst} "
                  f"instances/target, {lat} ms/call; parallel contenders at {conc} in flight)")
        self.emit()
        self.emit("| contender | wall, median (runs) | vs seed pattern | peak RSS, median | "
                  "CPU user+sys | AssumeRole calls (fake) | rows | other processes' CPU (noise) |")
        self.emit("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, runs in contenders.items():
            wall = median_of(runs, "wall_s")
            ars = sorted({r["counters"]["calls"].get("AssumeRole", 0) for r in runs})
            self.emit(
                f"| {name} | {fmt_runs(runs, 'wall_s')} | {seed_wall / wall:.1f}x | "
                f"{median_of(runs, 'max_rss_kib') / 1024:.1f} MiB | "
                f"{median_of([cpu(r) for r in runs], 'cpu_s'):.2f} s | "
                f"{'/'.join(map(str, ars))} | {'/'.join(map(str, rows[name]))} | "
                f"{median_of(runs, 'other_cpu_s'):.2f} s |")
        self.emit(f"| lower bound | {bound['bound_s']:.3f} s | {seed_wall / bound['bound_s']:.0f}x "
                  f"| | | {accounts} | | |")
        self.emit()
        self.emit(f"Lower bound: max(chain (1 + {bound['max_pages']}) x {lat} ms = "
                  f"{bound['chain_s']:.3f} s, ({bound['assume_role']} + {bound['describe']}) calls "
                  f"x {lat} ms / {conc} = {bound['fanout_s']:.3f} s). rds-inventory bound/wall = "
                  f"{bound['bound_s'] / median_of(contenders['rds-inventory'], 'wall_s'):.2f}.")
        self.emit(f"Seed pattern runs: {len(contenders['seed pattern'])}.")
        self.emit()
        # Scenario 5 goes in its own section.
        goal = (2 * lat + lat) / 1000
        self.results["s5_ttfr"] = dict(runs=ttfr, goal_s=goal)
        self.emit(f"## 5. Time to first row ({lat} ms/call, same endpoint as 2; spawn to first "
                  f"byte on stdout)")
        self.emit()
        self.emit("| contender | first byte, median (runs) | goal: AssumeRole + page + 50 ms = "
                  f"{goal * 1000:.0f} ms |")
        self.emit("| --- | --- | --- |")
        for name, runs in ttfr.items():
            m = median_of(runs, "first_byte_s")
            self.emit(f"| {name} | {fmt_runs(runs, 'first_byte_s', ms=True)} | "
                      + ("met" if name == "rds-inventory" and m <= goal else
                         "NOT met" if name == "rds-inventory" else "") + " |")
        self.emit()
        self.emit("Python contenders run with `-u` here (unbuffered), else their first row would "
                  "wait for an 8 KiB block buffer.")
        self.emit()

    def s3_memory(self):
        q = self.args.quick
        big, small = (200, 20) if q else (2000, 200)
        accounts, regions = 10, 10
        regs = REGIONS16[:regions]
        acc = self.accounts_file(accounts, regs)
        table = {}
        for inst in (small, big):
            fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, 0)
            try:
                for fmt in ("ndjson", "json", "csv"):
                    table[(fmt, inst)] = self.repeat(
                        f"rds-inventory {fmt} {inst}/target", self.tool_cmd(acc, fake, fmt),
                        self.args.runs, fake)
            finally:
                fake.stop()
        self.results["s3_memory"] = {f"{k[0]}@{k[1]}": v for k, v in table.items()}
        self.emit(f"## 3. Memory flat ({accounts} accounts x {regions} regions, 0 ms, default "
                  f"concurrency; ~{small} vs ~{big} instances/target; output to /dev/null)")
        self.emit()
        self.emit("| format | rows small | peak RSS small | rows big | peak RSS big | ratio "
                  "(goal <= 1.5) | big <= 64 MiB |")
        self.emit("| --- | --- | --- | --- | --- | --- | --- |")
        for fmt in ("ndjson", "json", "csv"):
            s, b = table[(fmt, small)], table[(fmt, big)]
            rs, rb = median_of(s, "max_rss_kib") / 1024, median_of(b, "max_rss_kib") / 1024
            self.emit(f"| {fmt} | {s[0].get('rows')} | {rs:.1f} MiB | {b[0].get('rows')} | "
                      f"{rb:.1f} MiB | {rb / rs:.2f} {'ok' if rb / rs <= 1.5 else 'FAIL'} | "
                      f"{'ok' if rb <= 64 else 'FAIL'} |")
        self.emit()
        # Scenario 4 (throughput) uses the same big runs.
        self.emit(f"## 4. CPU throughput (0 ms, the ~{big}/target runs of 3; fake and tool share "
                  f"the {os.cpu_count()} cores)")
        self.emit()
        self.emit("| format | rows | wall, median | rows/s (wall) | tool CPU user+sys | "
                  "rows per tool CPU-second | fake CPU | fake share of CPU | other processes' CPU "
                  "(noise) |")
        self.emit("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        through = {}
        for fmt in ("ndjson", "json", "csv"):
            b = table[(fmt, big)]
            rows = b[0].get("rows") or 0
            wall = median_of(b, "wall_s")
            tcpu = median_of([cpu(r) for r in b], "cpu_s")
            fcpu = median_of(b, "fake_cpu_s")
            through[fmt] = dict(rows=rows, wall_s=wall, tool_cpu_s=tcpu, fake_cpu_s=fcpu)
            self.emit(f"| {fmt} | {rows} | {wall:.2f} s | {rows / wall:,.0f} | {tcpu:.2f} s | "
                      f"{rows / tcpu:,.0f} | {fcpu:.2f} s | {fcpu / (fcpu + tcpu):.0%} | "
                      f"{median_of(b, 'other_cpu_s'):.2f} s |")
        self.results["s4_throughput"] = through
        self.emit()

    def s4_profile(self):
        """Callgrind of one smaller 0 ms run per format; cost split by inclusive function cost."""
        if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
            self.emit("## 4b. Profile: skipped (valgrind not installed)")
            return
        q = self.args.quick
        accounts, regions, inst = (2, 2, 200) if q else (4, 5, 1000)
        regs = REGIONS16[:regions]
        acc = self.accounts_file(accounts, regs)
        fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, 0)
        profiles = {}
        try:
            for fmt in ("ndjson", "csv"):
                out = os.path.join(self.workdir, f"callgrind.{fmt}.out")
                cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                       *self.tool_cmd(acc, fake, fmt)]
                cmd[cmd.index(self.tool)] = self.profile_tool
                log(f"  callgrind {fmt} ...")
                r = run_once(cmd, self.workdir, fake=fake)
                annotated = subprocess.run(
                    ["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                    capture_output=True, text=True, check=True).stdout
                keep = os.path.join(self.args.raw_dir, f"callgrind-{fmt}.txt")
                with open(keep, "w") as f:
                    # The function table only (the source annotation after it is large).
                    f.write("\n".join(annotated.split("\n-- Auto-annotated source")[0]
                                       .splitlines()[:400]) + "\n")
                profiles[fmt] = dict(split=split_profile(annotated), rows=r.get("rows"),
                                     fake_cpu_s=r["fake_cpu_s"])
        finally:
            fake.stop()
        self.results["s4_profile"] = profiles
        self.emit(f"### 4b. Where the tool's instructions go (callgrind, {accounts} accounts x "
                  f"{regions} regions x ~{inst}, 0 ms; inclusive Ir)")
        self.emit()
        cats = list(next(iter(profiles.values()))["split"].keys())
        self.emit("| part | " + " | ".join(profiles) + " |")
        self.emit("| --- | " + " | ".join("---" for _ in profiles) + " |")
        for cat in cats:
            cells = []
            for p in profiles.values():
                ir, share = p["split"][cat]
                cells.append("inlined into the fetch task (no line tables for our crate)"
                             if ir == 0 and "mapping" in cat else
                             f"{ir / 1e6:,.0f} M ({share:.1%})")
            self.emit(f"| {cat} | " + " | ".join(cells) + " |")
        self.emit(f"| rows | " + " | ".join(str(p["rows"]) for p in profiles.values()) + " |")
        self.emit()
        self.emit("Annotated profiles (generated, not kept in git): "
                  "`bench/results/raw/callgrind-ndjson.txt`, `bench/results/raw/callgrind-csv.txt`.")
        self.emit()

    def s6_scale(self):
        q = self.args.quick
        accounts, regions, inst, lat, conc = (200, 16, 5, 20, 64) if q else (2000, 16, 5, 20, 64)
        regs = REGIONS16[:regions]
        acc = self.accounts_file(accounts, regs)
        fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, lat)
        try:
            runs = self.repeat("rds-inventory scale", self.tool_cmd(acc, fake, concurrency=conc),
                               self.args.scale_runs, fake, sample_fds=True)
        finally:
            fake.stop()
        bound = lower_bound(runs[0]["counters"], lat, conc)
        ok_ar = all(one_assume_role_each(r["counters"], accounts) for r in runs)
        wall = median_of(runs, "wall_s")
        rss = median_of(runs, "max_rss_kib") / 1024
        self.results["s6_scale"] = dict(accounts=accounts, regions=regions, instances=inst,
                                        latency_ms=lat, concurrency=conc, runs=runs, bound=bound,
                                        one_assume_role_per_account=ok_ar)
        self.emit(f"## 6. Scale ({accounts} accounts x {regions} regions = {accounts * regions} "
                  f"targets, ~{inst} instances/target, {lat} ms/call, --concurrency {conc})")
        self.emit()
        self.emit("| metric | value |")
        self.emit("| --- | --- |")
        self.emit(f"| rows | {runs[0].get('rows')} |")
        self.emit(f"| wall, median (runs) | {fmt_runs(runs, 'wall_s')} |")
        self.emit(f"| lower bound / wall | {bound['bound_s']:.2f} s / {wall:.2f} s = "
                  f"{bound['bound_s'] / wall:.2f} |")
        self.emit(f"| peak RSS, median (goal <= 128 MiB) | {rss:.1f} MiB "
                  f"{'ok' if rss <= 128 else 'FAIL'} |")
        self.emit(f"| peak open fds / sockets (sampled every 50 ms) | "
                  f"{', '.join(str(r.get('peak_fds')) + '/' + str(r.get('peak_sockets')) for r in runs)} |")
        self.emit(f"| peak requests in flight at the fake | "
                  f"{', '.join(str(r['counters']['peak_in_flight']) for r in runs)} |")
        self.emit(f"| other processes' CPU during a run, median (noise) | "
                  f"{median_of(runs, 'other_cpu_s'):.2f} s |")
        self.emit(f"| AssumeRole calls (fake) | "
                  f"{', '.join(str(r['counters']['calls'].get('AssumeRole')) for r in runs)} "
                  f"(exactly one per account: {'yes' if ok_ar else 'NO'}) |")
        tcpu = median_of([cpu(r) for r in runs], 'cpu_s')
        self.emit(f"| tool CPU user+sys, median | {tcpu:.2f} s = {tcpu / (accounts * regions) * 1e6:.0f} "
                  f"us per target |")
        self.emit()

    def s8_org_scale(self):
        """Organization scale: many accounts x 17 regions, ~1 instance per target (1 in 7
        empty), at 0 ms (CPU per target) and 100 ms (latency-bound fan-out), --concurrency 256."""
        q = self.args.quick
        conc, inst = 256, 1
        cases = ([(200, 0), (1000, 0), (1000, 100)] if q else
                 [(2000, 0), (10000, 0), (10000, 100)])
        regs = REGIONS17
        cols = []
        for accounts, lat in cases:
            acc = self.accounts_file(accounts, regs)
            fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, lat)
            try:
                runs = self.repeat(f"rds-inventory {accounts} x {len(regs)} @ {lat} ms",
                                   self.tool_cmd(acc, fake, concurrency=conc),
                                   self.args.scale_runs, fake, sample_fds=True)
            finally:
                fake.stop()
            targets = accounts * len(regs)
            floor = None
            if not lat and os.path.exists(self.floor_bin):
                # The SDK alone, one reused client, as many calls as the run had targets.
                fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, lat)
                try:
                    floor = self.repeat(f"SDK alone, {targets:,} calls",
                                        [self.floor_bin, fake.url, str(targets), str(conc)],
                                        self.args.scale_runs, fake)
                finally:
                    fake.stop()
            tcpu = median_of([cpu(r) for r in runs], "cpu_s")
            cols.append(dict(
                accounts=accounts, latency_ms=lat, targets=targets, runs=runs,
                bound=lower_bound(runs[0]["counters"], lat, conc),
                wall_s=median_of(runs, "wall_s"), tool_cpu_s=tcpu,
                cpu_us_per_target=tcpu / targets * 1e6,
                floor_us_per_call=(median_of([cpu(r) for r in floor], "cpu_s") / targets * 1e6
                                   if floor else None),
                fake_cpu_s=median_of(runs, "fake_cpu_s"),
                rss_mib=median_of(runs, "max_rss_kib") / 1024,
                one_assume_role_per_account=all(
                    one_assume_role_each(r["counters"], accounts) for r in runs),
                rows=runs[0].get("rows")))
        self.results["s8_org_scale"] = dict(regions=len(regs), instances=inst, concurrency=conc,
                                            cases=cols)
        self.emit(f"## 8. Organization scale (accounts x {len(regs)} regions, ~{inst} instance "
                  f"per target, 1 target in 7 empty, --concurrency {conc})")
        self.emit()
        self.emit("| metric | " + " | ".join(
            f"{c['accounts']:,} x {len(regs)} = {c['targets']:,} targets, {c['latency_ms']} ms"
            for c in cols) + " |")
        self.emit("| --- | " + " | ".join("---" for _ in cols) + " |")

        def row(label, f):
            self.emit(f"| {label} | " + " | ".join(f(c) for c in cols) + " |")

        row("rows listed", lambda c: str(c["rows"]))
        row("wall, median (runs)", lambda c: fmt_runs(c["runs"], "wall_s"))
        row("lower bound (calls x latency / concurrency)",
            lambda c: f"{c['bound']['bound_s']:.2f} s" if c["latency_ms"] else "0 (0 ms)")
        row("wall / lower bound (goal <= 1.3 at 100 ms)",
            lambda c: (f"**{c['wall_s'] / c['bound']['bound_s']:.2f}** "
                       f"{'met' if c['wall_s'] <= 1.3 * c['bound']['bound_s'] else 'NOT met'}")
            if c["latency_ms"] else "n/a")
        row("tool CPU user+sys, median", lambda c: f"{c['tool_cpu_s']:.2f} s")
        row("**tool CPU per target** (goal <= 150 us)",
            lambda c: f"**{c['cpu_us_per_target']:.0f} us** "
                      f"{'met' if c['cpu_us_per_target'] <= 150 else 'NOT met'}")
        row("the SDK alone: CPU per DescribeDBInstances call, one reused client "
            "(bench/sdk_call_floor.rs)",
            lambda c: f"{c['floor_us_per_call']:.0f} us" if c["floor_us_per_call"] else "")
        row("fake CPU, median", lambda c: f"{c['fake_cpu_s']:.2f} s")
        row("**peak RSS**, median (goal <= 128 MiB at 10,000 accounts)",
            lambda c: f"**{c['rss_mib']:.1f} MiB**"
                      + (f" {'met' if c['rss_mib'] <= 128 else 'NOT met'}"
                         if c["accounts"] >= 10000 else ""))
        zero = [c for c in cols if not c["latency_ms"]]
        if len(zero) == 2 and zero[1]["accounts"] > zero[0]["accounts"]:
            small, big = zero
            per_account = ((big["rss_mib"] - small["rss_mib"]) * MIB
                           / (big["accounts"] - small["accounts"]) / 1024)
            self.results["s8_org_scale"]["rss_kib_per_account"] = per_account
            row("peak RSS per extra account (between the 0 ms cases)",
                lambda c: f"{per_account:.1f} KiB" if c is big else "")
        row(f"peak open sockets, runs (goal <= 2 x {conc})",
            lambda c: ", ".join(str(r.get("peak_sockets")) for r in c["runs"])
            + (" met" if all((r.get("peak_sockets") or 0) <= 2 * conc for r in c["runs"])
               else " NOT met"))
        row("peak requests in flight at the fake",
            lambda c: ", ".join(str(r["counters"]["peak_in_flight"]) for r in c["runs"]))
        row("AssumeRole calls (fake), exactly one per account",
            lambda c: f"{c['bound']['assume_role']:,} "
                      f"{'yes' if c['one_assume_role_per_account'] else 'NO'}")
        row("other processes' CPU during a run, median (noise)",
            lambda c: f"{median_of(c['runs'], 'other_cpu_s'):.2f} s")
        self.emit()
        self.emit("Wall times move with the other processes on this shared 2-core machine (the "
                  "noise row); tool CPU and RSS much less.")
        self.emit()

    # -- resource kinds (issue 18 item 7) -------------------------------------------------------

    def alternate(self, contenders, runs, fake, **kw):
        """Runs each (label, cmd) once per round, in turn, `runs` rounds: load that comes and
        goes hits every contender alike. Returns {label: [runs]}."""
        out = {label: [] for label, _ in contenders}
        for i in range(runs):
            for label, cmd in contenders:
                r = run_once(cmd, self.workdir, fake=fake, **kw)
                c = r.get("counters", {})
                log(f"  {label} round {i + 1}/{runs}: wall {r['wall_s']:.3f} s, rss "
                    f"{r['max_rss_kib'] / 1024:.1f} MiB, cpu {cpu(r)['cpu_s']:.2f} s, rows "
                    f"{r.get('rows_by_kind')}, calls {c.get('calls')}")
                out[label].append(r)
        return out

    def old_new(self):
        if not self.args.baseline_tool:
            raise SystemExit("bench: scenario 10 needs --baseline-tool PATH (the old binary)")
        name = self.args.baseline_name or os.path.basename(self.args.baseline_tool)
        return [(f"old ({name})", self.args.baseline_tool), ("new (this tree)", self.tool)]

    def emit_old_new(self, results, lat, conc, note_bound=True):
        self.emit("| binary | wall, median (runs) | CPU user+sys, median | peak RSS, median | "
                  "instances listed | calls at the fake (median run) | wall / bound |")
        self.emit("| --- | --- | --- | --- | --- | --- | --- |")
        for label, runs in results.items():
            c = runs[0]["counters"]
            bound = lower_bound_all(c, lat, conc) if lat else None
            wall = median_of(runs, "wall_s")
            self.emit(
                f"| {label} | {fmt_runs(runs, 'wall_s')} | "
                f"{median_of([cpu(r) for r in runs], 'cpu_s'):.2f} s | "
                f"{median_of(runs, 'max_rss_kib') / 1024:.1f} MiB | "
                f"{'/'.join(str(x) for x in sorted({r.get('rows') for r in runs}, key=str))} | "
                + ", ".join(f"{op} {n:,}" for op, n in sorted(c["calls"].items()) if n)
                + f" (total {c['total_calls']:,}) | "
                + (f"{wall / bound['bound_s']:.2f} (bound {bound['bound_s']:.2f} s)"
                   if bound else "n/a (0 ms)") + " |")
        (old_label, old), (new_label, new) = list(results.items())[:2]
        oc, nc = old[0]["counters"], new[0]["counters"]
        extra = nc["total_calls"] - oc["total_calls"]
        self.emit()
        self.emit(
            f"new / old: wall {median_of(new, 'wall_s') / median_of(old, 'wall_s'):.2f}x, CPU "
            f"{median_of([cpu(r) for r in new], 'cpu_s') / median_of([cpu(r) for r in old], 'cpu_s'):.2f}x, "
            f"peak RSS {median_of(new, 'max_rss_kib') / median_of(old, 'max_rss_kib'):.2f}x; "
            f"extra calls {extra:+,} ({extra / oc['total_calls'] * 100:+.1f} %"
            + "".join(f", {op} {nc['calls'].get(op, 0) - oc['calls'].get(op, 0):+,}"
                      for op in sorted(set(oc["calls"]) | set(nc["calls"]))
                      if nc["calls"].get(op, 0) != oc["calls"].get(op, 0)) + ")"
            + (f"; bound {lower_bound_all(oc, lat, conc)['bound_s']:.2f} -> "
               f"{lower_bound_all(nc, lat, conc)['bound_s']:.2f} s" if lat else "") + ".")
        self.emit()
        self.emit("Other processes' CPU during each run (noise), per binary: " + "; ".join(
            f"{l}: " + ", ".join(f"{r.get('other_cpu_s', 0):.1f}" for r in runs) + " s"
            for l, runs in results.items()) + ".")

    def s10_kinds_instances(self):
        """Instances only, old binary vs new, alternating on one fake each: scenario 2's
        workload, and organization scale (0 ms for CPU, 100 ms for wall)."""
        q = self.args.quick
        pair = self.old_new()
        out = {}
        # Scenario 2's workload.
        accounts, regions, inst, lat, conc = (3, 4, 100, 50, 32) if q else (10, 8, 250, 50, 32)
        regs = REGIONS16[:regions]
        fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, lat)
        try:
            acc = self.accounts_file(accounts, regs)
            res = self.alternate([(l, [t, *self.tool_cmd(acc, fake, concurrency=conc)[1:]])
                                  for l, t in pair], self.args.runs, fake)
        finally:
            fake.stop()
        out["s2"] = dict(results=res, fake=fake.command)
        self.emit(f"## 10a. Instances only, old vs new: scenario 2's workload ({accounts} accounts "
                  f"x {regions} regions, ~{inst} instances/target, {lat} ms/call, --concurrency "
                  f"{conc}; alternating runs, one fake)")
        self.emit()
        self.emit(f"fake: `{fake.command}`")
        self.emit()
        self.emit_old_new(res, lat, conc)
        self.emit()
        # Organization scale.
        conc, inst = 256, 1
        cases = [(200, 0), (1000, 100)] if q else [(2000, 0), (10000, 100)]
        for accounts, lat in cases:
            acc = self.accounts_file(accounts, REGIONS17)
            fake = Fake(self.fake_bin, self.workdir, accounts, REGIONS17, inst, lat)
            try:
                res = self.alternate([(l, [t, *self.tool_cmd(acc, fake, concurrency=conc)[1:]])
                                      for l, t in pair], self.args.scale_runs, fake)
            finally:
                fake.stop()
            out[f"org_{accounts}_{lat}"] = dict(results=res, fake=fake.command)
            self.emit(f"## 10b. Instances only, old vs new: organization scale ({accounts:,} "
                      f"accounts x 17 regions = {accounts * 17:,} targets, ~{inst} instance per "
                      f"target, {lat} ms/call, --concurrency {conc}; alternating runs)")
            self.emit()
            self.emit(f"fake: `{fake.command}`")
            self.emit()
            self.emit_old_new(res, lat, conc)
            self.emit()
            self.emit("AssumeRole exactly one per account, every run: " + ", ".join(
                f"{l}: {'yes' if all(one_assume_role_each(r['counters'], accounts) for r in runs) else 'NO'}"
                for l, runs in res.items()))
            self.emit()
        self.results["s10_kinds_instances"] = out

    # -- organization scale, one kind or join at a time (issues 18-20) --------------------------

    def org_sizes(self, option):
        """Account counts from a comma list option, else 200,1000 (--quick) or 2000,10000."""
        if option:
            return [int(x) for x in option.split(",")]
        return [200, 1000] if self.args.quick else [2000, 10000]

    def org_case(self, accounts, runs, lat, conc, variant="", **extra):
        """One column of an organization-scale table: the runs and what every table shows."""
        bound = lower_bound_all(runs[0]["counters"], lat, conc)
        wall = median_of(runs, "wall_s")
        label = f"{accounts:,} x 17 = {accounts * 17:,} targets{variant}"
        return dict(label=label, accounts=accounts, runs=runs, bound=bound, wall_s=wall,
                    ratio=wall / bound["bound_s"], rss_mib=median_of(runs, "max_rss_kib") / 1024,
                    one_ar=all(one_assume_role_each(r["counters"], accounts) for r in runs),
                    **extra)

    def org_section(self, key, heading, cols, rows, lat=100, conc=256):
        """Keeps the columns under results[key] and emits the heading and a metric-by-column
        table: the fake's command, then rows (label, f(column) -> cell); the common rows of
        ORG_ROWS (wall, bound, AssumeRole, RSS, CPU...) go where a label is None."""
        self.results[key] = dict(concurrency=conc, latency_ms=lat, cases=cols)
        self.emit(heading)
        self.emit()
        self.emit("| metric | " + " | ".join(c["label"] for c in cols) + " |")
        self.emit("| --- | " + " | ".join("---" for _ in cols) + " |")
        for row in [("fake", lambda c: f"`{c['fake']}`")] + rows:
            for label, f in ORG_ROWS if row[0] is None else [row]:
                self.emit(f"| {label} | " + " | ".join(f(c) for c in cols) + " |")
        self.emit()

    def s11_kinds_all(self):
        """--kind all (the nine kinds of issue 25) at organization scale: the fake with configured
        clusters (--clusters N) and the registry's kinds at modest sizes (--kinds-fake-args),
        every kind to its own file; the bound counts every call the fake answered. Per kind: the
        records written (file lines and the tool's summary line) and the calls that listed it;
        one AssumeRole per account and DescribeGlobalClusters exactly once per account."""
        conc, inst, lat = 256, 1, 100
        extra = ["--clusters", str(self.args.fake_clusters)] + self.args.kinds_fake_args.split()
        cols = []
        for accounts in self.org_sizes(self.args.kinds_accounts):
            acc = self.accounts_file(accounts, REGIONS17)
            outdir = tempfile.mkdtemp(prefix="kinds-out.", dir=self.workdir)
            fake = Fake(self.fake_bin, self.workdir, accounts, REGIONS17, inst, lat, extra=extra)
            try:
                cmd = self.tool_cmd(acc, fake, concurrency=conc) + [
                    "--kind", "all", "-o", os.path.join(outdir, "{kind}.ndjson")]
                runs = self.alternate([("new --kind all", cmd)], self.args.kinds_runs, fake)[
                    "new --kind all"]
                files = {n: os.path.getsize(os.path.join(outdir, n)) for n in os.listdir(outdir)}
                lines = {}
                for n in files:
                    with open(os.path.join(outdir, n), "rb") as f:
                        lines[n] = sum(1 for _ in f)
            finally:
                fake.stop()
                shutil.rmtree(outdir, ignore_errors=True)
            # The files are the last run's: compare them with that run's summary line.
            last = runs[-1]
            summary = last.get("rows_by_kind") or {}
            per_kind = []
            for kind, ops in KIND_OPS:
                written = lines.get(f"{kind}.ndjson")
                per_kind.append(dict(
                    kind=kind, written=written, summary=summary.get(kind),
                    agree=written == summary.get(kind),
                    ops={op: dict(last["counters"]["op_targets"].get(op, {}),
                                  calls=last["counters"]["calls"].get(op, 0)) for op in ops}))
            gc = last["counters"]["op_accounts"].get("DescribeGlobalClusters", {})
            gc_once = all(
                r["counters"]["op_accounts"].get("DescribeGlobalClusters", {}).get("accounts")
                == accounts
                and r["counters"]["op_accounts"]["DescribeGlobalClusters"]["min"] == 1
                and r["counters"]["op_accounts"]["DescribeGlobalClusters"]["max"] == 1
                for r in runs)
            missing = sorted(set(k for k, _ in KIND_OPS) - set(summary))
            log(f"  {accounts} accounts: kinds in the summary line {sorted(summary)}; missing "
                f"{missing}; files {sorted(lines)}; DescribeGlobalClusters once per account: "
                f"{'yes' if gc_once else 'NO'} ({gc.get('accounts')} accounts, "
                f"{gc.get('min')}-{gc.get('max')} each, regions {gc.get('regions')})")
            for k in per_kind:
                if not k["agree"]:
                    log(f"  WARNING: {k['kind']}: {k['written']} lines written, summary says "
                        f"{k['summary']}")
            cols.append(self.org_case(accounts, runs, lat, conc, files=files, lines=lines,
                                      fake=fake.command, per_kind=per_kind, gc=gc,
                                      gc_once=gc_once, summary_missing=missing))
        self.org_section("s11_kinds_all", (
            f"## 11. `--kind all` at organization scale (nine kinds; 17 regions, ~{inst} "
            f"instance per target, fake `{' '.join(extra)}`, {lat} ms/call, --concurrency "
            f"{conc}, `-o DIR/{{kind}}.ndjson`)"), cols, [
            ("records written (lines per file, last run)",
             lambda c: ", ".join(f"{n}: {v:,}" for n, v in sorted(c["lines"].items()))),
            ("the tool's summary line names every kind, counts = file lines",
             lambda c: ("yes" if not c["summary_missing"] else
                        f"NO, missing {', '.join(c['summary_missing'])}") + "; "
                       + ("counts agree" if all(k["agree"] for k in c["per_kind"]) else
                          "counts DIFFER: " + ", ".join(
                              f"{k['kind']} {k['written']} vs {k['summary']}"
                              for k in c["per_kind"] if not k["agree"]))),
            ("calls at the fake (first run)", calls_cell),
            ("targets with a DescribeDBClusters",
             lambda c: f"{c['runs'][0]['counters']['cluster_targets']:,}"),
            ("**DescribeGlobalClusters exactly once per account** (kind_calls, every run)",
             lambda c: f"**{'yes' if c['gc_once'] else 'NO'}**: {c['gc'].get('accounts', 0):,} "
                       f"accounts, {c['gc'].get('min')}-{c['gc'].get('max')} calls each, "
                       f"from {len(c['gc'].get('regions', {}))} region(s) "
                       + ", ".join(f"{r} {n:,}" for r, n in sorted(
                           c['gc'].get('regions', {}).items()))),
            (None, None),
        ])
        for c in cols:
            self.emit(f"Per kind, {c['label']} (last run; calls from the fake's counters, "
                      f"per target = calls of that operation in one (account, region), "
                      f"targets that had one):")
            self.emit()
            self.emit("| kind | records written (file) | tool's summary | operation | calls | "
                      "targets called | calls per target (min-max) |")
            self.emit("| --- | --- | --- | --- | --- | --- | --- |")
            for k in c["per_kind"]:
                for i, (op, o) in enumerate(k["ops"].items()):
                    head = (f"{k['kind']} | {k['written'] if k['written'] is not None else 'no file'} | "
                            f"{k['summary']}" if i == 0 else " | | ")
                    spread = (f"{o.get('min', 0)}-{o.get('max', 0)}" if o.get("targets") else "")
                    self.emit(f"| {head} | {op} | {o['calls']:,} | {o.get('targets', 0):,} | "
                              f"{spread} |")
            ar = c["runs"][-1]["counters"]["calls"].get("AssumeRole", 0)
            self.emit(f"| (credentials) | | | AssumeRole | {ar:,} | | "
                      f"{'1 per account' if c['one_ar'] else 'NOT 1 per account'} |")
            other = {op: n for op, n in c["runs"][-1]["counters"]["calls"].items()
                     if n and op != "AssumeRole"
                     and op not in {o for _, ops in KIND_OPS for o in ops}}
            if other:
                self.emit(f"| (other) | | | " + ", ".join(f"{op} {n:,}" for op, n in
                                                         sorted(other.items())) + " | | | |")
            self.emit()

    def s12_snapshots(self):
        """--kind snapshots at organization scale, 10 manual snapshots (mean) in 5 % of the
        targets: one attribute call per manual snapshot; the bound counts every call."""
        conc, inst, lat = 256, 1, 100
        extra = ["--snapshots", "10", "--snapshot-targets-percent", "5",
                 "--automated-snapshots", "0", "--backup-snapshots", "0"]
        cols = []
        for accounts in self.org_sizes(self.args.snapshot_accounts):
            acc = self.accounts_file(accounts, REGIONS17)
            outdir = tempfile.mkdtemp(prefix="snapshots-out.", dir=self.workdir)
            out = os.path.join(outdir, "snapshots.ndjson")
            fake = Fake(self.fake_bin, self.workdir, accounts, REGIONS17, inst, lat, extra=extra)
            try:
                cmd = self.tool_cmd(acc, fake, concurrency=conc) + [
                    "--kind", "snapshots", "-o", out]
                runs = self.alternate([("--kind snapshots", cmd)], self.args.kinds_runs, fake)[
                    "--kind snapshots"]
                types, targets = {}, set()
                for record in ndjson_records(out):
                    types[record.get("snapshot_type")] = types.get(record.get("snapshot_type"), 0) + 1
                    targets.add((record.get("account_id"), record.get("region")))
            finally:
                fake.stop()
                shutil.rmtree(outdir, ignore_errors=True)
            # The file is the last run's: compare it with that run's calls.
            attribute_calls = runs[-1]["counters"]["calls"].get("DescribeDBSnapshotAttributes", 0)
            cols.append(self.org_case(accounts, runs, lat, conc, types=types,
                                      targets_with=len(targets), attribute_calls=attribute_calls,
                                      fake=fake.command))
        self.org_section("s12_snapshots", (
            f"## 12. `--kind snapshots` at organization scale (17 regions, ~{inst} instance per "
            f"target, ~10 manual snapshots in 5 % of targets, {lat} ms/call, --concurrency "
            f"{conc}, `-o FILE`)"), cols, [
            ("records written, by snapshot_type (last run)",
             lambda c: f"{sum(c['types'].values()):,} ("
                       + ", ".join(f"{t}: {n:,}" for t, n in sorted(c["types"].items(), key=str))
                       + f") in {c['targets_with']:,} targets"),
            ("calls at the fake (first run)", calls_cell),
            ("DescribeDBSnapshotAttributes calls == manual snapshots listed (last run)",
             lambda c: f"{c['attribute_calls']:,} vs {c['types'].get('manual', 0):,}: "
                       + ("yes" if c["attribute_calls"] == c["types"].get("manual", 0) else "NO")),
            ("chain if a target's attribute calls ran side by side (not in the bound)",
             lambda c: f"{c['bound']['chain_side_by_side_s']:.2f} s"),
            (None, None),
        ])
        self.emit("The chain counts a target's attribute calls one after another, as the tool "
                  "makes them. \"Nothing else slower\": instances only, old vs new, is "
                  "scenario 10.")
        self.emit()

    def s13_price(self):
        """Instances with --with price at organization scale, the fake's made-up price list for
        any query, alternating with the same run without price: Price List calls against the
        distinct keys, records priced, the bound counting every call."""
        conc, inst, lat = 256, 1, 100
        # One page per listing, as the real API's 100 per page gives for these keys.
        extra = ["--price-list-any", "--price-list-page-size", "100"]
        cols = []
        for accounts in self.org_sizes(self.args.price_accounts):
            acc = self.accounts_file(accounts, REGIONS17)
            outdir = tempfile.mkdtemp(prefix="price-out.", dir=self.workdir)
            outs = {v: os.path.join(outdir, f"{v}.ndjson") for v in ("price", "no-price")}
            fake = Fake(self.fake_bin, self.workdir, accounts, REGIONS17, inst, lat, extra=extra)
            try:
                base = self.tool_cmd(acc, fake, concurrency=conc)
                res = self.alternate([
                    ("--with price", base + ["--with", "price", "-o", outs["price"]]),
                    ("no price", base + ["-o", outs["no-price"]]),
                ], self.args.kinds_runs, fake)
                priced, missing, skus = 0, {}, set()
                for record in ndjson_records(outs["price"]):
                    if record.get("price_monthly") is not None:
                        priced += 1
                    else:
                        reason = record.get("price_missing") or "(none given)"
                        missing[reason] = missing.get(reason, 0) + 1
                    skus.update(p.get("sku") for p in record.get("price_components") or []
                                if p.get("sku"))
            finally:
                fake.stop()
                shutil.rmtree(outdir, ignore_errors=True)
            cols.append(self.org_case(accounts, res["--with price"], lat, conc, ", `--with price`",
                                      priced=priced, missing=missing, skus=len(skus),
                                      fake=fake.command))
            cols.append(self.org_case(accounts, res["no price"], lat, conc, ", no price",
                                      fake=fake.command))
        def priced(f):
            return lambda c: f(c) if "priced" in c else ""

        self.org_section("s13_price", (
            f"## 13. Instances `--with price` at organization scale (17 regions, ~{inst} "
            f"instance per target, the fake's price list for any query, {lat} ms/call, "
            f"--concurrency {conc}; alternating with the same run without price)"), cols, [
            ("instances listed", lambda c: "/".join(str(r.get("rows")) for r in c["runs"])),
            ("priced (price_monthly set) / missing (last run)",
             priced(lambda c: f"{c['priced']:,} / {sum(c['missing'].values()):,}")),
            ("price_missing reasons, top 5",
             priced(lambda c: "; ".join(f"{r}: {n:,}" for r, n in sorted(
                 c["missing"].items(), key=lambda x: -x[1])[:5]) or "none")),
            ("calls at the fake (first run)", calls_cell),
            ("**GetProducts calls / distinct price keys** (fake, first run)",
             priced(lambda c: f"**{c['runs'][0]['counters']['calls'].get('GetProducts', 0):,} / "
                              f"{c['runs'][0]['counters']['price_keys']:,}**")),
            ("every key listed exactly once (every run)",
             priced(lambda c: "yes" if all(
                 r["counters"]["price_listings_min"] == r["counters"]["price_listings_max"] == 1
                 for r in c["runs"]) else "NO")),
            ("distinct SKUs in the records", priced(lambda c: f"{c['skus']:,}")),
            (None, None),
        ])
        for price, plain in zip(cols[::2], cols[1::2]):
            extra_calls = price["bound"]["total"] - plain["bound"]["total"]
            self.emit(
                f"What price adds at {price['accounts']:,} accounts: wall "
                f"{price['wall_s'] / plain['wall_s']:.2f}x, CPU "
                f"{median_of([cpu(r) for r in price['runs']], 'cpu_s') / median_of([cpu(r) for r in plain['runs']], 'cpu_s'):.2f}x, "
                f"peak RSS {price['rss_mib'] / plain['rss_mib']:.2f}x, calls {extra_calls:+,} "
                f"(GetProducts and DescribeDBMajorEngineVersions: `--with price` implies "
                f"engine-support).")
        self.emit()
        self.emit("The chain adds one DescribeDBMajorEngineVersions and one listing's pages to "
                  "the longest target's calls. \"Nothing else slower\": the no-price columns, "
                  "and instances only old vs new in scenario 10.")
        self.emit()

    def s_join(self, key, join, extra, sizes, heading, analyse, rows):
        """Instances `--with JOIN` at organization scale, alternating with the same run without
        it (`--kinds-runs N` rounds): the join's calls at the fake, what the records say
        (`analyse(path) -> dict`, of the last run), the bound counting every call."""
        conc, inst, lat = 256, 1, 100
        cols = []
        for accounts in self.org_sizes(sizes):
            acc = self.accounts_file(accounts, REGIONS17)
            outdir = tempfile.mkdtemp(prefix=f"{join}-out.", dir=self.workdir)
            outs = {v: os.path.join(outdir, f"{v}.ndjson") for v in ("join", "plain")}
            fake = Fake(self.fake_bin, self.workdir, accounts, REGIONS17, inst, lat, extra=extra)
            try:
                base = self.tool_cmd(acc, fake, concurrency=conc)
                res = self.alternate([
                    (f"--with {join}", base + ["--with", join, "-o", outs["join"]]),
                    (f"no {join}", base + ["-o", outs["plain"]]),
                ], self.args.kinds_runs, fake)
                seen = analyse(outs["join"])
            finally:
                fake.stop()
                shutil.rmtree(outdir, ignore_errors=True)
            log(f"  {accounts} accounts, --with {join}: {seen}")
            cols.append(self.org_case(accounts, res[f"--with {join}"], lat, conc,
                                      f", `--with {join}`", seen=seen, fake=fake.command))
            cols.append(self.org_case(accounts, res[f"no {join}"], lat, conc, f", no {join}",
                                      fake=fake.command))

        def joined(f):
            return lambda c: f(c) if "seen" in c else ""

        self.org_section(key, heading.format(inst=inst, lat=lat, conc=conc), cols, [
            ("instances listed", lambda c: "/".join(str(r.get("rows")) for r in c["runs"])),
            ("calls at the fake (first run)", calls_cell),
            ("calls per target of each operation, min-max (targets that had one; first run)",
             lambda c: "; ".join(f"{op} {o['min']}-{o['max']} ({o['targets']:,})" for op, o in
                                 sorted(c["runs"][0]["counters"]["op_targets"].items())
                                 if o.get("targets"))),
        ] + [(label, joined(f)) for label, f in rows] + [(None, None)])
        for with_join, plain in zip(cols[::2], cols[1::2]):
            self.emit(
                f"What `--with {join}` adds at {with_join['accounts']:,} accounts: wall "
                f"{with_join['wall_s'] / plain['wall_s']:.2f}x, peak RSS "
                f"{with_join['rss_mib'] / plain['rss_mib']:.2f}x, calls "
                f"{with_join['bound']['total'] - plain['bound']['total']:+,}.")
        self.emit()

    def s14_parameters(self):
        """Instances `--with parameters` at organization scale: the fake serving 3 DB and 3 DB
        cluster parameter groups per account-region (two default.* and a custom one) and the
        <family>-custom groups its complete instance records and clusters name, engine
        defaults per family; one user-parameter listing per distinct group."""
        def analyse(path):
            return tally(path, tls="tls_required", sources="tls_required_source",
                         reasons=lambda r: None if r.get("tls_required") is not None else
                         r.get("tls_required_reason") or "(none given)")

        self.s_join("s14_parameters", "parameters",
                    ["--complete-records", "--attached-parameter-groups", "--parameter-groups", "3",
                     "--cluster-parameter-groups", "3"],
                    self.args.join_accounts,
                    "## 14. Instances `--with parameters` at organization scale (17 regions, "
                    "~{inst} instance per target, 3 DB and 3 DB cluster parameter groups per target "
                    "plus the custom ones instances and clusters name, {lat} ms/call, "
                    "--concurrency {conc}; alternating with the same run without the join)", analyse, [
                        ("tls_required (last run)", spread("tls")),
                        ("tls_required_source (last run)", spread("sources")),
                        ("tls_required_reason where null, top 3",
                         lambda c: "; ".join(f"{r}: {n:,}" for r, n in sorted(
                             c["seen"]["reasons"].items(), key=lambda x: -x[1])[:3]) or "none"),
                    ])

    def s15_utilization(self):
        """Instances `--with utilization` at organization scale: the fake's GetMetricData in
        CBOR (about a quarter of the instances idle, a quarter new); one batch per target with
        instances, none where no instance is listed."""
        def analyse(path):
            return tally(path, idle="idle", points="utilization_datapoints")

        self.s_join("s15_utilization", "utilization", [], self.args.join_accounts,
                    "## 15. Instances `--with utilization` at organization scale (17 regions, "
                    "~{inst} instance per target, daily points for 14 days, {lat} ms/call, "
                    "--concurrency {conc}; alternating with the same run without the join)", analyse, [
                        ("idle (last run)", spread("idle")),
                        ("utilization_datapoints per record (last run)", spread("points")),
                        ("GetMetricData calls / instances listed (first run)",
                         lambda c: f"{c['runs'][0]['counters']['calls'].get('GetMetricData', 0):,}"
                                   f" / {c['runs'][0].get('rows')}"),
                    ])

    def s9_target_profile(self):
        """Callgrind of the per-target path: mostly empty targets at 0 ms, at two sizes, so
        that the difference divided by the extra targets is the cost of one more target (its
        share of its account's AssumeRole included), free of process start and setup."""
        if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
            self.emit("## 9. Per-target profile: skipped (valgrind not installed)")
            return
        q = self.args.quick
        sizes = (10, 30) if q else (50, 250)
        regs, inst = REGIONS17, 1
        runs = {}
        for accounts in sizes:
            acc = self.accounts_file(accounts, regs)
            fake = Fake(self.fake_bin, self.workdir, accounts, regs, inst, 0)
            try:
                out = os.path.join(self.workdir, f"callgrind.targets-{accounts}.out")
                cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                       *self.tool_cmd(acc, fake, concurrency=256)]
                cmd[cmd.index(self.tool)] = self.profile_tool
                log(f"  callgrind {accounts} x {len(regs)} targets ...")
                r = run_once(cmd, self.workdir, fake=fake)
            finally:
                fake.stop()
            annotated = subprocess.run(
                ["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                capture_output=True, text=True, check=True).stdout
            keep = os.path.join(self.args.raw_dir, f"callgrind-targets-{accounts}.txt")
            with open(keep, "w") as f:
                f.write("\n".join(annotated.split("\n-- Auto-annotated source")[0]
                                   .splitlines()[:600]) + "\n")
            runs[accounts] = dict(split=split_buckets(out, TARGET_BUCKETS),
                                  targets=accounts * len(regs), rows=r.get("rows"),
                                  assume_role=r["counters"]["calls"].get("AssumeRole"))
        small, big = (runs[a] for a in sizes)
        extra = big["targets"] - small["targets"]
        per_target = {name: (big["split"][name] - small["split"][name]) / extra
                      for name in big["split"]}
        self.results["s9_target_profile"] = dict(sizes=sizes, runs=runs, per_target=per_target)
        total = per_target["total"]
        self.emit(f"## 9. Where one target's instructions go (callgrind, {sizes[0]} and "
                  f"{sizes[1]} accounts x {len(regs)} regions, ~{inst} instance per target, "
                  f"0 ms, --concurrency 256)")
        self.emit()
        self.emit(f"Instructions per extra target = (Ir at {big['targets']:,} targets - Ir at "
                  f"{small['targets']:,}) / {extra:,}: no process start or setup, and one "
                  f"AssumeRole per {len(regs)} targets. Each part is the inclusive cost of the "
                  f"calls to it; an indented part lies inside the part above it. Under "
                  f"valgrind SHA-256 runs without the CPU's SHA extensions, so signing is "
                  f"overstated compared with native runs.")
        self.emit()
        self.emit("| part | instructions per target | share |")
        self.emit("| --- | --- | --- |")
        depth, children = {}, {}
        for name, _, _, parent in TARGET_BUCKETS:
            depth[name] = depth[parent] + 1 if parent else 0
            children.setdefault(parent, []).append(name)

        def emit_part(name):
            label = "&nbsp;&nbsp;&nbsp;" * depth[name] + name
            self.emit(f"| {label} | {per_target[name]:,.0f} | {per_target[name] / total:.1%} |")
            for child in children.get(name, []):
                emit_part(child)
            if len(children.get(name, [])) > 1:
                other = per_target[name] - sum(per_target[c] for c in children[name])
                label = "&nbsp;&nbsp;&nbsp;" * (depth[name] + 1) + f"rest of {name.split(' (')[0]}"
                self.emit(f"| {label} | {other:,.0f} | {other / total:.1%} |")

        for name in children[None]:
            emit_part(name)
        rest = per_target[REST]
        self.emit(f"| {REST} | {rest:,.0f} | {rest / total:.1%} |")
        self.emit(f"| **total per target** | **{total:,.0f}** | 100 % |")
        self.emit()
        self.emit("Function tables (generated, not kept in git): `bench/results/raw/callgrind-targets-{"
                  + ",".join(str(a) for a in sizes) + "}.txt`.")
        self.emit()

    def s7_build(self):
        target = self.args.build_target
        log(f"  clean release build into {target} (minutes) ...")
        shutil.rmtree(target, ignore_errors=True)
        env = dict(ENV, CARGO_TARGET_DIR=target)
        started = time.monotonic()
        subprocess.run(["cargo", "build", "--release", "--bin", "rds-inventory"], cwd=REPO,
                       env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=open(os.path.join(self.workdir, "build.log"), "wb"))
        wall = time.monotonic() - started
        binary = os.path.join(target, "release", "rds-inventory")
        size = os.path.getsize(binary)
        self.results["s7_build"] = dict(wall_s=wall, size_bytes=size, target_dir=target)
        self.emit("## 7. Build")
        self.emit()
        self.emit("| metric | value |")
        self.emit("| --- | --- |")
        self.emit(f"| clean release build (`CARGO_TARGET_DIR={target} cargo build --release "
                  f"--bin rds-inventory`, empty target dir, registry already downloaded) | "
                  f"{wall:.0f} s ({wall / 60:.1f} min) |")
        self.emit(f"| binary size (release, debuginfo stripped) | {size / MIB:.2f} MiB "
                  f"({size:,} bytes) |")
        self.emit()


def cpu(run):
    if run.get("user_s") is None:
        return {"cpu_s": None}
    return {"cpu_s": run["user_s"] + (run.get("sys_s") or 0)}


def fmt_runs(runs, key, ms=False):
    values = [r[key] for r in runs if r.get(key) is not None]
    if not values:
        return "n/a"
    m = statistics.median(values)
    if ms:
        return f"**{m * 1000:.0f} ms** ({', '.join(f'{v * 1000:.0f}' for v in values)})"
    return f"**{m:.3f} s** ({', '.join(f'{v:.2f}' for v in values)})"


def ndjson_records(path):
    """The records of an NDJSON output file, one at a time."""
    with open(path) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def tally(path, **fields):
    """Counts of each field's values over an NDJSON file's records: {name: {value: count}},
    a field given by its name (values as JSON text: true, 3, "user", null) or by a function of
    the record (None: not counted)."""
    out = {name: {} for name in fields}
    for record in ndjson_records(path):
        for name, field in fields.items():
            value = field(record) if callable(field) else json.dumps(record.get(field))
            if value is not None:
                out[name][value] = out[name].get(value, 0) + 1
    return out


def spread(key):
    """A table cell: a column's tally of `key` (see tally), most frequent first."""
    return lambda c: ", ".join(f"{v.strip(chr(34))}: {n:,}" for v, n in sorted(
        c["seen"][key].items(), key=lambda x: -x[1]))


def calls_cell(c):
    """Calls per operation at the fake (a column's first run) and their total."""
    return (", ".join(f"{op} {n:,}" for op, n in sorted(c["bound"]["calls"].items()) if n)
            + f"; total {c['bound']['total']:,}")


# The rows every organization-scale table ends with (org_section).
ORG_ROWS = [
    ("wall, median (runs)", lambda c: fmt_runs(c["runs"], "wall_s")),
    ("lower bound: max(chain, every call x latency / concurrency)",
     lambda c: f"{c['bound']['bound_s']:.2f} s (chain {c['bound']['chain_s']:.2f} s, "
               f"fan-out {c['bound']['fanout_s']:.2f} s)"),
    ("**wall / bound** (goal <= 1.1)",
     lambda c: f"**{c['ratio']:.3f}** {'met' if c['ratio'] <= 1.1 else 'NOT met'}"),
    ("AssumeRole calls (fake), exactly one per account",
     lambda c: f"{c['bound']['calls'].get('AssumeRole', 0):,} "
               f"{'yes' if c['one_ar'] else 'NO'}; the tool's own count "
               + "/".join(str(r.get('own_assume_role_count')) for r in c["runs"])),
    ("**peak RSS**, median (goal <= 128 MiB)",
     lambda c: f"**{c['rss_mib']:.1f} MiB** {'met' if c['rss_mib'] <= 128 else 'NOT met'}"),
    ("tool CPU user+sys, median (per call at the fake)",
     lambda c: f"{median_of([cpu(r) for r in c['runs']], 'cpu_s'):.2f} s "
               f"({median_of([cpu(r) for r in c['runs']], 'cpu_s') / c['bound']['total'] * 1e6:.0f}"
               f" us per call)"),
    ("fake-aws CPU during a run, median",
     lambda c: f"{median_of(c['runs'], 'fake_cpu_s'):.2f} s"),
    ("peak requests in flight at the fake",
     lambda c: ", ".join(str(r["counters"]["peak_in_flight"]) for r in c["runs"])),
    ("other processes' CPU during a run, median (noise)",
     lambda c: f"{median_of(c['runs'], 'other_cpu_s'):.2f} s"),
]


# Inclusive-cost buckets for the callgrind profile. Each bucket takes the largest inclusive
# cost among the functions its pattern matches (so nested frames of one bucket are not counted
# twice); buckets are disjoint call subtrees, "of which" rows are parts of the bucket above them
# and are left out of the sum. The mapping is inlined into the fetch task in a stripped release
# build; with line tables for our crate (--profile-tool) it shows as record.rs code.
PROFILE_BUCKETS = [
    ("SDK: DescribeDBInstances XML -> DbInstance (aws_sdk_rds deser)",
     r"aws_sdk_rds::protocol_serde::shape_describe_db_instances::de_describe_db_instances", False),
    ("ours: mapping DbInstance -> InstanceRecord (record.rs)",
     r"InstanceRecord::from_sdk|record\.rs:<core::iter::adapters::map::Map<I,F>", False),
    ("ours: writer thread (app.rs consume: write, summary, drop records)",
     r"rds_inventory::app::consume\b", False),
    ("of which serialization (sink.rs RecordWriter::write)",
     r"sink\.rs:rds_inventory::sink::RecordWriter<W>::write\b|^\?\?\?:rds_inventory::sink::RecordWriter<W>::write\b",
     True),
    ("SDK: TLS config builds (rustls roots, per client created)",
     r"rustls_provider::build_connector::create_rustls_client_config", False),
    ("SDK: SigV4 request signing", r"aws_sigv4::http_request::sign::sign\b", False),
]


def split_profile(annotated):
    total = None
    best = {name: 0 for name, _, _ in PROFILE_BUCKETS}
    for line in annotated.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$", line)
        if not m:
            continue
        ir, fn = int(m.group(1).replace(",", "")), m.group(2)
        # Paths before the function name vary (/tmp/x/src/record.rs vs x/src/record.rs).
        fn = re.sub(r"^\S*/(src/[a-z_]+\.rs:)", r"\1", fn)
        for name, pattern, _ in PROFILE_BUCKETS:
            if re.search(pattern, fn):
                best[name] = max(best[name], ir)
                break
    total = total or 1
    split = {name: (ir, ir / total) for name, ir in best.items()}
    rest = total - sum(best[name] for name, _, sub in PROFILE_BUCKETS if not sub)
    split["everything else (HTTP, tokio, TLS, process start, allocator outside the above)"] = (
        rest, rest / total)
    split["total"] = (total, 1.0)
    return split


# Parts of the per-target profile (9): (name, callee pattern, caller pattern or None, parent
# part or None). A part is the cost of the calls from a matching caller to a matching callee
# (callgrind's inclusive cost of each call), so parts follow the call tree: a child lies inside
# its parent, and siblings are disjoint. Calls made at a recursion level ("fn'2") are left
# out: the STS call nested inside the RDS call that needs credentials runs the same
# orchestrator functions one level down, and is counted once, in the AssumeRole part.
FETCH_TASK = r"^rds_inventory::fetch::fetch_all::\{\{closure\}\}::\{\{closure\}\}$"
# The task's own code: fetch_target and TargetPages, inlined into the task or not.
FETCH_CODE = r"^rds_inventory::fetch::"
# The call's future, polled from the task directly, or boxed by `customize()`.
RDS_CALL = (r"^<tracing::instrument::Instrumented<T> as core::future::future::Future>::poll$|"
            r"^<aws_sdk_rds::operation::describe_db_instances::builders::"
            r"DescribeDBInstancesFluentBuilder as .*CustomizableSend<")
TARGET_BUCKETS = [
    ("the fetch task (one per target)", FETCH_TASK, None, None),
    ("the region's shared RDS client and the account's signing override (rds_client, signed_as)",
     r"rds_inventory::aws::AwsContext::(rds_client|signed_as)$", FETCH_CODE,
     "the fetch task (one per target)"),
    ("drop what the task held (Arc drops: the client, its plugins and layers)",
     r"^alloc::sync::Arc<T,A>::drop_slow$", FETCH_TASK, "the fetch task (one per target)"),
    ("the DescribeDBInstances call (SDK orchestrator)", RDS_CALL, FETCH_CODE,
     "the fetch task (one per target)"),
    ("runtime plugins -> config bag and components, per call",
     r"orchestrator::apply_configuration$", None, "the DescribeDBInstances call (SDK orchestrator)"),
    ("request serialization", r"DescribeDBInstancesRequestSerializer as .*serialize_input$", None,
     "the DescribeDBInstances call (SDK orchestrator)"),
    ("endpoint resolution", r"SharedEndpointResolver as .*ResolveEndpoint>::resolve_endpoint$|"
     r"orchestrator::endpoints::apply_endpoint$", None, "the DescribeDBInstances call (SDK orchestrator)"),
    ("identity: cache lookup (AssumeRole on a miss)",
     r"LazyCache as .*ResolveCachedIdentity>::resolve_cached_identity::\{\{closure\}\}$", None,
     "the DescribeDBInstances call (SDK orchestrator)"),
    ("AssumeRole, one per account (STS call: its signing, HTTP, parsing)",
     r"rds_inventory::aws::credentials::AccountRole::credentials::\{\{closure\}\}$", None,
     "identity: cache lookup (AssumeRole on a miss)"),
    ("interceptors (user agent, clock skew, invocation id, ours...)",
     r"^aws_smithy_runtime::client::interceptors::Interceptors<I>::", None,
     "the DescribeDBInstances call (SDK orchestrator)"),
    ("SigV4 signing", r"orchestrator::auth::sign_request$", None,
     "the DescribeDBInstances call (SDK orchestrator)"),
    ("HTTP request and response (this task's side)",
     r"HttpConnectorFuture as .*Future>::poll$|Collect<T> as .*Future>::poll$", None,
     "the DescribeDBInstances call (SDK orchestrator)"),
    ("response deserialization (XML -> DbInstance)",
     r"DescribeDBInstancesResponseDeserializer as .*deserialize_nonstreaming", None,
     "the DescribeDBInstances call (SDK orchestrator)"),
    ("ours: records (record.rs) and sending pages",
     r"InstanceRecord::from_sdk$|Sender<T>::send::\{\{closure\}\}$|"
     r"^<alloc::vec::Vec<T> as alloc::vec::spec_from_iter::SpecFromIter<T,I>>::from_iter$",
     FETCH_CODE, "the fetch task (one per target)"),
    ("HTTP connection tasks (hyper: write request, read response)",
     r"UpgradeableConnection<I,B> as .*Future>::poll$", None, None),
    ("writer thread (serialization, summary)",
     r"BlockingTask<T> as .*Future>::poll$|^rds_inventory::app::consume$", None, None),
]
REST = "everything else (tokio scheduling and wake-ups, process start and exit, setup)"
RECURSION = re.compile(r"'\d+$")


def parse_callgrind(path):
    """(total Ir, {(caller, callee): inclusive Ir of those calls}) from a callgrind output
    file, functions named without their file (inlined code splits one function by file)."""
    names, edges, total = {}, {}, 0
    fn = cfn = None
    pending = False
    with open(path) as f:
        for line in f:
            head = line[:1]
            if head.isdigit() or head in "+-*":
                if pending:
                    parts = line.split()
                    key = (fn, cfn)
                    edges[key] = edges.get(key, 0) + (int(parts[1]) if len(parts) > 1 else 0)
                    pending = False
                continue
            if line.startswith(("fn=", "cfn=")):
                ref = line.split("=", 1)[1].rstrip("\n")
                m = re.match(r"\((\d+)\)(?: (.*))?$", ref)
                name = ref
                if m:
                    if m.group(2) is not None:
                        names[m.group(1)] = m.group(2)
                    name = names.get(m.group(1), ref)
                if line.startswith("fn="):
                    fn = name
                else:
                    cfn = name
            elif line.startswith("calls="):
                pending = True
            elif line.startswith(("summary:", "totals:")):
                total = int(line.split()[1])
    return total, edges


def callee_of(buckets, name):
    return next(callee for n, callee, _, _ in buckets if n == name)


def split_buckets(path, buckets):
    """{part: Ir}, plus REST (total minus the top-level parts) and "total"."""
    total, edges = parse_callgrind(path)
    found, parents = {}, {}
    for name, callee, caller, parent in buckets:
        parents[name] = parent
        inside_call, up = False, parent
        while up:
            inside_call = inside_call or callee_of(buckets, up) == RDS_CALL
            up = parents.get(up)
        callee_rx, caller_rx = re.compile(callee), re.compile(caller) if caller else None
        found[name] = sum(
            ir for (src, dst), ir in edges.items()
            if src != dst and callee_rx.search(dst) and not callee_rx.search(src)
            and not (inside_call and RECURSION.search(src))
            and (caller_rx is None or caller_rx.search(src)))
    found[REST] = total - sum(found[name] for name, _, _, parent in buckets if not parent)
    found["total"] = total
    return found


def machine_header(args):
    cpu_model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])

    def sh(*cmd):
        try:
            return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    def sha(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()[:16]

    dirty = sh("git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock", "fake-aws")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu_model,
        "mem_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "rustc": sh("rustc", "--version"),
        "python": sh(args.python, "--version"),
        "boto3": sh(args.python, "-c", "import boto3; print(boto3.__version__)"),
        "git": sh("git", "rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else ""),
        "tool": args.tool or "target/release/rds-inventory (snapshot)",
        "tool_sha256": sha(args.tool or os.path.join(args.bin_dir, "rds-inventory")),
        "loadavg": open("/proc/loadavg").read().split()[:3],
        "rss_source": "/usr/bin/time -v" if TIME_BIN else "os.wait4 rusage",
    }


SCENARIOS = {
    "1": "s1_fanout",
    "2": "s2_side_by_side",  # also 5 (time to first row) on the same endpoint
    "3": "s3_memory",  # also 4 (throughput) from the same runs
    "4": "s4_profile",
    "6": "s6_scale",
    "7": "s7_build",
    "8": "s8_org_scale",
    "9": "s9_target_profile",
    "10": "s10_kinds_instances",  # instances only, --baseline-tool vs this tree, alternating
    "11": "s11_kinds_all",  # --kind all at organization scale
    "12": "s12_snapshots",  # --kind snapshots at organization scale
    "13": "s13_price",  # instances --with price at organization scale, and without
    "14": "s14_parameters",  # instances --with parameters at organization scale, and without
    "15": "s15_utilization",  # instances --with utilization at organization scale, and without
}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--quick", action="store_true", help="small sizes, 1 run each, no build")
    p.add_argument("--only", default=None,
                   help="comma list of scenarios: 1,2 (with 5),3 (with 4),4 (profile),6,7,8,9,10,11,"
                        "12,13,14,15")
    p.add_argument("--runs", type=int, default=None, help="runs per contender (default 3)")
    p.add_argument("--seed-runs", type=int, default=None, help="seed pattern runs (default 1)")
    p.add_argument("--scale-runs", type=int, default=None,
                   help="runs of each scale case, 6 and 8 (default 3)")
    p.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    p.add_argument("--build-target", default="/tmp/bench-target")
    p.add_argument("--command", default="bench/run.sh")
    p.add_argument("--tool", default=None,
                   help="another rds-inventory binary to measure (e.g. a candidate fix)")
    p.add_argument("--baseline-tool", default=None,
                   help="an older rds-inventory binary run beside the measured one (10)")
    p.add_argument("--baseline-name", default=None, help="its label (default: file name)")
    p.add_argument("--fake-clusters", type=int, default=1,
                   help="fake-aws --clusters N for scenario 11 (default 1)")
    p.add_argument("--kinds-fake-args",
                   default="--automated-backups 1 --cluster-automated-backups 1 --proxies 1 "
                           "--blue-green 1 --global-clusters 1 --awsbackup-snapshots 0",
                   help="fake-aws flags for the registry's kinds in scenario 11")
    p.add_argument("--kinds-accounts", default=None,
                   help="comma list of account counts for scenario 11 (default 2000,10000)")
    p.add_argument("--kinds-runs", type=int, default=1,
                   help="runs per size in 11-15 (default 1)")
    p.add_argument("--snapshot-accounts", default=None,
                   help="comma list of account counts for scenario 12 (default 2000,10000)")
    p.add_argument("--price-accounts", default=None,
                   help="comma list of account counts for scenario 13 (default 2000,10000)")
    p.add_argument("--join-accounts", default=None,
                   help="comma list of account counts for scenarios 14 and 15 (default 2000,10000)")
    p.add_argument("--profile-tool", default=None,
                   help="binary for the callgrind profile, e.g. built with line tables for our "
                        "crate (see BENCHMARKS.md)")
    p.add_argument("--name", default=None,
                   help="results file name (default latest, or quick with --quick)")
    args = p.parse_args()
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if args.seed_runs is None:
        args.seed_runs = 1
    args.ttfr_runs = 3 if args.quick else 5
    if args.scale_runs is None:
        args.scale_runs = 1 if args.quick else 3
    chosen = args.only.split(",") if args.only else [k for k in SCENARIOS if not
                                                      (args.quick and k == "7")]
    # The markdown summaries are kept in git; raw numbers and profiler tables are not.
    args.raw_dir = os.path.join(args.results_dir, "raw")
    os.makedirs(args.raw_dir, exist_ok=True)
    name = args.name or ("quick" if args.quick else "latest")
    json_path = os.path.join(args.raw_dir, f"{name}.json")
    # Sections of scenarios not re-run this time are kept from the previous run of this name,
    # each labelled with when and on which binary it was measured.
    sections = {}
    if os.path.exists(json_path):
        try:
            with open(json_path) as f:
                sections = json.load(f).get("sections", {})
        except (OSError, ValueError):
            sections = {}
    bench = Bench(args)
    if any(key.strip() in ("4", "9") for key in chosen):
        check_profile_tool(bench.profile_tool)
    header = machine_header(args)
    stamp = (f"_Measured {header['date']}, git {header['git']}, rds-inventory sha256 "
             f"{header['tool_sha256']}, load average at start {' '.join(header['loadavg'])}._")
    started = time.monotonic()
    try:
        for key in chosen:
            key = key.strip()
            log(f"scenario {key}: {SCENARIOS[key]}")
            first_line, known = len(bench.md), set(bench.results)
            getattr(bench, SCENARIOS[key])()
            lines = bench.md[first_line:]
            end_load = " ".join(open("/proc/loadavg").read().split()[:3])
            sections[key] = dict(
                md=lines[:1] + ["", stamp[:-2] + f", at end {end_load}._"] + lines[1:],
                header=header, command=args.command,
                results={k: v for k, v in bench.results.items() if k not in known})
    finally:
        shutil.rmtree(bench.workdir, ignore_errors=True)
    total = time.monotonic() - started
    md = [
        f"# rds-inventory benchmark results{' (--quick: small sizes, NOT the real numbers)' if args.quick else ''}",
        "",
        f"Machine: {header['nproc']} cores ({header['cpu']}), {header['mem_gib']} GiB; "
        f"Linux {header['kernel']}; {header['rustc']}; {header['python']}, boto3 {header['boto3']}; "
        f"peak RSS from {header['rss_source']}.",
        "",
        f"Last command: `{args.command}` at {header['date']} (git {header['git']}, rds-inventory "
        f"{header['tool']}, sha256 {header['tool_sha256']}): scenarios {','.join(chosen)}, "
        f"{args.runs} runs per contender (seed pattern {args.seed_runs}), medians, "
        f"{total / 60:.1f} min. Each section says when it was measured.",
        "",
    ]
    for key in SCENARIOS:
        if key in sections:
            md += sections[key]["md"]
    text = "\n".join(md) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(args.results_dir, f"{name}.md"), "w") as f:
        f.write(text)
    with open(json_path, "w") as f:
        json.dump(dict(header=header, args=vars(args), sections=sections), f, indent=1,
                  default=str)

if __name__ == "__main__":
    main()
