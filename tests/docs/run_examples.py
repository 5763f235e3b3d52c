#!/usr/bin/python3
"""Run every example of the given Markdown files, so that the docs cannot drift.

Fenced blocks tagged ```sh run with bash (-e -o pipefail). Blocks tagged
```python run in one Debian /usr/bin/python3 session per file, like a notebook:
names a block defines are there for the blocks after it. Blocks tagged ```cpp
are whole programs, compiled against libquire (--cxx, --lib) and run. Every
other tag (text, output) is shown, not run. The blocks of one file run in
order in one scratch folder, with quire on PATH and the Python package
importable, so that later examples build on earlier ones. When a file's
examples name s3:// or az://, s3rver and azurite are started on free loopback ports (tests/tools/s3rver_lib.sh and
azurite_lib.sh), with a bucket and a container named "demo", and the AWS_* /
AZURE_STORAGE_* variables point at them.

Usage: run_examples.py --quire BIN --pythonpath DIRS --root PROJECT
                       [--cxx COMPILER --lib LIBQUIRE.so] FILE.md...
Prints "FAIL ..." with the block, its line and its output on the first failure
of each file.
"""
import argparse
import json
import os
import re
import select
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


# The Python session: reads one request per line on stdin ({"code", "out"}),
# runs the code in one namespace with fds 1 and 2 sent to the file "out" (so
# that subprocesses' output is caught too) and answers "ok" or the
# traceback (on the fd given as its argument).
SESSION = r"""
import json, os, sys, traceback
answers = os.fdopen(int(sys.argv[1]), "w")
names = {"__name__": "__main__"}
saved = os.dup(1), os.dup(2)
for line in sys.stdin:
    request = json.loads(line)
    out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1); os.dup2(out, 2); os.close(out)
    try:
        exec(compile(request["code"], "<example>", "exec"), names)
        answer = "ok"
    except BaseException:
        answer = traceback.format_exc()
    sys.stdout.flush(); sys.stderr.flush()
    os.dup2(saved[0], 1); os.dup2(saved[1], 2)
    answers.write(json.dumps(answer) + "\n"); answers.flush()
"""


class PythonSession:
    def __init__(self, cwd, env):
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", SESSION, str(write)], cwd=cwd, env=env,
            stdin=subprocess.PIPE, text=True, pass_fds=(write,))
        os.close(write)
        self.answers = os.fdopen(read)

    def run(self, code, out_path, timeout):
        """(ok, output) of one block."""
        self.proc.stdin.write(json.dumps({"code": code, "out": out_path}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.answers], [], [], timeout)
        answer = json.loads(self.answers.readline() or '"the session died"') if ready \
            else f"timed out after {timeout} s"
        with open(out_path, encoding="utf-8", errors="replace") as f:
            output = f.read()
        return answer == "ok", output + ("" if answer == "ok" else answer)

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.answers.close()


def run_cpp(text, n, scratch, env, args):
    """Compiles a ```cpp block (a whole program) against libquire and runs it."""
    if not args.cxx or not args.lib:
        return False, "a cpp example needs --cxx and --lib"
    source, binary = os.path.join(scratch, f".example{n}.cc"), os.path.join(scratch, f".example{n}")
    with open(source, "w") as f:
        f.write(text)
    libdir = os.path.dirname(os.path.abspath(args.lib))
    build = subprocess.run(
        [args.cxx, "-std=c++20", "-O0", "-I", os.path.join(args.root, "src"), source, "-o", binary,
         "-L", libdir, "-lquire", "-lfmt", f"-Wl,-rpath,{libdir}"],
        capture_output=True, text=True, timeout=600)
    if build.returncode != 0:
        return False, "does not compile:\n" + build.stderr[-3000:]
    r = subprocess.run([binary], cwd=scratch, env=env, capture_output=True, text=True, timeout=600)
    return r.returncode == 0, f"exit {r.returncode}\n{r.stdout[-3000:]}{r.stderr[-3000:]}"


def run_file(path, args):
    runnable = [b for b in blocks(path) if b[1] in ("sh", "python", "cpp")]
    scratch = tempfile.mkdtemp(prefix="quire-doc-")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(args.quire)) + os.pathsep + env["PATH"]
    env["PYTHONPATH"] = args.pythonpath
    for k in [k for k in env if k.startswith(("AWS_", "AZURE_"))]:
        del env[k]
    pids, session = [], None
    try:
        if any(re.search(r"\b(s3|az)://", text) for _, _, text in runnable):
            pids = start_servers(args.root, scratch, env)
        for n, (line, tag, text) in enumerate(runnable):
            if tag == "python":
                session = session or PythonSession(scratch, env)
                ok, output = session.run(text, os.path.join(scratch, ".example.out"), 600)
            elif tag == "cpp":
                ok, output = run_cpp(text, n, scratch, env, args)
            else:
                r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=scratch,
                                   env=env, capture_output=True, text=True, timeout=600)
                ok, output = r.returncode == 0, f"exit {r.returncode}\n{r.stdout[-3000:]}{r.stderr[-3000:]}"
            if not ok:
                print(f"FAIL {path}:{line}: the {tag} example fails\n{text}--- output\n{output[-6000:]}")
                return False
        print(f"ok   {path}: {len(runnable)} examples")
        return True
    finally:
        if session:
            session.close()
        stop(pids)
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quire", required=True)
    parser.add_argument("--pythonpath", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--cxx", help="the C++ compiler for cpp examples")
    parser.add_argument("--lib", help="libquire.so, for cpp examples")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    ok = all([run_file(f, args) for f in args.files])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
