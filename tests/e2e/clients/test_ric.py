"""AWS's own Node.js runtime interface client (aws-lambda-ric from npm, the
client AWS's container images run) against fnctl's Runtime API, unchanged: a
provided.al2 function whose bootstrap starts it, through `fnctl invoke`, the
gateway and the Invoke API.

aws-lambda-ric builds a native addon (its own libcurl and aws-lambda-cpp):
it is installed once per version into ~/.cache/fnctl-tests (2-3 minutes on
two cores; scripts/setup installs autoconf, automake and libtool for it)."""
import base64
import fcntl
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FNCTL = os.environ.get("FNCTL_BIN", os.path.join(HERE, "../../../build/fnctl"))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "fnctl-tests")
RIC_VERSION = "3.3.0"

SERVICE = """
service: ric
provider:
  name: aws
  runtime: provided.al2
  memorySize: 512
functions:
  hello:
    handler: app.handler
    timeout: 2
    events:
      - httpApi: 'GET /hello'
      - httpApi: 'GET /boom'
      - http: 'GET /hello'
"""

APP = """
exports.handler = async (event, context) => {
  const path = event.rawPath || event.path;
  if (path === '/boom') throw new TypeError('boom from the ric');
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  console.log('ric saw', path || JSON.stringify(event));
  return { statusCode: 200, body: JSON.stringify({
    path, id: context.awsRequestId, name: context.functionName,
    memory: context.memoryLimitInMB, left: context.getRemainingTimeInMillis(),
    arn: context.invokedFunctionArn, client: context.clientContext || null }) };
};
"""

BOOTSTRAP = """#!/bin/sh
cd "$LAMBDA_TASK_ROOT"
exec node node_modules/aws-lambda-ric/bin/index.mjs "$_HANDLER"
"""


def ric_modules():
    """aws-lambda-ric's node_modules, installed once per version (a lock
    keeps two test runs from building it at the same time)."""
    root = os.path.join(CACHE, "ric-" + RIC_VERSION)
    done = os.path.join(root, "node_modules", "aws-lambda-ric", "dist")
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, "ric.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(done):
            work = tempfile.mkdtemp(prefix="ric-", dir=CACHE)
            with open(os.path.join(work, "package.json"), "w") as f:
                json.dump({"name": "ric-test", "private": True,
                           "dependencies": {"aws-lambda-ric": RIC_VERSION}}, f)
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=work, check=True, stdout=subprocess.DEVNULL, timeout=1200)
            shutil.rmtree(root, ignore_errors=True)
            os.rename(work, root)
    return os.path.join(root, "node_modules")


class AwsRuntimeInterfaceClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        modules = ric_modules()
        cls.dir = tempfile.mkdtemp(prefix="fnctl-ric-")
        for name, text in (("serverless.yml", SERVICE), ("app.js", APP), ("bootstrap", BOOTSTRAP)):
            with open(os.path.join(cls.dir, name), "w") as f:
                f.write(text)
        os.chmod(os.path.join(cls.dir, "bootstrap"), 0o755)
        os.symlink(modules, os.path.join(cls.dir, "node_modules"))
        cls.log = open(os.path.join(cls.dir, "fnctl.log"), "w+")
        cls.proc = subprocess.Popen([FNCTL, "start", "--port", "0", "--aws-port", "0", "--no-watch"],
                                    cwd=cls.dir, stdout=subprocess.DEVNULL, stderr=cls.log)
        cls.port = cls.aws = None
        deadline = time.time() + 15
        while time.time() < deadline and not (cls.port and cls.aws):
            cls.log.seek(0)
            for line in cls.log.read().splitlines():
                if "/hello" in line and "-> hello" in line and not cls.port:
                    cls.port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
                if "aws endpoint" in line:
                    cls.aws = int(line.split("127.0.0.1:")[1].split()[0])
            time.sleep(0.02)
        if not (cls.port and cls.aws):
            cls.proc.kill()
            cls.proc.wait()
            raise RuntimeError("fnctl start printed no routes")

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGINT)
        code = cls.proc.wait(timeout=20)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert code == 0, f"fnctl start exited {code}"

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, r, body

    def assert_logged(self, text, timeout=10):
        """text shows in fnctl's log: the client writes its console lines to
        stdout asynchronously, so a line may follow the response it belongs
        to (on Lambda too, it reaches CloudWatch a little later)."""
        deadline = time.time() + timeout
        while True:
            with open(os.path.join(self.dir, "fnctl.log")) as f:
                log = f.read()
            if text in log or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertIn(text, log)

    def test_gateway_requests_reach_the_handler_with_lambdas_context(self):
        for _ in range(3):  # a warm worker keeps its Runtime API connection
            status, r, body = self.get("/hello")
            self.assertEqual(status, 200, body)
            out = json.loads(body)
            self.assertEqual(out["path"], "/hello")
            self.assertEqual(out["name"], "ric-dev-hello")
            self.assertEqual(out["memory"], "512")
            self.assertTrue(0 < out["left"] <= 2000, out["left"])
            self.assertTrue(out["arn"].endswith(":function:ric-dev-hello"), out["arn"])
        status, _, body = self.get("/dev/hello")
        self.assertEqual(json.loads(body)["path"], "/hello")
        self.assert_logged("\tINFO\tric saw /hello")

    def test_a_thrown_error_is_the_gateways_500_and_an_invoke_error_line(self):
        status, _, body = self.get("/boom")
        self.assertEqual((status, body), (500, b'{"message":"Internal Server Error"}'))
        self.assert_logged('ERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"boom from the ric"')

    def test_invoke_api_with_client_context_and_function_error(self):
        c = http.client.HTTPConnection("127.0.0.1", self.aws, timeout=20)
        ctx = '{"custom":{"k":"v"},"env":{},"client":{}}'
        c.request("POST", "/2015-03-31/functions/hello/invocations", body='{"rawPath":"/x"}',
                  headers={"X-Amz-Client-Context": base64.b64encode(ctx.encode()).decode()})
        r = c.getresponse()
        out = json.loads(json.loads(r.read())["body"])
        self.assertEqual(r.status, 200)
        self.assertEqual(out["client"]["custom"], {"k": "v"}, out["client"])
        self.assertEqual(out["id"], r.getheader("x-amzn-RequestId"))
        c.request("POST", "/2015-03-31/functions/hello/invocations", body='{"rawPath":"/boom"}')
        r = c.getresponse()
        err = json.loads(r.read())
        c.close()
        self.assertEqual(r.getheader("X-Amz-Function-Error"), "Unhandled")
        self.assertEqual(err["errorType"], "TypeError")
        self.assertEqual(err["errorMessage"], "boom from the ric")

    def test_a_timeout_is_lambdas(self):
        c = http.client.HTTPConnection("127.0.0.1", self.aws, timeout=20)
        c.request("POST", "/2015-03-31/functions/hello/invocations", body='{"sleep": 5000}')
        r = c.getresponse()
        err = json.loads(r.read())
        c.close()
        self.assertEqual(r.getheader("X-Amz-Function-Error"), "Unhandled")
        self.assertIn("Task timed out after 2.00 seconds", err["errorMessage"])


if __name__ == "__main__":
    unittest.main()
