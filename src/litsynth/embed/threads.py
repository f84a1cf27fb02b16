"""How many threads an embedder may run: the CPUs this process was given, not the machine's.

A Ray actor asked for one CPU is told so through OMP_NUM_THREADS (Ray sets it to the actor's
`num_cpus`), and a container or `taskset` narrows the CPUs a process may run on. The ONNX
and bf16 engines spread a batch over a thread pool of their own, so with `os.cpu_count()`
two one-CPU actors on a two-core node ran four threads: each actor took the whole machine,
and a one-node cluster looked as fast as two (bench/bench_cluster.py).
"""

from __future__ import annotations

import os


def cpu_allowance() -> int:
    """OMP_NUM_THREADS when set to a positive whole number, else the CPUs this process may
    run on (its affinity), else the machine's count."""
    told = os.environ.get("OMP_NUM_THREADS", "").strip()
    if told.isdigit() and int(told) > 0:
        return int(told)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1
