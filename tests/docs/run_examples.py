#!/usr/bin/python3
"""Run every example of the given Markdown files, so that the docs cannot drift.

Fenced blocks tagged ```sh run with bash (-e -o pipefail), blocks tagged
```python with Debian's /usr/bin/python3; every other tag (text, output, cpp)
is shown, not run. The blocks of one file run in order in one scratch folder,
with quire on PATH and the Python package importable, so that later examples
build on earlier ones. When a file's examples name s3:// or az://, s3rver and
azurite are started on free loopback ports (tests/tools/s3rver_lib.sh and
azurite_lib.sh), with a bucket and a container named "demo", and the AWS_* /
AZURE_STORAGE_* variables point at them.

Usage: run_examples.py --quire BIN --pythonpath DIRS --root PROJECT FILE.md...
Prints "FAIL ..." with the block, its line and its output on the first failure
of each file.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile


def blocks(path):
    """(line, tag, text) of each fenced block."""
    out, tag, start, lines = [], None, 0, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = re.match(r"^```(\w*)\s*$", line)
            if m and tag is None:
                tag, start, lines = m.group(1) or "text", n, []
            elif line.startswith("```") and tag is not None:
                out.append((start, tag, "".join(lines)))
                tag = None
            elif tag is not None:
                lines.append(line)
    return out


def start_servers(root, scratch, env):
    """Start s3rver and azurite with the shell tests' helpers (tests/tools/*_lib.sh),
    each with a bucket or container "demo"; set the variables quire reads in `env`.
    Returns the servers' process ids."""
    script = """
      source tests/tools/s3rver_lib.sh && source tests/tools/azurite_lib.sh || exit 1
      start_s3rver "$1/.s3" demo && echo "pid=$S3_PID" || exit 1
      echo "AWS_ENDPOINT_URL=http://127.0.0.1:$S3_PORT"
      start_azurite "$1/.az" demo && echo "pid=$AZ_PID" || exit 1
      env | grep '^AZURE_STORAGE_'
    """
    r = subprocess.run(["bash", "-c", script, "bash", scratch], cwd=root, capture_output=True,
                       text=True, timeout=120)
    pids, found = [], {}
    for line in r.stdout.splitlines():
        key, _, value = line.partition("=")
        if key == "pid":
            pids.append(int(value))
        else:
            found[key] = value
    if r.returncode != 0:
        stop(pids)
        raise RuntimeError(f"the test servers did not start: {r.stderr[-2000:]}")
    env.update(found)
    env.update({"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                "AWS_REGION": "us-east-1"})
    return pids


def stop(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def run_file(path, args):
    runnable = [b for b in blocks(path) if b[1] in ("sh", "python")]
    scratch = tempfile.mkdtemp(prefix="quire-doc-")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(args.quire)) + os.pathsep + env["PATH"]
    env["PYTHONPATH"] = args.pythonpath
    for k in [k for k in env if k.startswith(("AWS_", "AZURE_"))]:
        del env[k]
    pids = []
    try:
        if any(re.search(r"\b(s3|az)://", text) for _, _, text in runnable):
            pids = start_servers(args.root, scratch, env)
        for line, tag, text in runnable:
            cmd = (["bash", "-e", "-o", "pipefail", "-c", text] if tag == "sh"
                   else ["/usr/bin/python3", "-c", text])
            r = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True,
                               timeout=600)
            if r.returncode != 0:
                print(f"FAIL {path}:{line}: the {tag} example exits {r.returncode}\n{text}"
                      f"--- stdout\n{r.stdout[-3000:]}--- stderr\n{r.stderr[-3000:]}")
                return False
        print(f"ok   {path}: {len(runnable)} examples")
        return True
    finally:
        stop(pids)
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quire", required=True)
    parser.add_argument("--pythonpath", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    ok = all([run_file(f, args) for f in args.files])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
