"""`fnctl start`'s Lambda Invoke API under the real AWS clients on this machine.

boto3's `lambda` client (whichever boto3 the interpreter running this file has:
the image's current one, or Debian's 1.26 under /usr/bin/python3), the image's
aws-cli v1 (`aws` on PATH, which does not know --cli-binary-format) and Debian's
aws-cli v2 (/usr/bin/aws, which needs --cli-binary-format raw-in-base64-out).

One fnctl on free loopback ports for the class, in a temporary directory,
stopped by PID with SIGINT at the end: it must exit 0 and leave no worker.
Run: FNCTL_BIN=build/fnctl python3 -m unittest -v test_clients
"""
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

FNCTL = os.environ.get("FNCTL_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../../build/fnctl")

SERVICE = """\
service: clients
provider:
  name: aws
  runtime: nodejs20.x
functions:
  echo:
    handler: handler.echo
  boom:
    handler: handler.boom
  py:
    runtime: python3.11
    handler: app.handler
"""

HANDLER = """\
const fs = require('fs');
const path = require('path');
exports.echo = async (event, context) => {
  console.log('echo', JSON.stringify(event));
  if (event && event.mark)
    fs.writeFileSync(path.resolve('..', 'out', event.mark), context.awsRequestId);
  return { event, functionName: context.functionName, requestId: context.awsRequestId };
};
exports.boom = async () => { throw new TypeError('kaboom'); };
"""

APP = """\
def handler(event, context):
    print("python got", event["x"])
    return {"x": event["x"], "requestId": context.aws_request_id}
"""

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

# The aws CLIs are programs of their own: running them once (from the image's
# python pass) is enough; the Debian-python pass re-runs the boto3 tests only.
DEBIAN_PYTHON = os.path.realpath(sys.executable).startswith("/usr/bin/")


def cli_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") or k == "AWS_CA_BUNDLE"}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    return env


def processes_in(directory, exclude=()):
    """PIDs whose working directory is inside directory."""
    real = os.path.realpath(directory)
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) in exclude:
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % pid)
        except OSError:
            continue
        if cwd == real or cwd.startswith(real + "/"):
            found.append(int(pid))
    return found


class InvokeClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="fnctl-clients-")
        cls.svc = os.path.join(cls.root, "svc")
        cls.out = os.path.join(cls.root, "out")
        os.makedirs(cls.svc)
        os.makedirs(cls.out)
        for name, text in (("serverless.yml", SERVICE), ("handler.js", HANDLER), ("app.py", APP)):
            with open(os.path.join(cls.svc, name), "w") as f:
                f.write(text)
        cls.log_path = os.path.join(cls.root, "fnctl.log")
        cls.log = open(cls.log_path, "w")
        cls.proc = subprocess.Popen([FNCTL, "start", "--aws-port", "0", "--port", "0"],
                                    cwd=cls.svc, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=cls.log)
        cls.endpoint = None
        deadline = time.monotonic() + 15
        while cls.endpoint is None:
            m = re.search(r"^  aws endpoint  (http://127\.0\.0\.1:\d+)  ", cls.server_log(), re.M)
            if m:
                cls.endpoint = m.group(1)
            elif cls.proc.poll() is not None or time.monotonic() > deadline:
                cls.proc.kill()
                cls.proc.wait()
                log = cls.server_log()
                shutil.rmtree(cls.root, ignore_errors=True)
                raise RuntimeError("fnctl start printed no aws endpoint:\n" + log)
            else:
                time.sleep(0.01)

    @classmethod
    def server_log(cls):
        with open(cls.log_path, errors="replace") as f:
            return f.read()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.proc.send_signal(signal.SIGINT)
            try:
                code = cls.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
                cls.proc.wait()
                raise AssertionError("fnctl start did not stop within 10 s of SIGINT")
            log = cls.server_log()
            if code != 0:
                raise AssertionError("fnctl start exited %d after SIGINT:\n%s" % (code, log))
            deadline = time.monotonic() + 2
            left = processes_in(cls.root)
            while left and time.monotonic() < deadline:
                time.sleep(0.01)
                left = processes_in(cls.root)
            if left:
                raise AssertionError("left running after fnctl stopped: %s" % left)
        finally:
            cls.log.close()
            shutil.rmtree(cls.root, ignore_errors=True)

    # --- boto3 ---

    def client(self):
        import boto3
        from botocore.config import Config
        c = boto3.client("lambda", endpoint_url=self.endpoint, region_name="us-east-1",
                         aws_access_key_id="test", aws_secret_access_key="test",
                         config=Config(retries={"max_attempts": 1}))
        if hasattr(c, "close"):
            self.addCleanup(c.close)
        return c

    def test_boto3_request_response(self):
        r = self.client().invoke(FunctionName="clients-dev-echo", Payload=json.dumps({"a": [1, 2]}))
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r)
        self.assertNotIn("LogResult", r)
        self.assertEqual(r["ExecutedVersion"], "$LATEST")
        body = json.loads(r["Payload"].read())
        self.assertEqual(body["event"], {"a": [1, 2]})
        self.assertEqual(body["functionName"], "clients-dev-echo")
        self.assertEqual(body["requestId"], r["ResponseMetadata"]["RequestId"])

    def test_boto3_event_is_202_and_runs(self):
        r = self.client().invoke(FunctionName="clients-dev-echo", InvocationType="Event",
                                 Payload=json.dumps({"mark": "boto3-event"}))
        self.assertEqual(r["StatusCode"], 202)
        self.assertEqual(r["Payload"].read(), b"")
        marker = os.path.join(self.out, "boto3-event")
        deadline = time.monotonic() + 15
        while not os.path.exists(marker):
            self.assertLess(time.monotonic(), deadline, "the Event invocation never ran")
            time.sleep(0.01)
        time.sleep(0.01)  # written in one call; let it land
        with open(marker) as f:
            self.assertRegex(f.read(), "^" + UUID + "$")

    def test_boto3_tail_log_result(self):
        r = self.client().invoke(FunctionName="clients-dev-echo", LogType="Tail",
                                 Payload=b'{"tail": "yes"}')
        self.assertEqual(r["StatusCode"], 200)
        rid = r["ResponseMetadata"]["RequestId"]
        self.assertRegex(rid, "^" + UUID + "$")
        log = base64.b64decode(r["LogResult"]).decode()
        self.assertTrue(log.startswith("START RequestId: %s Version: $LATEST\n" % rid), log)
        self.assertRegex(log, r"\n\S+Z\t%s\tINFO\techo \{\"tail\":\"yes\"\}\n" % rid)
        self.assertIn("\nEND RequestId: %s\n" % rid, log)
        self.assertRegex(log, r"\nREPORT RequestId: %s\tDuration: \d+\.\d\d ms\tBilled Duration: "
                              r"\d+ ms\tMemory Size: 1024 MB\tMax Memory Used: \d+ MB\t" % rid)

    def test_boto3_python_function_tail(self):
        r = self.client().invoke(FunctionName="clients-dev-py", LogType="Tail", Payload=b'{"x": 5}')
        self.assertEqual(r["StatusCode"], 200)
        body = json.loads(r["Payload"].read())
        self.assertEqual(body, {"x": 5, "requestId": r["ResponseMetadata"]["RequestId"]})
        self.assertIn("\npython got 5\n", base64.b64decode(r["LogResult"]).decode())

    def test_boto3_function_error(self):
        r = self.client().invoke(FunctionName="clients-dev-boom", Payload=b"{}")
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["FunctionError"], "Unhandled")
        body = json.loads(r["Payload"].read())
        self.assertEqual(body["errorType"], "TypeError")
        self.assertEqual(body["errorMessage"], "kaboom")
        self.assertEqual(body["trace"][0], "TypeError: kaboom")

    def test_boto3_unknown_function_is_resource_not_found(self):
        import botocore.exceptions
        c = self.client()
        with self.assertRaises(c.exceptions.ResourceNotFoundException) as cm:
            c.invoke(FunctionName="clients-dev-nope", Payload=b"{}")
        self.assertIsInstance(cm.exception, botocore.exceptions.ClientError)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "ResourceNotFoundException")
        self.assertRegex(err["Message"],
                         r"^Function not found: arn:aws:lambda:us-east-1:\d{12}:function:"
                         r"clients-dev-nope:\$LATEST$")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    # --- the aws CLIs ---

    def run_clis(self, aws, calls):
        """Runs `aws lambda invoke --endpoint-url E ARGS...` for each (args, rc) at
        once (each CLI start costs about a second) and returns their outputs."""
        procs = [subprocess.Popen([aws, "lambda", "invoke", "--endpoint-url", self.endpoint] + args,
                                  env=cli_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for args, _ in calls]
        results = []
        for p, (args, rc) in zip(procs, calls):
            try:
                stdout, stderr = p.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
                raise
            self.assertEqual(p.returncode, rc, "%s %s exited %d\n%s%s"
                             % (aws, " ".join(args), p.returncode, stdout, stderr))
            results.append((stdout, stderr))
        return results

    def check_cli(self, aws, major, binary_format):
        if DEBIAN_PYTHON:
            self.skipTest("the aws CLIs run in the image-python pass")
        if not aws or not os.path.exists(aws):
            self.skipTest("no aws-cli v%d here" % major)
        version = subprocess.run([aws, "--version"], capture_output=True, text=True,
                                 env=cli_env()).stdout
        if not version.startswith("aws-cli/%d." % major):
            self.skipTest("%s is %s" % (aws, version.strip()))
        out = [os.path.join(self.root, "cli-v%d-%d.json" % (major, i)) for i in range(4)]
        ok, error, unknown, event = self.run_clis(aws, [
            # RequestResponse with Tail: metadata on stdout, the payload in the file
            (binary_format + ["--function-name", "clients-dev-echo", "--payload",
                              '{"cli": %d}' % major, "--log-type", "Tail", out[0]], 0),
            # a function error: exit 0, FunctionError in the metadata
            (["--function-name", "clients-dev-boom", out[1]], 0),
            # an unknown function: the service error, and the CLI's client-error code
            (["--function-name", "clients-dev-nope", out[2]], 255 if major == 1 else 254),
            (binary_format + ["--function-name", "clients-dev-echo", "--invocation-type", "Event",
                              "--payload", '{"mark": "cli-v%d"}' % major, out[3]], 0),
        ])
        meta = json.loads(ok[0])
        self.assertEqual(meta["StatusCode"], 200)
        self.assertEqual(meta["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", meta)
        self.assertIn('\tINFO\techo {"cli":%d}\n' % major,
                      base64.b64decode(meta["LogResult"]).decode())
        with open(out[0]) as f:
            self.assertEqual(json.load(f)["event"], {"cli": major})

        meta = json.loads(error[0])
        self.assertEqual(meta["StatusCode"], 200)
        self.assertEqual(meta["FunctionError"], "Unhandled")
        with open(out[1]) as f:
            self.assertEqual(json.load(f)["errorMessage"], "kaboom")

        self.assertIn("An error occurred (ResourceNotFoundException) when calling the Invoke "
                      "operation: Function not found: arn:aws:lambda:us-east-1:", unknown[1])

        self.assertEqual(json.loads(event[0])["StatusCode"], 202)

    def test_aws_cli_v1(self):
        self.check_cli(shutil.which("aws"), 1, [])

    def test_aws_cli_v2_from_debian(self):
        self.check_cli("/usr/bin/aws", 2, ["--cli-binary-format", "raw-in-base64-out"])


if __name__ == "__main__":
    unittest.main()
