"""Sweeps and ensembles (`memnet sweep`, docs/cli.md): plan a sweep directory from a run file and
varied options, list its tasks, run one task, collect the results. The functions can be mapped
over task ids by any pool: concurrent.futures, Dask, Ray or mpi4py.futures::

    import concurrent.futures, memnet.sweep as sw
    sw.plan("S", config="base.cfg", vary={"seed": "1..100", "set": "kP0=1e-4..1e-3:4:log"})
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(sw.run_task, ["S"] * 400, range(400)))
    rows = sw.collect("S", "table.csv")

Every task runs in its own `memnet sweep run D --task I` process (the memnet program, from
$MEMNET_CLI or PATH), not inside the Python process. This is deliberate:

- the task runner is the command-line program's code (option parsing, output files with their
  provenance header, result.json), so a task run from Python gives the bytes the same task
  gives from Slurm or the shell; libmemnet itself parses no command lines and prints nothing;
- running a task changes the working directory to the task's directory and redirects standard
  output and error into its files, and both are process-wide: tasks inside one Python process
  could not run in its threads at the same time (a ThreadPoolExecutor, Dask's threaded
  scheduler), and the caller's own output would be swallowed meanwhile;
- a task that crashes, exhausts memory or is killed takes only its own process down; its lock
  is then stale and the next run of the task recovers it (from its checkpoint, for a simulate
  task planned with checkpoint_every);
- the BLAS thread setting (threads=) belongs to that process's contexts, not to the pool.

So a thread pool is enough to keep N cores busy (the threads only wait for processes). The
cost is one program start per task, about 10 ms of CPU (docs/performance.md, "Sweeps":
run_task over a 2-thread pool took the wall time of `memnet sweep run --jobs 2` and 1.75x its
CPU on 200 small tasks).
"""

import csv
import json
import os
import shutil
import subprocess

__all__ = ["plan", "tasks", "run_task", "status", "collect", "SweepError"]


class SweepError(RuntimeError):
    """A `memnet sweep` call failed; .returncode and .stderr tell why."""

    def __init__(self, msg, returncode=None, stderr=""):
        super().__init__(msg)
        self.returncode = returncode
        self.stderr = stderr


def _cli():
    p = os.environ.get("MEMNET_CLI") or shutil.which("memnet")
    if not p:
        raise SweepError("the memnet program was not found: set MEMNET_CLI or put memnet on PATH")
    return p


def _call(args, ok=(0,)):
    r = subprocess.run([_cli(), "sweep"] + [str(a) for a in args] + ["--json"], capture_output=True,
                       text=True)
    if r.returncode not in ok:
        err = r.stderr.strip().splitlines()
        raise SweepError("memnet sweep %s: %s" % (args[0], err[-1] if err else "exit %d" % r.returncode),
                         r.returncode, r.stderr)
    return (json.loads(r.stdout) if r.stdout.strip() else {}), r


def plan(directory, config=None, vary=None, zip=False, command=None, derive_seed=None, force=False,
         args=(), checkpoint_every=None):
    """Write the manifest of a sweep. vary: {option: values} with values a list or a string
    ("1..100", "1e-4,5e-4", real ranges "1e-4..1e-3:10:log" and "0..1:5"), in order (the first
    varies slowest), or a list of "option=values" strings; zip: vary them together;
    derive_seed: "seed" or "seed=BASE" (a seed per task from memnet's RNG); args: further
    options of the command; checkpoint_every: simulated seconds between the checkpoints of
    simulate tasks (a killed task resumes from the last one). Returns tasks(directory)."""
    a = ["plan", "--dir", directory]
    if config:
        a += ["--config", config]
    if command:
        a += ["--command", command]
    items = vary.items() if isinstance(vary, dict) else ((v, None) for v in (vary or []))
    for k, v in items:
        if v is None:
            a += ["--vary", k]
        else:
            a += ["--vary", "%s=%s" % (k, v if isinstance(v, str) else ",".join(str(x) for x in v))]
    if zip:
        a.append("--zip")
    if derive_seed:
        a += ["--derive-seed", derive_seed]
    if force:
        a.append("--force")
    if checkpoint_every is not None:
        a += ["--checkpoint-every", repr(float(checkpoint_every))]
    if args:
        a += ["--"] + [str(x) for x in args]
    # --json goes before "--": _call appends it last, so pass the arguments through plan's form
    if args:
        r = subprocess.run([_cli(), "sweep"] + a, capture_output=True, text=True)
        if r.returncode:
            raise SweepError("memnet sweep plan: " + (r.stderr.strip().splitlines() or ["failed"])[-1],
                             r.returncode, r.stderr)
    else:
        _call(a)
    return tasks(directory)


def _unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            i += 1
            c = {"t": "\t", "n": "\n", "r": "\r"}.get(s[i], s[i])
        out.append(c)
        i += 1
    return "".join(out)


def tasks(directory):
    """The tasks of a sweep: a list of dicts id, hash, values ({column: value}), args (the
    command and its arguments)."""
    out, labels = [], None
    with open(os.path.join(directory, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = [_unescape(x) for x in line.split("\t")]
            if labels is None:
                labels = fields[2:-1]
                continue
            nv = len(labels)
            out.append({"id": int(fields[0]), "hash": fields[1],
                        "values": dict(zip(labels, fields[2:2 + nv])), "args": fields[2 + nv:]})
    return out


def run_task(directory, task_id, threads=1):
    """Run one task in a `memnet sweep run --task` process (skipped if already done; waits for
    nothing: a task another worker holds is left to it); threads: its BLAS threads. Returns
    its status.json as a dict (status 0: done; "resumed": continued from a checkpoint), or None
    if another worker holds it."""
    _call(["run", directory, "--task", int(task_id), "--threads", int(threads)], ok=(0, 1))
    p = os.path.join(directory, "runs", str(int(task_id)), "status.json")
    if not os.path.exists(p):
        return None
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def status(directory):
    """Counts of done, failed, running and pending tasks, and failed.<id> error lines."""
    return _call(["status", directory])[0]


def collect(directory, out=None, partial=False):
    """Collect one row per task into the CSV `out` (default <directory>/collected.csv) and
    return the rows as a list of dicts. Raises SweepError (returncode 3, naming the missing
    tasks) when tasks are not done, unless partial."""
    out = out or os.path.join(directory, "collected.csv")
    a = ["collect", directory, "--out", out] + (["--partial"] if partial else [])
    _call(a, ok=(0, 3) if partial else (0,))
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
