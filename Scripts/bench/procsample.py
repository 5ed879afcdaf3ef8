"""What ldn_memory.py and ldn_tail.py share: start one `kubuqi-monitor ldn ...`, read its
CPU time and memory from /proc while it runs, and pick its period summary lines out of stderr.

    run = procsample.Run(sys.argv[1:], __doc__)     # exits with the usage when no command is given
    run.sample(every, lambda: ...)                  # a daemon thread calling the function until the run ends
    marks, errors = run.periods(lambda name: ...)   # each period's summary line: (name, its value); other lines
    wall, usage = run.finish("ldn_tail.py")         # exit 1 with the last errors when the run failed
"""
import os, subprocess, sys, threading, time

TICK = os.sysconf("SC_CLK_TCK")


class Run:
    def __init__(self, cmd, usage):
        if not cmd:
            sys.exit(usage)
        self.t0 = time.time()
        self.p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.errors = []

    def elapsed(self):
        return time.time() - self.t0

    def cpu(self):
        """User + sys CPU seconds of the run so far (/proc/PID/stat), None once it is gone."""
        try:
            f = open(f"/proc/{self.p.pid}/stat").read().rsplit(")", 1)[1].split()
            return (int(f[11]) + int(f[12])) / TICK
        except (OSError, IndexError, ValueError):
            return None

    def status(self, keys):
        """The fields `keys` of /proc/PID/status in MB (Threads as a count), None once it is gone."""
        out = {}
        try:
            for line in open(f"/proc/{self.p.pid}/status"):
                k, _, v = line.partition(":")
                if k in keys:
                    out[k] = int(v.split()[0]) // (1 if k == "Threads" else 1024)
        except (OSError, IndexError, ValueError):
            return None
        return out

    def sample(self, every, take):
        """Calls `take()` every `every` seconds on a daemon thread while the run lasts."""
        def loop():
            while self.p.poll() is None:
                take()
                time.sleep(every)
        threading.Thread(target=loop, daemon=True).start()

    def periods(self, at):
        """Reads stderr to its end: for each period summary line ("period NAME: SDG 15.3.1: ..."),
        (NAME, at(NAME)); the other lines are kept as errors."""
        marks = []
        for line in self.p.stderr:
            if " period " in line and ": SDG 15.3.1: " in line:
                name = line.split(" period ", 1)[1].split(":", 1)[0]
                marks.append((name, at(name)))
            else:
                self.errors.append(line)
        return marks

    def finish(self, script):
        """Waits for the run: (wall seconds, rusage); exit 1 with its last 20 error lines when it failed."""
        _, code, usage = os.wait4(self.p.pid, 0)
        wall = self.elapsed()
        if code != 0:
            sys.stderr.write("".join(self.errors[-20:]))
            sys.exit(f"{script}: the run failed (status {code >> 8})")
        return wall, usage
