"""fnctl package end to end: real npm dependencies and vendored python packages
are traced, zipped, unzipped into an empty directory and run there; the same
tree packaged twice gives the same bytes.

The node fixture's dependencies are installed once per package-lock.json (npm
ci from the registry) into ~/.cache/fnctl-tests and copied into each test's
temporary copy of the fixture."""
import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FNCTL = os.environ.get("FNCTL_BIN", os.path.join(HERE, "../../../build/fnctl"))
DATA = os.path.join(HERE, "../../data/package")
DIST_PACKAGES = "/usr/lib/python3/dist-packages"
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "fnctl-tests")


def node_modules():
    """The fixture's node_modules, installed once per lock file."""
    lock = os.path.join(DATA, "node-service", "package-lock.json")
    with open(lock, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    root = os.path.join(CACHE, "npm-" + digest)
    if not os.path.isdir(os.path.join(root, "node_modules")):
        work = tempfile.mkdtemp(prefix="npm-", dir=os.path.dirname(root) if os.path.isdir(
            os.path.dirname(root)) else None)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(DATA, "node-service", name), work)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                       cwd=work, check=True, stdout=subprocess.DEVNULL)
        os.makedirs(os.path.dirname(root), exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)
        os.rename(work, root)
    return os.path.join(root, "node_modules")


def package(cwd, *args, env=None):
    return subprocess.run([FNCTL, "package", *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=120)


def unzip(path, dest):
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise AssertionError(path + ": a corrupt entry")
        z.extractall(dest)
        return z.namelist(), z.infolist()


class NodeService(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fnctl-pkg-node-")
        cls.svc = os.path.join(cls.tmp, "svc")
        shutil.copytree(os.path.join(DATA, "node-service"), cls.svc)
        shutil.copytree(node_modules(), os.path.join(cls.svc, "node_modules"), symlinks=True)
        cls.run1 = package(cls.svc, "--json")
        cls.report = json.loads(cls.run1.stdout) if cls.run1.stdout.strip() else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def zip_of(self, name):
        for z in self.report["zips"]:
            if z["name"] == name:
                return z
        self.fail("no zip named %s in %s" % (name, self.report))

    def test_report(self):
        self.assertEqual(self.run1.returncode, 0, self.run1.stderr)
        self.assertTrue(self.report["ok"])
        self.assertEqual(sorted(z["name"] for z in self.report["zips"]), ["api", "esm"])
        api = self.zip_of("api")
        self.assertEqual(api["path"], os.path.join(self.svc, ".fnctl", "dist", "api.zip"))
        self.assertEqual(api["functions"], ["api"])
        with open(api["path"], "rb") as f:
            data = f.read()
        self.assertEqual(api["zipped"], len(data))
        self.assertEqual(api["codeSha256"], base64.b64encode(hashlib.sha256(data).digest()).decode())
        with zipfile.ZipFile(api["path"]) as z:
            self.assertEqual(api["files"], len(z.namelist()))
            self.assertEqual(api["unzipped"], sum(i.file_size for i in z.infolist()))
        self.assertIn("uuid", [c["name"] for c in api["largest"]])
        self.assertEqual(self.report["limits"]["request"], 69905067)

    def test_computed_require_is_a_warning_with_its_line(self):
        warnings = self.report["warnings"]
        self.assertTrue(any(w["file"].endswith("src/lib/greet.js") and w["line"] == 9
                            for w in warnings), warnings)

    def test_api_zip_holds_what_the_handler_reaches(self):
        names = zipfile.ZipFile(self.zip_of("api")["path"]).namelist()
        self.assertEqual(names, sorted(names, key=lambda n: n.encode()))
        for want in ("src/handler.js", "src/lib/greet.js", "config/settings.json", "package.json",
                     "node_modules/uuid/package.json", "node_modules/uuid/dist/cjs/index.js"):
            self.assertIn(want, names)
        for name in names:
            self.assertFalse(name.startswith("node_modules/express/"), name)
            self.assertFalse(name.startswith("node_modules/is-number/"), name)
            self.assertFalse(name.startswith("node_modules/@aws-sdk/"), name)
            self.assertFalse(name.endswith(".md"), name)
            self.assertNotEqual(name, "src/handler.test.js")
            self.assertFalse(name.startswith("node_modules/uuid/dist/esm-browser/"), name)

    def test_esm_zip_takes_the_import_condition(self):
        names = zipfile.ZipFile(self.zip_of("esm")["path"]).namelist()
        self.assertIn("src/esm.mjs", names)
        self.assertIn("node_modules/uuid/dist/esm/index.js", names)
        self.assertNotIn("src/handler.js", names)

    def test_modes_and_times_are_normalised(self):
        for info in zipfile.ZipFile(self.zip_of("api")["path"]).infolist():
            self.assertEqual(info.external_attr >> 16, 0o100644, info.filename)
            self.assertEqual(info.date_time, (1980, 1, 1, 0, 0, 0), info.filename)

    def aws_sdk_only(self):
        """What the nodejs20.x runtime provides: @aws-sdk (and only it) on NODE_PATH."""
        runtime = os.path.join(self.tmp, "runtime-node_modules")
        if not os.path.isdir(runtime):
            os.makedirs(runtime)
            os.symlink(os.path.join(self.svc, "node_modules", "@aws-sdk"),
                       os.path.join(runtime, "@aws-sdk"))
        return runtime

    def test_unzipped_cjs_handler_runs(self):
        dest = tempfile.mkdtemp(dir=self.tmp)
        unzip(self.zip_of("api")["path"], dest)
        out = subprocess.run(
            ["node", "-e", "require(process.argv[1]).main({name: 'zip'})"
             ".then(r => console.log(JSON.stringify(r)))", os.path.join(dest, "src", "handler.js")],
            capture_output=True, text=True, timeout=60,
            env=dict(os.environ, NODE_PATH=self.aws_sdk_only()))
        self.assertEqual(out.returncode, 0, out.stderr)
        body = json.loads(json.loads(out.stdout)["body"])
        self.assertTrue(body["valid"])
        self.assertEqual(body["greeting"], "Hello, zip!")
        self.assertEqual(body["s3"], "function")

    def test_unzipped_esm_handler_runs(self):
        dest = tempfile.mkdtemp(dir=self.tmp)
        unzip(self.zip_of("esm")["path"], dest)
        out = subprocess.run(
            ["node", "--input-type=module", "-e",
             "const m = await import(process.argv[1]);"
             "console.log(JSON.stringify(await m.handler({})))",
             os.path.join(dest, "src", "esm.mjs")],
            capture_output=True, text=True, timeout=60, env=dict(os.environ, NODE_PATH=""))
        self.assertEqual(out.returncode, 0, out.stderr)
        result = json.loads(out.stdout)
        self.assertTrue(result["valid"])
        self.assertEqual(result["greeting"], "Hello, esm.")

    def test_same_tree_same_bytes_in_any_zone_and_locale(self):
        other = os.path.join(self.tmp, "again")
        run = package(self.svc, "-o", other, env={"TZ": "Asia/Kolkata", "LC_ALL": "C.UTF-8"})
        self.assertEqual(run.returncode, 0, run.stderr)
        # touch every source: mtimes must not matter
        for root, _, files in os.walk(os.path.join(self.svc, "src")):
            for f in files:
                os.utime(os.path.join(root, f), (1e9, 1e9))
        third = os.path.join(self.tmp, "third")
        run = package(self.svc, "-o", third, env={"TZ": "America/New_York"})
        self.assertEqual(run.returncode, 0, run.stderr)
        for name in ("api.zip", "esm.zip"):
            with open(os.path.join(self.svc, ".fnctl", "dist", name), "rb") as f:
                first = f.read()
            for d in (other, third):
                with open(os.path.join(d, name), "rb") as f:
                    self.assertEqual(f.read(), first, name + " differs in " + d)

    def test_source_date_epoch_sets_the_times(self):
        out = os.path.join(self.tmp, "sde")
        run = package(self.svc, "api", "-o", out, env={"SOURCE_DATE_EPOCH": "1700000000"})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(os.listdir(out), ["api.zip"])
        for info in zipfile.ZipFile(os.path.join(out, "api.zip")).infolist():
            # 2023-11-14T22:13:20Z, in UTC whatever the zone
            self.assertEqual(info.date_time, (2023, 11, 14, 22, 13, 20))

    def test_gitignore_never_filters_traced_or_named_files(self):
        svc = os.path.join(self.tmp, "git-svc")
        shutil.copytree(self.svc, svc, symlinks=True, ignore=shutil.ignore_patterns(".fnctl"))
        with open(os.path.join(svc, "config", "local.json"), "w") as f:
            f.write("{}\n")
        with open(os.path.join(svc, ".gitignore"), "a") as f:
            f.write("config/local.json\n")
        subprocess.run(["git", "init", "-q", svc], check=True)
        run = package(svc, "api", "--json")
        self.assertEqual(run.returncode, 0, run.stderr)
        names = zipfile.ZipFile(os.path.join(svc, ".fnctl", "dist", "api.zip")).namelist()
        self.assertIn("config/settings.json", names)
        self.assertIn("config/local.json", names)  # named by 'config/*.json'
        self.assertIn("node_modules/uuid/dist/cjs/index.js", names)  # ignored, but traced

    def test_bundle_aws_sdk_keeps_it(self):
        out = os.path.join(self.tmp, "sdk")
        run = package(self.svc, "api", "-o", out, "--bundle-aws-sdk")
        self.assertEqual(run.returncode, 0, run.stderr)
        names = zipfile.ZipFile(os.path.join(out, "api.zip")).namelist()
        self.assertIn("node_modules/@aws-sdk/client-s3/package.json", names)

    def test_text_report(self):
        run = package(self.svc, "api", "-o", os.path.join(self.tmp, "text"))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("api.zip", run.stdout)
        self.assertIn("CodeSha256", run.stdout)
        self.assertIn("limit 50 MB", run.stdout)
        self.assertIn("greet.js:9", run.stderr)

    def test_unknown_function(self):
        run = package(self.svc, "apii")
        self.assertEqual(run.returncode, 2)
        self.assertIn("no function 'apii'", run.stderr)
        self.assertIn("did you mean 'api'?", run.stderr)


class PythonService(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fnctl-pkg-py-")
        cls.svc = os.path.join(cls.tmp, "svc")
        shutil.copytree(os.path.join(DATA, "python-service"), cls.svc)
        site = os.path.join(cls.svc, ".venv", "lib", "python3.11", "site-packages")
        os.makedirs(site)
        # real packages, vendored as pip would install them
        for name in ("yaml", "_yaml", "PyYAML-6.0.dist-info", "xmltodict.py", "six.py"):
            src = os.path.join(DIST_PACKAGES, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(site, name),
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(src, site)
        cls.run1 = package(cls.svc, "--json")
        cls.report = json.loads(cls.run1.stdout) if cls.run1.stdout.strip() else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_one_service_zip(self):
        self.assertEqual(self.run1.returncode, 0, self.run1.stderr)
        self.assertEqual([z["name"] for z in self.report["zips"]], ["pkg-fixture-py"])
        self.assertEqual(self.report["zips"][0]["functions"], ["worker"])
        self.assertEqual(self.report["warnings"], [])

    def test_zip_holds_the_traced_modules_at_the_root(self):
        names = zipfile.ZipFile(self.report["zips"][0]["path"]).namelist()
        for want in ("handler.py", "lib/__init__.py", "lib/render.py", "lib/fmt.py",
                     "yaml/__init__.py", "yaml/constructor.py", "xmltodict.py",
                     "PyYAML-6.0.dist-info/METADATA"):
            self.assertIn(want, names)
        for name in names:
            self.assertFalse(name.startswith(".venv/"), name)
            self.assertFalse(name.startswith("boto3/") or name.startswith("botocore/"), name)
            self.assertNotIn(name, ("lib/unused.py", "six.py", "serverless.yml"))
            self.assertNotIn("__pycache__", name)

    def test_unzipped_handler_runs(self):
        dest = tempfile.mkdtemp(dir=self.tmp)
        unzip(self.report["zips"][0]["path"], dest)
        # what the python runtime provides: boto3 and its dependencies, nothing else
        runtime = os.path.join(self.tmp, "runtime")
        os.makedirs(runtime, exist_ok=True)
        # (Debian's botocore imports the system's requests instead of a vendored copy)
        for name in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3",
                     "six.py", "requests", "idna", "certifi", "charset_normalizer", "chardet"):
            link = os.path.join(runtime, name)
            if not os.path.exists(link) and os.path.exists(os.path.join(DIST_PACKAGES, name)):
                os.symlink(os.path.join(DIST_PACKAGES, name), link)
        code = ("import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2]];"
                "import handler; print(json.dumps(handler.main({'yaml': 'name: zip'}, None)))")
        out = subprocess.run(["/usr/bin/python3", "-I", "-S", "-c", code, dest, runtime],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        result = json.loads(out.stdout)
        self.assertEqual(result["doc"], {"name": "zip"})
        self.assertEqual(result["xml"], {"a": "b"})
        self.assertEqual(result["title"], "HELLO, ZIP!")

    def test_same_bytes_twice(self):
        other = os.path.join(self.tmp, "again")
        run = package(self.svc, "-o", other, env={"TZ": "Pacific/Auckland"})
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(self.report["zips"][0]["path"], "rb") as a, \
                open(os.path.join(other, "pkg-fixture-py.zip"), "rb") as b:
            self.assertEqual(a.read(), b.read())


class PnpmLayout(unittest.TestCase):
    """pnpm's isolated node_modules, laid out by hand (no pnpm needed): the
    packages are links into node_modules/.pnpm, each beside its own
    dependencies. The zip holds the real files and the links, and the
    handler runs from it (extracted as Lambda extracts: links as links)."""

    FILES = {
        "serverless.yml": "service: pnpm\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
                          "functions:\n  api:\n    handler: handler.main\n",
        "handler.js": "const greet = require('greet');\n"
                      "exports.main = async () => greet('pnpm');\n",
        "node_modules/.pnpm/greet@1.0.0/node_modules/greet/package.json":
            '{"name": "greet", "version": "1.0.0", "main": "lib/index.js"}',
        "node_modules/.pnpm/greet@1.0.0/node_modules/greet/lib/index.js":
            "const shout = require('shout');\nmodule.exports = (n) => shout('hello ' + n);\n",
        "node_modules/.pnpm/shout@2.0.0/node_modules/shout/package.json":
            '{"name": "shout", "version": "2.0.0"}',
        "node_modules/.pnpm/shout@2.0.0/node_modules/shout/index.js":
            "module.exports = (s) => s.toUpperCase() + '!';\n",
    }
    LINKS = {
        "node_modules/greet": ".pnpm/greet@1.0.0/node_modules/greet",
        "node_modules/.pnpm/greet@1.0.0/node_modules/shout": "../../shout@2.0.0/node_modules/shout",
    }

    def setUp(self):
        self.svc = tempfile.mkdtemp(prefix="fnctl-pkg-pnpm-")
        for name, text in self.FILES.items():
            path = os.path.join(self.svc, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        for name, target in self.LINKS.items():
            os.symlink(target, os.path.join(self.svc, name))

    def tearDown(self):
        shutil.rmtree(self.svc, ignore_errors=True)

    def test_zip_keeps_the_links_and_the_handler_runs_from_it(self):
        r = package(self.svc, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("cannot find module", r.stderr)
        path = json.loads(r.stdout)["zips"][0]["path"]
        with open(path, "rb") as f:
            first = f.read()
        dest = tempfile.mkdtemp(dir=self.svc)
        links = {}
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                out = os.path.join(dest, info.filename)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                if stat.S_ISLNK(info.external_attr >> 16):
                    links[info.filename] = z.read(info).decode()
                    os.symlink(links[info.filename], out)
                else:
                    with open(out, "wb") as f:
                        f.write(z.read(info))
        self.assertEqual(links, self.LINKS)
        names = set(zipfile.ZipFile(path).namelist())
        self.assertIn("node_modules/.pnpm/shout@2.0.0/node_modules/shout/index.js", names)
        self.assertNotIn("node_modules/greet/lib/index.js", names, "files go by their real paths")
        out = subprocess.run(["node", "-e", "require(process.argv[1]).main()"
                              ".then(r => console.log(r))", os.path.join(dest, "handler.js")],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "HELLO PNPM!")
        # and the same bytes again
        self.assertEqual(package(self.svc).returncode, 0)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), first)


class Limits(unittest.TestCase):
    def setUp(self):
        self.svc = tempfile.mkdtemp(prefix="fnctl-pkg-limits-")

    def tearDown(self):
        shutil.rmtree(self.svc, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.svc, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def test_over_250_mb_unzipped_is_an_error_naming_the_largest_parts(self):
        self.write("serverless.yml", "service: big\nprovider:\n  name: aws\n  runtime: python3.11\n"
                   "package:\n  patterns:\n    - 'data/**'\nfunctions:\n  f:\n    handler: h.main\n")
        self.write("h.py", "def main(e, c):\n    return 1\n")
        os.makedirs(os.path.join(self.svc, "data"))
        with open(os.path.join(self.svc, "data", "model.bin"), "wb") as f:
            f.truncate(262144001)  # sparse zeros: cheap to write, deflates to little
        run = package(self.svc, "--json")
        self.assertEqual(run.returncode, 1, run.stderr)
        report = json.loads(run.stdout)
        self.assertFalse(report["ok"])
        self.assertTrue(report["zips"][0]["overLimit"])
        self.assertIn("250 MB", report["error"]["message"])
        self.assertIn("(function code)", report["error"]["hint"])
        self.assertIn("fnctl:", run.stderr)

    def test_gitignore_filters_the_whole_directory_of_untraced_runtimes(self):
        self.write("serverless.yml", "service: gi\nprovider:\n  name: aws\n"
                   "  runtime: provided.al2023\nfunctions:\n  f:\n    handler: handler.run\n")
        self.write("bootstrap", "#!/bin/sh\necho hi\n")
        os.chmod(os.path.join(self.svc, "bootstrap"), 0o755)
        self.write("handler.sh", "run() { echo ok; }\n")
        self.write("debug.log", "local noise\n")
        self.write("tmp/cache.bin", "local noise\n")
        self.write(".gitignore", "*.log\ntmp/\nbootstrap\n")
        subprocess.run(["git", "init", "-q", self.svc], check=True)
        run = package(self.svc)
        self.assertEqual(run.returncode, 0, run.stderr)
        names = zipfile.ZipFile(os.path.join(self.svc, ".fnctl", "dist", "gi.zip")).namelist()
        self.assertEqual(names, ["bootstrap", "handler.sh"])  # bootstrap: ignored but traced

    def test_artifact_is_measured_not_built(self):
        with zipfile.ZipFile(os.path.join(self.svc, "prebuilt.zip"), "w") as z:
            z.writestr("index.js", "exports.h = async () => 1;\n")
        self.write("serverless.yml", "service: art\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
                   "functions:\n  f:\n    handler: index.h\n    package:\n"
                   "      artifact: prebuilt.zip\n")
        run = package(self.svc, "--json")
        self.assertEqual(run.returncode, 0, run.stderr)
        z = json.loads(run.stdout)["zips"][0]
        self.assertTrue(z["artifact"])
        with open(os.path.join(self.svc, "prebuilt.zip"), "rb") as f:
            self.assertEqual(z["codeSha256"], base64.b64encode(hashlib.sha256(f.read()).digest())
                             .decode())

    def test_provided_runtime_keeps_bootstrap_executable(self):
        self.write("serverless.yml", "service: custom\nprovider:\n  name: aws\n"
                   "  runtime: provided.al2023\nfunctions:\n  f:\n    handler: handler.run\n")
        self.write("bootstrap", "#!/bin/sh\necho hi\n")
        os.chmod(os.path.join(self.svc, "bootstrap"), 0o755)
        self.write("handler.sh", "run() { echo ok; }\n")
        self.write(".fnctl/state/junk", "never packaged\n")
        run = package(self.svc)
        self.assertEqual(run.returncode, 0, run.stderr)
        with zipfile.ZipFile(os.path.join(self.svc, ".fnctl", "dist", "custom.zip")) as z:
            modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        self.assertEqual(modes["bootstrap"], 0o100755)
        self.assertEqual(modes["handler.sh"], 0o100644)
        self.assertNotIn(".fnctl/state/junk", modes)


if __name__ == "__main__":
    unittest.main()
