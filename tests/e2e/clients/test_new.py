#!/usr/bin/env python3
"""End-to-end tests of `fnctl new`, with the built binary.

- Every built-in template (whatever `fnctl new --list` lists): fnctl new,
  fnctl validate, the template's own unit test, fnctl invoke of each example
  event in its events/, and for the HTTP ones one request through
  `fnctl start` on free loopback ports.
- A local directory template: substitution of __SERVICE_NAME__ (contents and
  names, text files only), gitignore -> .gitignore, template.json and .git
  not copied, modes kept, --name, --force, non-empty directories refused.
- A git repository this test creates (file:// URL): default branch, #branch,
  #tag, #commit, //subdir; .git never copied; errors for a missing ref,
  repository or directory.
- Archives served by a loopback HTTP server this test starts: tar.gz and zip
  with the single top-level directory stripped, HTTP errors, and hostile
  archives (zip slip, absolute paths, escaping symlinks) refused with nothing
  written outside the target and no temporary directory left behind.

Environment: FNCTL_BIN (default /work/main/build/fnctl). Needs git, node and
python3. Standard library only.
"""

import functools
import http.client
import http.server
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
FNCTL = os.environ.get("FNCTL_BIN", "/work/main/build/fnctl")
TOKEN = "__SERVICE_NAME__"
SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
START_TIMEOUT = 20
REQUEST_TIMEOUT = 20


def clean_env(**extra):
    """The environment for fnctl: no proxies (loopback only), plus extra."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def tree(root):
    """{relative path: (kind, mode, data or link target)} of everything below root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", 0, os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode), None)
            else:
                with open(path, "rb") as f:
                    out[rel] = ("file", stat.S_IMODE(st.st_mode), f.read())
    return out


def files_of(root):
    """The sorted relative paths of the files and symlinks below root."""
    return sorted(p for p, (kind, _, _) in tree(root).items() if kind != "dir")


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="fnctl-test-new-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        # fnctl's own temporary directories go here, so a leftover is seen
        self.tmpdir = os.path.join(self.tmp, "TMPDIR")
        os.mkdir(self.tmpdir)

    def fnctl(self, *args, cwd=None, rc=0, timeout=120):
        p = subprocess.run([FNCTL, *args], cwd=cwd or self.tmp, capture_output=True, text=True,
                           timeout=timeout, env=clean_env(TMPDIR=self.tmpdir),
                           stdin=subprocess.DEVNULL)
        for marker in SANITIZER:
            self.assertNotIn(marker, p.stderr, f"fnctl {' '.join(args)}")
        if rc is not None:
            self.assertEqual(p.returncode, rc,
                             f"fnctl {' '.join(args)}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def assert_nothing_left(self, parent=None):
        """No temporary or staging directory of fnctl remains."""
        self.assertEqual(os.listdir(self.tmpdir), [], "a temporary directory was left")
        parent = parent or self.tmp
        staging = [n for n in os.listdir(parent) if ".fnctl-new-" in n]
        self.assertEqual(staging, [], "a staging directory was left")

    def assert_no_token(self, root):
        for rel, (kind, _, data) in tree(root).items():
            self.assertNotIn(TOKEN, rel)
            if kind == "file" and b"\0" not in data[:8192]:
                self.assertNotIn(TOKEN.encode(), data, rel)


# --------------------------------------------------------------------------
# the built-in templates

class Gateway:
    """`fnctl start` on free ports in a service directory; stopped by PID."""

    def __init__(self, test, service_dir):
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [FNCTL, "start", "--port", "0", "--aws-port", "0", "--no-watch"],
            cwd=service_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
            env=clean_env(TMPDIR=test.tmpdir))
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        with self.cond:
            while not any("press Ctrl-C to stop" in l for l in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    self.stop()
                    raise AssertionError("fnctl start did not start:\n" + self.output())
                self.cond.wait(min(left, 0.2))
        # "  GET     http://127.0.0.1:PORT/path  -> function"
        self.routes = re.findall(r"^\s+([A-Z*]+)\s+http://127\.0\.0\.1:(\d+)(/\S*)\s+->",
                                 self.output(), re.M)

    def _drain(self):
        for raw in iter(self.proc.stdout.readline, b""):
            with self.cond:
                self.lines.append(raw.decode("utf-8", "replace"))
                self.cond.notify_all()

    def output(self):
        with self.cond:
            return "".join(self.lines)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()


def readme(service_dir):
    path = os.path.join(service_dir, "README.md")
    if not os.path.isfile(path):
        return ""
    with open(path) as f:
        return f.read()


def unit_test_command(service_dir, runtime):
    """The command that runs a template's own tests: the one its README
    shows, else the usual one for its runtime."""
    m = re.search(r"^ {4,}((?:node --test|python3? -m unittest|bash )[^#\n]*)",
                  readme(service_dir), re.M)
    if m:
        cmd = m.group(1).split()
        if cmd[0].startswith("python"):
            cmd[0] = sys.executable
        return ["bash", "-c", " ".join(cmd)] if any("*" in a for a in cmd) else cmd

    def first_dir(*names):
        return next((n for n in names if os.path.isdir(os.path.join(service_dir, n))), None)
    if runtime.startswith("nodejs"):
        return ["node", "--test"]
    if runtime.startswith("python"):
        tests = first_dir("tests", "test")
        return [sys.executable, "-m", "unittest", "discover", "-s", tests or ".", "-t", "."]
    tests = first_dir("test", "tests")
    if not tests:
        return None
    scripts = sorted(f for f in os.listdir(os.path.join(service_dir, tests)) if f.endswith(".sh"))
    return ["bash", "-c", " && ".join(f"bash {tests}/{s}" for s in scripts)] if scripts else None


def function_for_event(service_dir, functions, event_file):
    """The function an example event is for: as the README invokes it, else
    the one named in the file's name, else the only one."""
    m = re.search(r"fnctl invoke (\S+) --event-file events/" + re.escape(event_file) + r"\b",
                  readme(service_dir))
    if m and m.group(1) in functions:
        return m.group(1)

    def squash(s):
        return re.sub(r"[^a-z0-9]", "", s.lower())
    stem = squash(os.path.splitext(event_file)[0])
    named = sorted((f for f in functions if squash(f) in stem), key=len, reverse=True)
    if named:
        return named[0]
    return next(iter(functions)) if len(functions) == 1 else None


class BuiltinTemplates(Base):
    def builtins(self):
        p = self.fnctl("new", "--list", "--json")
        return json.loads(p.stdout)

    def test_list_matches_the_source_tree(self):
        listed = self.builtins()
        names = [t["name"] for t in listed]
        src = os.path.join(SOURCE, "templates")
        expected = sorted(d for d in os.listdir(src)
                          if os.path.isdir(os.path.join(src, d))) if os.path.isdir(src) else []
        self.assertEqual(names, expected)
        self.assertTrue(names, "no built-in templates")
        text = self.fnctl("new", "--list").stdout.splitlines()
        self.assertEqual(len(text), len(listed))
        for line, t in zip(text, listed):
            self.assertTrue(t["description"], t["name"])
            self.assertTrue(t["runtime"], t["name"])
            self.assertEqual(line.split()[:2], [t["name"], t["runtime"]])
            self.assertTrue(line.rstrip().endswith(t["description"]), line)

    def test_each_template_end_to_end(self):
        templates = self.builtins()
        self.assertTrue(templates, "no built-in templates")
        for t in templates:
            with self.subTest(template=t["name"]):
                self.end_to_end(t["name"], t["runtime"])

    def end_to_end(self, name, runtime):
        service = "my-" + name
        target = os.path.join(self.tmp, service)
        p = self.fnctl("new", name, service)
        files = files_of(target)
        listed = [l.strip() for l in p.stdout.splitlines() if l.startswith("  ")][:len(files)]
        self.assertEqual(listed, files, p.stdout)
        self.assertIn(f"cd {service} && fnctl start", p.stdout)
        self.assertIn("serverless.yml", files)
        self.assertNotIn("template.json", files)
        self.assert_no_token(target)
        self.assert_nothing_left()
        src = os.path.join(SOURCE, "templates", name)
        for rel, (kind, mode, _) in tree(src).items():
            out = os.path.join(target, rel.replace("gitignore", ".gitignore")
                               if os.path.basename(rel) == "gitignore" else rel)
            if kind == "file" and rel != "template.json":
                self.assertTrue(os.path.lexists(out), rel)
                want = 0o755 if mode & 0o111 else 0o644
                self.assertEqual(stat.S_IMODE(os.lstat(out).st_mode) & 0o755, want & 0o755, rel)

        # the manifest loads, with the service name substituted
        doc = json.loads(self.fnctl("validate", "--json", cwd=target).stdout)
        self.assertTrue(doc["ok"])
        self.assertEqual(doc["service"]["service"], service)
        functions = doc["service"]["functions"]
        self.assertTrue(functions)

        # the template's own unit test passes
        cmd = unit_test_command(target, runtime)
        self.assertIsNotNone(cmd, f"{name}: no unit test found")
        r = subprocess.run(cmd, cwd=target, capture_output=True, text=True, timeout=180,
                           env=clean_env(), stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, f"{name}: {cmd}\n{r.stdout}\n{r.stderr}")

        # each example event runs through fnctl invoke
        events_dir = os.path.join(target, "events")
        events = sorted(os.listdir(events_dir)) if os.path.isdir(events_dir) else []
        events = [e for e in events if e.endswith(".json")]
        self.assertTrue(events, f"{name}: no example event in events/")
        for event in events:
            fn = function_for_event(target, functions, event)
            self.assertIsNotNone(fn, f"{name}: which function is events/{event} for?")
            r = self.fnctl("invoke", fn, "--event-file", os.path.join("events", event),
                           cwd=target)
            payload = json.loads(r.stdout)
            if isinstance(payload, dict) and "statusCode" in payload:
                self.assertLess(payload["statusCode"], 500, f"{name}: {event}: {r.stdout}")

        # the HTTP ones answer a request through fnctl start
        http_events = [e for f in functions.values() for e in f["events"]
                       if e["type"] in ("httpApi", "http")]
        if http_events:
            self.request_through_gateway(name, target)

    def request_through_gateway(self, name, target):
        gw = Gateway(self, target)
        try:
            self.assertTrue(gw.routes, gw.output())
            plain = [r for r in gw.routes if r[0] in ("GET", "ANY", "*") and "{" not in r[2]]
            method, port, path = plain[0] if plain else gw.routes[0]
            method = "GET" if method in ("ANY", "*") else method
            path = re.sub(r"\{[^}]+\}", "1", path)
            conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=REQUEST_TIMEOUT)
            body = b"{}" if method in ("POST", "PUT", "PATCH") else None
            conn.request(method, path, body=body, headers={"content-type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            if plain:
                self.assertEqual(resp.status, 200, f"{name}: {method} {path}: {data!r}")
            else:
                self.assertLess(resp.status, 500, f"{name}: {method} {path}: {data!r}")
            self.assertNotEqual(data, b'{"message":"Not Found"}')
        finally:
            gw.stop()
        for marker in SANITIZER:
            self.assertNotIn(marker, gw.output())

    def test_unknown_template_did_you_mean(self):
        names = [t["name"] for t in self.builtins()]
        self.assertTrue(names, "no built-in templates")
        typo = names[0][:-1] + ("x" if names[0][-1] != "x" else "y")
        p = self.fnctl("new", typo, "svc", rc=2)
        self.assertEqual(p.stdout, "")
        self.assertIn(f"fnctl: unknown template '{typo}'", p.stderr)
        self.assertIn(f"did you mean '{names[0]}'?", p.stderr)
        self.assertIn("fnctl new --list", p.stderr)
        p = self.fnctl("new", "zzzzzzzzzzzz", "svc", rc=2)
        self.assertIn("fnctl: unknown template 'zzzzzzzzzzzz'", p.stderr)
        self.assertIn("fnctl new --list", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "svc")))

    def test_default_directory_is_the_template_name(self):
        name = self.builtins()[0]["name"]
        self.fnctl("new", name, "-q")
        doc = json.loads(self.fnctl("validate", "--json", cwd=os.path.join(self.tmp, name)).stdout)
        self.assertEqual(doc["service"]["service"], name)


# --------------------------------------------------------------------------
# a local directory

def make_fixture(root):
    """A small template: a node function, a binary file, a script, names with the token."""
    os.makedirs(os.path.join(root, "src"))
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, ".git", "objects"))
    files = {
        "serverless.yml": "service: __SERVICE_NAME__\nprovider:\n  name: aws\n"
                          "  runtime: nodejs20.x\nfunctions:\n  hello:\n"
                          "    handler: src/handler.hello\n",
        "src/handler.js": "exports.hello = async () => ({ statusCode: 200, "
                          "body: 'hello from __SERVICE_NAME__' });\n",
        "bin/bootstrap": "#!/bin/sh\necho __SERVICE_NAME__\n",
        "gitignore": "node_modules/\n",
        "template.json": '{"description": "fixture", "runtime": "nodejs20.x"}\n',
        "__SERVICE_NAME__.md": "# __SERVICE_NAME__\n",
        ".git/HEAD": "ref: refs/heads/main\n",
        ".git/objects/x": "not copied\n",
    }
    for rel, text in files.items():
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    with open(os.path.join(root, "blob.bin"), "wb") as f:
        f.write(b"\0\1binary __SERVICE_NAME__ stays")
    os.chmod(os.path.join(root, "bin", "bootstrap"), 0o755)
    os.symlink("src/handler.js", os.path.join(root, "main.js"))


class LocalTemplate(Base):
    def setUp(self):
        super().setUp()
        self.tpl = os.path.join(self.tmp, "tpl")
        make_fixture(self.tpl)

    def test_writes_the_template(self):
        p = self.fnctl("new", "./tpl", "shop")
        out = os.path.join(self.tmp, "shop")
        expected = [".gitignore", "bin/bootstrap", "blob.bin", "main.js", "serverless.yml",
                    "shop.md", "src/handler.js"]
        self.assertEqual(files_of(out), expected)
        self.assertEqual(p.stdout, "created 'shop' (service 'shop') from './tpl':\n"
                         + "".join(f"  {f}\n" for f in expected)
                         + "\nnext steps:\n  cd shop && fnctl start\n")
        t = tree(out)
        self.assertEqual(t["serverless.yml"][2].splitlines()[0], b"service: shop")
        self.assertIn(b"hello from shop", t["src/handler.js"][2])
        self.assertEqual(t["shop.md"][2], b"# shop\n")
        self.assertEqual(t["blob.bin"][2], b"\0\1binary __SERVICE_NAME__ stays")
        self.assertEqual(t["bin/bootstrap"][1], 0o755)
        self.assertEqual(t["serverless.yml"][1], 0o644)
        self.assertEqual(t["main.js"], ("link", 0, "src/handler.js"))
        self.assertEqual(t[".gitignore"][2], b"node_modules/\n")
        self.assert_nothing_left()
        # it runs
        r = self.fnctl("invoke", "hello", "--data", "{}", cwd=out)
        self.assertEqual(json.loads(r.stdout)["body"], "hello from shop")

    def test_name_option_and_default_directory(self):
        self.fnctl("new", "./tpl", "--name", "custom-name", "-q")
        out = os.path.join(self.tmp, "custom-name")
        self.assertIn(b"service: custom-name", tree(out)["serverless.yml"][2])
        self.fnctl("new", os.path.join(self.tmp, "tpl"), "other", "--name", "named", "-q")
        self.assertIn(b"service: named", tree(os.path.join(self.tmp, "other"))["serverless.yml"][2])
        os.makedirs(os.path.join(self.tmp, "from"))
        shutil.copytree(self.tpl, os.path.join(self.tmp, "from", "my-tpl"), symlinks=True)
        p = self.fnctl("new", "./from/my-tpl", "-q")  # the template directory's name
        self.assertEqual(p.stdout, "")
        self.assertIn(b"service: my-tpl",
                      tree(os.path.join(self.tmp, "my-tpl"))["serverless.yml"][2])

    def test_invalid_service_names(self):
        p = self.fnctl("new", "./tpl", "bad_name", rc=2)
        self.assertIn("fnctl: 'bad_name' is not a valid service name", p.stderr)
        self.assertIn("--name", p.stderr)
        for bad in ("1abc", "a b", "x" * 129, "-x"):
            p = self.fnctl("new", "./tpl", "ok", "--name", bad, rc=2)
            self.assertIn("is not a valid service name", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad_name")))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "ok")))
        self.fnctl("new", "./tpl", "ok", "--name", "a" * 128, "-q")

    def test_refuses_a_non_empty_directory(self):
        out = os.path.join(self.tmp, "busy")
        os.makedirs(out)
        with open(os.path.join(out, "serverless.yml"), "w") as f:
            f.write("mine\n")
        with open(os.path.join(out, "keep.txt"), "w") as f:
            f.write("keep\n")
        before = tree(out)
        p = self.fnctl("new", "./tpl", "busy", rc=2)
        self.assertEqual(p.stderr.splitlines()[0], "fnctl: 'busy' is not empty")
        self.assertIn("--force", p.stderr)
        self.assertEqual(tree(out), before)
        self.fnctl("new", "./tpl", "busy", "--force", "-q")
        t = tree(out)
        self.assertEqual(t["keep.txt"][2], b"keep\n")
        self.assertEqual(t["serverless.yml"][2].splitlines()[0], b"service: busy")
        self.assertIn("src/handler.js", t)
        self.assert_nothing_left(out)

    def test_force_never_replaces_a_directory_with_a_file(self):
        out = os.path.join(self.tmp, "clash")
        os.makedirs(os.path.join(out, "blob.bin"))
        before = tree(out)
        p = self.fnctl("new", "./tpl", "clash", "--force", rc=1)
        self.assertIn("cannot replace 'blob.bin'", p.stderr)
        self.assertEqual(tree(out), before)
        self.assert_nothing_left(out)

    def test_empty_existing_directory_and_dot(self):
        out = os.path.join(self.tmp, "empty")
        os.makedirs(out)
        p = self.fnctl("new", "../tpl", ".", cwd=out)
        self.assertIn("service 'empty'", p.stdout)
        self.assertTrue(p.stdout.endswith("next steps:\n  fnctl start\n"), p.stdout)
        self.assertIn(b"service: empty", tree(out)["serverless.yml"][2])
        self.assert_nothing_left(out)

    def test_new_parent_directories(self):
        self.fnctl("new", "./tpl", "a/b/svc", "-q")
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "a", "b", "svc", "serverless.yml")))

    def test_json_output(self):
        doc = json.loads(self.fnctl("new", "./tpl", "svc", "--json").stdout)
        self.assertEqual(doc["ok"], True)
        self.assertEqual(doc["service"], "svc")
        self.assertEqual(doc["files"], files_of(os.path.join(self.tmp, "svc")))

    def test_escaping_symlink_in_the_template(self):
        os.symlink("../../../etc", os.path.join(self.tpl, "src", "evil"))
        p = self.fnctl("new", "./tpl", "svc", rc=1)
        self.assertIn("symlink 'src/evil' points outside the directory", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "svc")))
        self.assert_nothing_left()

    def test_target_inside_the_template(self):
        p = self.fnctl("new", "./tpl", "tpl/inner", rc=1)
        self.assertIn("is inside the template", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tpl, "inner")))
        self.assert_nothing_left(self.tpl)

    def test_missing_directory_and_no_manifest(self):
        p = self.fnctl("new", "./nowhere", "svc", rc=2)
        self.assertIn("fnctl: template directory './nowhere' does not exist", p.stderr)
        os.remove(os.path.join(self.tpl, "serverless.yml"))
        p = self.fnctl("new", "./tpl", "svc")
        self.assertIn("fnctl: warning: the template './tpl' has no serverless.yml", p.stderr)

    def test_help_and_completion(self):
        p = self.fnctl("new", "--help")
        self.assertIn("usage: fnctl new", p.stdout)
        self.assertIn("--list", p.stdout)


# --------------------------------------------------------------------------
# a git repository

def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=fnctl test", "-c", "user.email=test@example.com",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=cwd, check=True, capture_output=True, env=clean_env(GIT_CONFIG_GLOBAL="/dev/null"))


class GitTemplate(Base):
    @classmethod
    def setUpClass(cls):
        cls.repo_parent = tempfile.mkdtemp(prefix="fnctl-test-new-git-")
        repo = cls.repo = os.path.join(cls.repo_parent, "tpl-repo")
        os.makedirs(os.path.join(repo, "templates", "api"))
        git("init", "-q", cwd=repo)
        with open(os.path.join(repo, "templates", "api", "serverless.yml"), "w") as f:
            f.write("service: __SERVICE_NAME__\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
                    "functions:\n  a:\n    handler: h.a\n")
        with open(os.path.join(repo, "templates", "api", "first.txt"), "w") as f:
            f.write("first\n")
        with open(os.path.join(repo, "README.md"), "w") as f:
            f.write("# the repository\n")
        git("add", "-A", cwd=repo)
        git("commit", "-q", "-m", "one", cwd=repo)
        git("tag", "v1", cwd=repo)
        git("checkout", "-q", "-b", "dev", cwd=repo)
        git("rm", "-q", "templates/api/first.txt", cwd=repo)
        with open(os.path.join(repo, "templates", "api", "second.txt"), "w") as f:
            f.write("second of __SERVICE_NAME__\n")
        git("add", "-A", cwd=repo)
        git("commit", "-q", "-m", "two", cwd=repo)
        cls.dev_commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True,
                                        capture_output=True, text=True).stdout.strip()
        git("checkout", "-q", "main", cwd=repo)
        # main moves on past the tag
        with open(os.path.join(repo, "templates", "api", "third.txt"), "w") as f:
            f.write("third\n")
        git("add", "-A", cwd=repo)
        git("commit", "-q", "-m", "three", cwd=repo)
        cls.url = "file://" + repo

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.repo_parent, True)

    def new(self, spec, target="svc", rc=0):
        p = self.fnctl("new", spec, target, "-q", rc=rc)
        return p, os.path.join(self.tmp, target)

    def test_default_branch_and_subdirectory(self):
        _, out = self.new(self.url + "//templates/api")
        self.assertEqual(files_of(out), ["first.txt", "serverless.yml", "third.txt"])
        self.assertIn(b"service: svc", tree(out)["serverless.yml"][2])
        self.assert_nothing_left()

    def test_branch_tag_and_commit(self):
        _, out = self.new(self.url + "//templates/api#dev", "b")
        self.assertEqual(files_of(out), ["second.txt", "serverless.yml"])
        self.assertEqual(tree(out)["second.txt"][2], b"second of b\n")
        _, out = self.new(self.url + "//templates/api#v1", "t")
        self.assertEqual(files_of(out), ["first.txt", "serverless.yml"])
        _, out = self.new(self.url + "//templates/api#" + self.dev_commit[:12], "c")
        self.assertEqual(files_of(out), ["second.txt", "serverless.yml"])
        _, out = self.new("git+" + self.url + "//templates/api#v1", "g")
        self.assertEqual(files_of(out), ["first.txt", "serverless.yml"])
        self.assert_nothing_left()

    def test_whole_repository_without_git_dir(self):
        p = self.fnctl("new", self.url, "whole")
        out = os.path.join(self.tmp, "whole")
        self.assertNotIn(".git", os.listdir(out))
        self.assertEqual(files_of(out), ["README.md", "templates/api/first.txt",
                                         "templates/api/serverless.yml",
                                         "templates/api/third.txt"])
        self.assertIn("has no serverless.yml", p.stderr)
        # the default directory: the repository's name
        self.fnctl("new", self.url + "//templates/api", "-q")
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "api", "serverless.yml")))

    def test_errors(self):
        p, out = self.new(self.url + "#nope", rc=1)
        self.assertIn(f"fnctl: no branch, tag or commit 'nope' in '{self.url}'", p.stderr)
        self.assertFalse(os.path.exists(out))
        p, out = self.new(self.url + "//templates/missing", rc=1)
        self.assertIn("'templates/missing' is not a directory of", p.stderr)
        p, out = self.new(self.url + "//../..", rc=1)
        self.assertIn("is not a directory of", p.stderr)
        p, out = self.new("file://" + self.repo_parent + "/nothing.git", rc=1)
        self.assertIn("fnctl: cannot clone 'file://", p.stderr)
        self.assertFalse(os.path.exists(out))
        self.assert_nothing_left()


# --------------------------------------------------------------------------
# archives over HTTP

def tar_bytes(entries, gz=True):
    """entries: (name, kind, data/target, mode); kind 'f', 'd', 'l'."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            if kind == "f":
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            elif kind == "d":
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            else:
                info.type = tarfile.SYMTYPE
                info.linkname = data
                t.addfile(info)
    return buf.getvalue()


def zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, kind, data, mode in entries:
            info = zipfile.ZipInfo(name)
            if kind == "l":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                z.writestr(info, data)
            elif kind == "d":
                info.external_attr = (stat.S_IFDIR | mode) << 16
                z.writestr(info, b"")
            else:
                info.external_attr = (stat.S_IFREG | mode) << 16
                z.writestr(info, data)
    return buf.getvalue()


GOOD = [
    ("proj-1.0/", "d", None, 0o755),
    ("proj-1.0/serverless.yml", "f", b"service: __SERVICE_NAME__\nprovider:\n  name: aws\n"
     b"  runtime: provided.al2023\nfunctions:\n  f:\n    handler: bootstrap\n", 0o644),
    ("proj-1.0/bootstrap", "f", b"#!/bin/sh\necho __SERVICE_NAME__\n", 0o755),
    ("proj-1.0/gitignore", "f", b".fnctl/\n", 0o644),
    ("proj-1.0/docs/", "d", None, 0o755),
    ("proj-1.0/docs/link.md", "l", "../serverless.yml", 0o777),
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class ArchiveTemplate(Base):
    @classmethod
    def setUpClass(cls):
        cls.served = tempfile.mkdtemp(prefix="fnctl-test-new-http-")
        cls.victim = os.path.realpath(tempfile.mkdtemp(prefix="fnctl-test-new-victim-"))
        abs_name = os.path.join(cls.victim, "abs.txt")
        archives = {
            "good.tar.gz": tar_bytes(GOOD),
            "good.tgz": tar_bytes(GOOD),
            "good.tar": tar_bytes(GOOD, gz=False),
            "good.zip": zip_bytes(GOOD),
            "flat.tar.gz": tar_bytes([("serverless.yml", "f", b"service: __SERVICE_NAME__\n", 0o644),
                                      ("one/", "d", None, 0o755)]),
            "slip.tar.gz": tar_bytes([("ok.txt", "f", b"ok", 0o644),
                                      ("../x.txt", "f", b"pwned", 0o644)]),
            "slip.zip": zip_bytes([("ok.txt", "f", b"ok", 0o644),
                                   ("../../x.txt", "f", b"pwned", 0o644)]),
            "abs.tar.gz": tar_bytes([("ok.txt", "f", b"ok", 0o644),
                                     (abs_name, "f", b"pwned", 0o644)]),
            "abs.zip": zip_bytes([(abs_name, "f", b"pwned", 0o644)]),
            "link-abs.tar.gz": tar_bytes([("evil", "l", cls.victim, 0o777),
                                          ("evil/through.txt", "f", b"pwned", 0o644)]),
            "link-etc.tar.gz": tar_bytes([("evil", "l", "/etc", 0o777),
                                          ("evil/fnctl-test-new-must-not-exist", "f", b"x", 0o644)]),
            "link-up.tar.gz": tar_bytes([("d/", "d", None, 0o755),
                                         ("d/a", "l", "../../x", 0o777)]),
            "link-up.zip": zip_bytes([("a", "l", "../../x", 0o777)]),
            "link-chain.tar.gz": tar_bytes([("s", "l", ".", 0o777),
                                            ("t", "l", "s/../x.txt", 0o777)]),
            "junk.tar.gz": b"this is not an archive, only text\n" * 10,
        }
        for name, data in archives.items():
            with open(os.path.join(cls.served, name), "wb") as f:
                f.write(data)
        handler = functools.partial(Quiet, directory=cls.served)
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}/"
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.thread.join()
        shutil.rmtree(cls.served, True)
        shutil.rmtree(cls.victim, True)

    def test_good_archives(self):
        for name in ("good.tar.gz", "good.tgz", "good.tar", "good.zip"):
            with self.subTest(archive=name):
                target = "svc-" + name.replace(".", "-")
                self.fnctl("new", self.base + name, target, "-q")
                out = os.path.join(self.tmp, target)
                t = tree(out)
                self.assertEqual(files_of(out), [".gitignore", "bootstrap", "docs/link.md",
                                                 "serverless.yml"])
                self.assertEqual(t["bootstrap"], ("file", 0o755,
                                                  f"#!/bin/sh\necho {target}\n".encode()))
                self.assertEqual(t["serverless.yml"][1], 0o644)
                self.assertEqual(t["docs/link.md"], ("link", 0, "../serverless.yml"))
                self.assertEqual(json.loads(self.fnctl("validate", "--json", cwd=out).stdout)
                                 ["service"]["service"], target)
        self.assert_nothing_left()

    def test_default_directory_and_flat_archive(self):
        self.fnctl("new", self.base + "good.tar.gz", "-q")
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "good", "bootstrap")))
        self.fnctl("new", self.base + "flat.tar.gz", "flat", "-q")
        self.assertEqual(files_of(os.path.join(self.tmp, "flat")), ["serverless.yml"])

    def test_file_url_and_local_archive(self):
        self.fnctl("new", "file://" + os.path.join(self.served, "good.zip"), "a", "-q")
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "a", "bootstrap")))
        self.fnctl("new", os.path.join(self.served, "good.tar.gz"), "b", "-q")
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "b", "bootstrap")))

    def test_http_errors(self):
        p = self.fnctl("new", self.base + "missing.tar.gz", "svc", rc=1)
        self.assertIn(f"fnctl: cannot download '{self.base}missing.tar.gz': HTTP 404", p.stderr)
        p = self.fnctl("new", self.base + "junk.tar.gz", "svc", rc=1)
        self.assertIn(f"fnctl: cannot read '{self.base}junk.tar.gz'", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "svc")))
        self.assert_nothing_left()

    def test_hostile_archives_refused(self):
        cases = {
            "slip.tar.gz": "refusing to extract '../x.txt'",
            "slip.zip": "refusing to extract '../../x.txt'",
            "abs.tar.gz": "absolute path",
            "abs.zip": "absolute path",
            "link-abs.tar.gz": "refusing to extract 'evil'",
            "link-etc.tar.gz": "a symlink pointing outside the directory",
            "link-up.tar.gz": "refusing to extract 'd/a'",
            "link-up.zip": "a symlink pointing outside the directory",
            "link-chain.tar.gz": "symlink 't' points outside the directory",
        }
        before = tree(self.tmp)
        for name, message in cases.items():
            with self.subTest(archive=name):
                p = self.fnctl("new", self.base + name, "svc", rc=1)
                self.assertIn(message, p.stderr)
                self.assertFalse(os.path.lexists(os.path.join(self.tmp, "svc")))
                self.assertEqual(tree(self.tmp), before, "something was written")
                self.assertEqual(os.listdir(self.victim), [], "written outside the target")
                self.assertFalse(os.path.lexists(os.path.join(self.tmp, "x.txt")))
                self.assertFalse(os.path.lexists("/etc/fnctl-test-new-must-not-exist"))
                self.assert_nothing_left()


if __name__ == "__main__":
    unittest.main()
