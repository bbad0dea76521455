"""Process facts read from /proc: a server's descendants, their memory, which are kernels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGE_KB = 4  # /proc/<pid>/statm counts 4 KiB pages on the machines this runs on


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    rss_mb: float
    cmdline: str

    @property
    def is_kernel(self) -> bool:
        return "ipykernel" in self.cmdline


def _read(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    return Proc(pid, ppid, int(statm[1]) * PAGE_KB / 1024, cmdline)


def tree(root: int) -> list[Proc]:
    """The root process and all its descendants that are alive now."""
    procs = [
        p
        for p in (_read(int(d.name)) for d in Path("/proc").iterdir() if d.name.isdigit())
        if p is not None
    ]
    children: dict[int, list[Proc]] = {}
    for proc in procs:
        children.setdefault(proc.ppid, []).append(proc)
    found = [p for p in procs if p.pid == root]
    index = 0
    while index < len(found):
        found.extend(children.get(found[index].pid, []))
        index += 1
    return found


def kernel_pids(root: int) -> list[int]:
    return [p.pid for p in tree(root) if p.is_kernel]


def kernel_pid_for(root: int, kernel_id: str) -> int | None:
    """The pid of the kernel process whose connection file names ``kernel_id``."""
    for proc in tree(root):
        if proc.is_kernel and kernel_id in proc.cmdline:
            return proc.pid
    return None
