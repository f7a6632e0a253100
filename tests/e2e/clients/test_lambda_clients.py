"""The Lambda Invoke API of `fnctl start` under AWS's own clients: boto3 and the
aws CLI (the image's aws-cli v1; Debian's /usr/bin/aws v2 too when installed).

Runs the fnctl in FNCTL_BIN on free loopback ports and stops it by PID."""
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

FNCTL = os.environ.get("FNCTL_BIN", os.path.join(os.path.dirname(__file__), "../../../build/fnctl"))

SERVICE = """
service: clients
provider:
  name: aws
  runtime: nodejs20.x
  timeout: 3
functions:
  echo:
    handler: handler.echo
  boom:
    handler: handler.boom
  py:
    runtime: python3.11
    handler: app.handler
  limited:
    handler: handler.echo
    reservedConcurrency: 0
  warm:
    runtime: python3.11
    handler: app.handler
  pair:
    handler: handler.slow
    reservedConcurrency: 2
"""

HANDLER = """
exports.echo = async (event, context) => {
  console.log('echo', JSON.stringify(event));
  return { event, name: context.functionName, pid: process.pid };
};
exports.boom = async () => { throw new TypeError('kaboom'); };
exports.slow = async (event) => {
  const fs = require('fs');
  const start = Date.now();
  await new Promise((r) => setTimeout(r, 300));
  fs.appendFileSync('runs.txt', `${process.pid} ${start} ${Date.now()}\n`);
  return { pid: process.pid };
};
"""

APP = """
def handler(event, context):
    print("python got", event)
    return {"py": True, "event": event, "requestId": context.aws_request_id}
"""


def credentials_env():
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    env.pop("AWS_PROFILE", None)
    return env


class LambdaClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fnctl-clients-")
        for name, text in (("serverless.yml", SERVICE), ("handler.js", HANDLER), ("app.py", APP)):
            with open(os.path.join(cls.dir, name), "w") as f:
                f.write(text)
        cls.log = open(os.path.join(cls.dir, "fnctl.log"), "w+")
        cls.proc = subprocess.Popen([FNCTL, "start", "--port", "0", "--aws-port", "0", "--no-watch"],
                                    cwd=cls.dir, stdout=subprocess.DEVNULL, stderr=cls.log)
        deadline = time.time() + 10
        cls.endpoint = None
        while time.time() < deadline and not cls.endpoint:
            cls.log.seek(0)
            for line in cls.log.read().splitlines():
                if "aws endpoint" in line:
                    cls.endpoint = line.split()[2]
            time.sleep(0.02)
        if not cls.endpoint:
            cls.proc.kill()
            raise RuntimeError("fnctl start printed no aws endpoint")

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGINT)
        cls.exit_code = cls.proc.wait(timeout=10)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert cls.exit_code == 0, f"fnctl start exited {cls.exit_code}"

    def client(self):
        import boto3
        return boto3.client("lambda", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def test_boto3_request_response(self):
        r = self.client().invoke(FunctionName="clients-dev-echo", Payload=json.dumps({"a": 1}))
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r)
        self.assertEqual(r["ExecutedVersion"], "$LATEST")
        body = json.loads(r["Payload"].read())
        self.assertEqual(body["event"], {"a": 1})
        self.assertEqual(body["name"], "clients-dev-echo")

    def test_boto3_function_error_is_200_with_unhandled(self):
        r = self.client().invoke(FunctionName="clients-dev-boom", Payload=b"{}")
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["FunctionError"], "Unhandled")
        body = json.loads(r["Payload"].read())
        self.assertEqual(body["errorType"], "TypeError")
        self.assertEqual(body["errorMessage"], "kaboom")

    def test_boto3_tail_returns_the_log(self):
        r = self.client().invoke(FunctionName="clients-dev-echo", Payload=b'{"tail": true}', LogType="Tail")
        log = base64.b64decode(r["LogResult"]).decode()
        self.assertRegex(log, r"START RequestId: [0-9a-f-]{36} Version: \$LATEST")
        self.assertIn('echo {"tail":true}', log)
        self.assertRegex(log, r"REPORT RequestId: [0-9a-f-]{36}\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms")

    def test_boto3_event_and_dry_run(self):
        c = self.client()
        self.assertEqual(c.invoke(FunctionName="clients-dev-echo", InvocationType="Event", Payload=b"{}")["StatusCode"], 202)
        self.assertEqual(c.invoke(FunctionName="clients-dev-echo", InvocationType="DryRun")["StatusCode"], 204)

    def test_boto3_unknown_function_is_resource_not_found(self):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client().invoke(FunctionName="nope")
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "ResourceNotFoundException")
        self.assertEqual(err["Message"], "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:$LATEST")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_boto3_reserved_concurrency_zero_is_throttled(self):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client().invoke(FunctionName="clients-dev-limited", Payload=b"{}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "TooManyRequestsException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 429)

    def test_boto3_invalid_json_is_refused(self):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client().invoke(FunctionName="clients-dev-echo", Payload=b"{not json")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidRequestContentException")

    def test_boto3_python_function_by_arn(self):
        arn = "arn:aws:lambda:us-east-1:000000000000:function:clients-dev-py"
        r = self.client().invoke(FunctionName=arn, Payload=b'{"x": "\\u00e9"}')
        body = json.loads(r["Payload"].read())
        self.assertTrue(body["py"])
        self.assertEqual(body["event"], {"x": "\u00e9"})
        self.assertRegex(body["requestId"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

    def test_warm_reuse_has_no_init_duration(self):
        c = self.client()
        first = c.invoke(FunctionName="clients-dev-warm", Payload=b"{}", LogType="Tail")
        second = c.invoke(FunctionName="clients-dev-warm", Payload=b"{}", LogType="Tail")
        log1 = base64.b64decode(first["LogResult"]).decode()
        log2 = base64.b64decode(second["LogResult"]).decode()
        self.assertIn("Init Duration:", log1, "the first invocation is a cold start")
        self.assertNotIn("Init Duration:", log2, "the second runs on the warm worker")

    def test_reserved_concurrency_caps_the_workers(self):
        c = self.client()
        runs = os.path.join(self.dir, "runs.txt")
        for _ in range(6):
            self.assertEqual(c.invoke(FunctionName="clients-dev-pair", InvocationType="Event",
                                      Payload=b"{}")["StatusCode"], 202)
        deadline = time.time() + 20
        lines = []
        while time.time() < deadline:
            if os.path.exists(runs):
                with open(runs) as f:
                    lines = f.read().split()
                if len(lines) >= 18:
                    break
            time.sleep(0.05)
        self.assertEqual(len(lines), 18, "all six asynchronous invocations ran")
        rows = [(int(lines[i]), int(lines[i + 1]), int(lines[i + 2])) for i in range(0, 18, 3)]
        self.assertLessEqual(len({pid for pid, _, _ in rows}), 2, rows)
        for _, start, _ in rows:
            overlapping = sum(1 for _, s, e in rows if s <= start < e)
            self.assertLessEqual(overlapping, 2, f"more than 2 at once: {rows}")

    def aws_cli(self, aws, extra):
        out = os.path.join(self.dir, "out.json")
        cmd = [aws, "lambda", "invoke", "--endpoint-url", self.endpoint, "--function-name",
               "clients-dev-echo", "--payload", '{"cli": 1}', "--log-type", "Tail"] + extra + [out]
        p = subprocess.run(cmd, env=credentials_env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        meta = json.loads(p.stdout)
        self.assertEqual(meta["StatusCode"], 200)
        self.assertIn("START RequestId", base64.b64decode(meta["LogResult"]).decode())
        with open(out) as f:
            self.assertEqual(json.load(f)["event"], {"cli": 1})

    def test_aws_cli_v1(self):
        aws = shutil.which("aws")
        if not aws or aws == "/usr/bin/aws":
            self.skipTest("no aws-cli v1 on PATH")
        self.aws_cli(aws, [])

    def test_aws_cli_v2_from_debian(self):
        if not os.path.exists("/usr/bin/aws"):
            self.skipTest("Debian's awscli is not installed")
        self.aws_cli("/usr/bin/aws", ["--cli-binary-format", "raw-in-base64-out"])


if __name__ == "__main__":
    unittest.main()
