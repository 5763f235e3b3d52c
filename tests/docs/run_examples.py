#!/usr/bin/python3
"""Run every example of the given Markdown files, so that the docs cannot drift.

Fenced blocks tagged ```sh run with bash (-e -o pipefail), blocks tagged
```python with Debian's /usr/bin/python3; every other tag (text, output, cpp)
is shown, not run. The blocks of one file run in order in one scratch folder,
with quire on PATH and the Python package importable, so that later examples
build on earlier ones. When a file's examples name s3:// or az://, s3rver and
azurite are started on free loopback ports, with a bucket and a container named
"demo", and the AWS_* / AZURE_STORAGE_* variables point at them.

Usage: run_examples.py --quire BIN --pythonpath DIRS --root PROJECT FILE.md...
Prints "FAIL ..." with the block, its line and its output on the first failure
of each file.
"""
import argparse
import base64
import email.utils
import hashlib
import hmac
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

AZ_ACCOUNT = "devstoreaccount1"
AZ_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return True
        except urllib.error.HTTPError:
            return True  # it answers
        except OSError:
            time.sleep(0.1)
    return False


def start_servers(root, scratch, env):
    procs = []
    s3_port, az_port = free_port(), free_port()
    log = open(os.path.join(scratch, "servers.log"), "w")
    procs.append(subprocess.Popen(
        ["node", "--openssl-legacy-provider", "node_modules/s3rver/bin/s3rver.js", "--address",
         "127.0.0.1", "--port", str(s3_port), "--directory", os.path.join(scratch, ".s3"),
         "--silent"], cwd=root, stdout=log, stderr=log))
    # --disableTelemetry: azurite otherwise reports usage over the network.
    procs.append(subprocess.Popen(
        ["node", "node_modules/azurite/dist/src/blob/main.js", "--blobHost", "127.0.0.1",
         "--blobPort", str(az_port), "--location", os.path.join(scratch, ".az"), "--silent",
         "--skipApiVersionCheck", "--loose", "--disableTelemetry"], cwd=root, stdout=log,
        stderr=log))
    os.makedirs(os.path.join(scratch, ".s3"), exist_ok=True)
    if not wait_http(f"http://127.0.0.1:{s3_port}/") or not wait_http(
            f"http://127.0.0.1:{az_port}/{AZ_ACCOUNT}?comp=list"):
        raise RuntimeError("the test servers did not start")
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{s3_port}/demo", method="PUT"))
    # An Azure container: a PUT signed with the account's Shared Key.
    date = email.utils.formatdate(usegmt=True)
    to_sign = ("PUT\n" + "\n" * 11 + f"x-ms-date:{date}\nx-ms-version:2021-08-06\n"
               f"/{AZ_ACCOUNT}/{AZ_ACCOUNT}/demo\nrestype:container")
    signature = base64.b64encode(hmac.new(base64.b64decode(AZ_KEY), to_sign.encode(),
                                          hashlib.sha256).digest()).decode()
    urllib.request.urlopen(urllib.request.Request(
        f"http://127.0.0.1:{az_port}/{AZ_ACCOUNT}/demo?restype=container", method="PUT",
        headers={"x-ms-date": date, "x-ms-version": "2021-08-06", "Content-Length": "0",
                 "Authorization": f"SharedKey {AZ_ACCOUNT}:{signature}"}))
    env.update({
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}", "AWS_ACCESS_KEY_ID": "S3RVER",
        "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_REGION": "us-east-1",
        "AZURE_STORAGE_ACCOUNT": AZ_ACCOUNT, "AZURE_STORAGE_KEY": AZ_KEY,
        "AZURE_STORAGE_ENDPOINT": f"http://127.0.0.1:{az_port}/{AZ_ACCOUNT}",
    })
    return procs


def run_file(path, args):
    runnable = [b for b in blocks(path) if b[1] in ("sh", "python")]
    scratch = tempfile.mkdtemp(prefix="quire-doc-")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(args.quire)) + os.pathsep + env["PATH"]
    env["PYTHONPATH"] = args.pythonpath
    for k in [k for k in env if k.startswith(("AWS_", "AZURE_"))]:
        del env[k]
    procs = []
    try:
        if any(re.search(r"\b(s3|az)://", text) for _, _, text in runnable):
            procs = start_servers(args.root, scratch, env)
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
        for p in procs:
            p.terminate()
            p.wait()
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
