"""Evidence upload at disk speed: a file of SIZE (default 1 GiB) uploaded through gunicorn (real HTTP on
loopback, one sync worker) as a multipart body to /api/v1 (the same parser and staging as the web
form), read from disk by the client in 1 MiB chunks and sent with `Transfer-Encoding: chunked`
(`--content-length` sends a Content-Length instead, the file by sendfile). Beside it, in the same run,
`sha256sum` on the same file: the floor, since the server must at least hash every byte.

    .venv/bin/python benchmarks/uploads.py [SIZE_MIB] [--runs=3] [--content-length] [--sqlite]

Prints per run: sha256sum's time, the upload's time (first byte sent to the 201 read), the ratio, the
CPU seconds each used, and the worker's RSS before and after; then min/median/max over the runs.
Target: upload <= 1.25x sha256sum, worker RSS unchanged. The machine may be shared: the CPU
seconds are less disturbed by other load than the wall times.
"""
from __future__ import annotations

import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import ROOT, instance  # noqa: E402

MIB = 1024 * 1024
CLK = os.sysconf("SC_CLK_TCK")


def write_ledger(path: Path, size: int) -> None:
    """A CSV ledger of exactly `size` bytes (the type check reads only its head), 1 MiB at a time."""
    rows = "".join(f"{i},INV/{i:08d},2026-03-01,10000.00,1800.00,11800.00\n" for i in range(20_000))
    block = (rows * (MIB // len(rows) + 1)).encode()[:MIB]
    with path.open("wb") as out:
        out.write(b"number,invoice,date,taxable,gst,total\n")
        left = size - 38
        while left > 0:
            out.write(block[:min(left, MIB)])
            left -= min(left, MIB)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc(pid: int) -> tuple[float, int]:
    """(CPU seconds, RSS in KiB) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    return cpu, rss


def _worker_of(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def _request(port: int, head: bytes, parts: list, chunked: bool) -> tuple[int, dict]:
    """Send one request (head, then `parts`: bytes, or a Path sent from disk); return status and JSON."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head)
        for part in parts:
            if isinstance(part, bytes):
                if chunked:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
                else:
                    sock.sendall(part)
                continue
            with part.open("rb") as fh:
                if not chunked:
                    sock.sendfile(fh)
                    continue
                while chunk := fh.read(MIB):
                    sock.sendall(b"%x\r\n" % len(chunk))
                    sock.sendall(chunk)
                    sock.sendall(b"\r\n")
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    status = int(answer.split(b" ", 2)[1])
    body = answer.split(b"\r\n\r\n", 1)[1]
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"raw": body[:300].decode(errors="replace")}


def upload(port: int, token: str, reference: str, path: Path, chunked: bool) -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    before = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nledger\r\n"
              f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ledger.csv\"\r\n"
              "Content-Type: text/csv\r\n\r\n").encode()
    after = f"\r\n--{boundary}--\r\n".encode()
    length = len(before) + path.stat().st_size + len(after)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
    head = (f"POST /api/v1/cases/{reference}/evidence HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"{framing}\r\nConnection: close\r\n\r\n").encode()
    return _request(port, head, [before, path, after], chunked)


def sha256sum(path: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, hex digest) of coreutils' sha256sum on the file."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(["sha256sum", str(path)],  # noqa: S603, S607 (coreutils, our own file)
                         capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.split()[0]


def _spread(label: str, values: list[float], unit: str) -> str:
    return (f"{label}: min {min(values):.2f}{unit}  median {statistics.median(values):.2f}{unit}  "
            f"max {max(values):.2f}{unit}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = int(args[0]) * MIB if args else 1024 * MIB
    runs = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--runs=")), 3)
    chunked = "--content-length" not in sys.argv
    from benchmarks.bulk_cases import seed_cases
    from portal.accounts import services as accounts
    from portal.apikeys import services as keys
    from portal.cases.intake import today_ist
    from portal.cases.models import Case
    from portal.database import commit
    from portal.extensions import db

    with instance("uploads", sqlite="--sqlite" in sys.argv) as (app, env), app.app_context():
        user = accounts.sign_up(accounts.OrgDetails(legal_name="Bench MSME", address="Pune"),
                                accounts.PersonDetails(name="Bench", email="bench@example.in",
                                                       password="Bench-Pass-2026"))  # noqa: S106
        commit()
        seed_cases(user, 1, today_ist(), prefix="UPL")
        reference = db.session.scalar(db.select(Case.reference))
        _key, token = keys.create_key(user, "upload benchmark", ["read", "evidence"])
        commit()
        folder = Path(env["SULAH_INSTANCE"])
        source = folder / "ledger.csv"
        write_ledger(source, size)
        limits = {"EVIDENCE_MAX_BYTES": str(size + MIB), "MAX_CONTENT_LENGTH": str(size + 2 * MIB)}
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--timeout", "600",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=os.environ | env | limits)
        try:
            worker = _worker_of(server.pid)
            for _ in range(100):  # until the worker answers
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.2)
            # One small upload first, so the worker has imported and connected what an upload needs.
            warm = folder / "warm.csv"
            write_ledger(warm, 4 * MIB)
            status, got = upload(port, token, reference, warm, chunked)
            assert status == 201, got
            print(f"{size / MIB:.0f} MiB file, {runs} runs, "
                  f"{'chunked transfer' if chunked else 'Content-Length (sendfile)'}, "
                  "one gunicorn sync worker")
            sums, ups, ratios, sum_cpu, up_cpu = [], [], [], [], []
            rss_first = _proc(worker)[1]
            for n in range(1, runs + 1):
                s_wall, s_cpu, digest = sha256sum(source)
                cpu0, rss0 = _proc(worker)
                t0 = time.perf_counter()
                status, got = upload(port, token, reference, source, chunked)
                u_wall = time.perf_counter() - t0
                cpu1, rss1 = _proc(worker)
                if status != 201 or got.get("sha256") != digest or got.get("size") != size:
                    raise SystemExit(f"run {n}: upload answered {status} {got}")
                # The next run uploads the same content: it must store it again, not find it there.
                (folder / "evidence" / digest[:2] / digest[2:4] / digest).unlink()
                sums.append(s_wall)
                ups.append(u_wall)
                ratios.append(u_wall / s_wall)
                sum_cpu.append(s_cpu)
                up_cpu.append(cpu1 - cpu0)
                print(f"run {n}: sha256sum {s_wall:.2f} s ({s_cpu:.2f} s CPU)  upload {u_wall:.2f} s "
                      f"({cpu1 - cpu0:.2f} s worker CPU)  ratio {u_wall / s_wall:.2f}x  "
                      f"({(cpu1 - cpu0) / s_cpu:.2f}x in CPU)  worker RSS {rss0 / 1024:.0f} -> "
                      f"{rss1 / 1024:.0f} MiB")
            print(_spread("sha256sum", sums, " s"))
            print(_spread("upload   ", ups, " s"))
            print(_spread("ratio    ", ratios, "x") + "  (target <= 1.25x)")
            print(_spread("CPU ratio", [u / s for u, s in zip(up_cpu, sum_cpu, strict=True)], "x"))
            print(f"worker RSS: {rss_first / 1024:.0f} MiB before the first run, "
                  f"{_proc(worker)[1] / 1024:.0f} MiB after the last")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
