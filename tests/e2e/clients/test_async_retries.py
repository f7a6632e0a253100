"""Event invocations that fail are retried twice, as Lambda retries them
(FNCTL_ASYNC_RETRY_SECONDS shortens Lambda's 60 s and 120 s waits)."""
import http.client
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

FNCTL = os.environ.get("FNCTL_BIN", os.path.join(os.path.dirname(__file__), "../../../build/fnctl"))

SERVICE = """
service: retries
provider:
  name: aws
  runtime: nodejs20.x
functions:
  flaky:
    handler: h.flaky
  once:
    handler: h.flaky
    maximumRetryAttempts: 0
"""

# Each attempt appends a line outside the service directory; fails until the third.
HANDLER = """
const fs = require('fs');
exports.flaky = async (event, context) => {
  fs.appendFileSync(event.file, context.awsRequestId + '\\n');
  const n = fs.readFileSync(event.file, 'utf8').trim().split('\\n').length;
  if (n < 3) throw new Error('attempt ' + n + ' fails');
  return 'ok';
};
"""


class AsyncRetries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fnctl-retries-")
        cls.out = tempfile.mkdtemp(prefix="fnctl-retries-out-")
        with open(os.path.join(cls.dir, "serverless.yml"), "w") as f:
            f.write(SERVICE)
        with open(os.path.join(cls.dir, "h.js"), "w") as f:
            f.write(HANDLER)
        cls.log = open(os.path.join(cls.out, "fnctl.log"), "w+")
        env = dict(os.environ, FNCTL_ASYNC_RETRY_SECONDS="0")
        cls.proc = subprocess.Popen([FNCTL, "start", "--port", "0", "--aws-port", "0", "--no-watch"],
                                    cwd=cls.dir, env=env, stdout=subprocess.DEVNULL, stderr=cls.log)
        cls.port = None
        deadline = time.time() + 10
        while time.time() < deadline and not cls.port:
            cls.log.seek(0)
            for line in cls.log.read().splitlines():
                if "aws endpoint" in line:
                    cls.port = int(line.split("127.0.0.1:")[1].split()[0])
            time.sleep(0.02)
        if not cls.port:
            cls.proc.kill()
            raise RuntimeError("fnctl start printed no aws endpoint")

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGINT)
        code = cls.proc.wait(timeout=10)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        shutil.rmtree(cls.out, ignore_errors=True)
        assert code == 0, f"fnctl start exited {code}"

    def event(self, function, record):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request("POST", f"/2015-03-31/functions/{function}/invocations",
                  body='{"file": "%s"}' % record, headers={"X-Amz-Invocation-Type": "Event"})
        r = c.getresponse()
        r.read()
        c.close()
        self.assertEqual(r.status, 202)

    def attempts(self, record, want):
        deadline = time.time() + 15
        lines = []
        while time.time() < deadline:
            if os.path.exists(record):
                with open(record) as f:
                    lines = f.read().split()
                if len(lines) >= want:
                    break
            time.sleep(0.05)
        time.sleep(0.3)  # no further attempt may follow
        with open(record) as f:
            return f.read().split()

    def test_failed_event_is_retried_twice_with_the_same_request_id(self):
        record = os.path.join(self.out, "flaky.txt")
        self.event("flaky", record)
        ids = self.attempts(record, 3)
        self.assertEqual(len(ids), 3, ids)
        self.assertEqual(len(set(ids)), 1, "every attempt carries the request id")

    def test_maximum_retry_attempts_zero_runs_once(self):
        record = os.path.join(self.out, "once.txt")
        self.event("once", record)
        ids = self.attempts(record, 1)
        self.assertEqual(len(ids), 1, ids)
        # the line comes once the attempt's error is in, after the function's
        # own record: wait for it (a loaded machine took more than 0.3 s)
        deadline, text = time.time() + 10, ""
        while "failed after 1 attempts" not in text and time.time() < deadline:
            time.sleep(0.05)
            self.log.seek(0)
            text = self.log.read()
        self.assertIn("failed after 1 attempts", text)


class StopWhileARetryWaits(unittest.TestCase):
    """fnctl stops cleanly (exit 0; under the sanitizer build, nothing
    leaked) while a failed Event invocation waits for its retry."""

    def test_stop_drops_the_waiting_retry(self):
        d = tempfile.mkdtemp(prefix="fnctl-retry-stop-")
        out = tempfile.mkdtemp(prefix="fnctl-retry-stop-out-")
        try:
            with open(os.path.join(d, "serverless.yml"), "w") as f:
                f.write(SERVICE)
            with open(os.path.join(d, "h.js"), "w") as f:
                f.write(HANDLER)
            log = open(os.path.join(out, "fnctl.log"), "w+")
            env = dict(os.environ, FNCTL_ASYNC_RETRY_SECONDS="3600")
            proc = subprocess.Popen([FNCTL, "start", "--port", "0", "--aws-port", "0",
                                     "--no-watch"], cwd=d, env=env,
                                    stdout=subprocess.DEVNULL, stderr=log)
            try:
                port, deadline = None, time.time() + 10
                while time.time() < deadline and not port:
                    log.seek(0)
                    for line in log.read().splitlines():
                        if "aws endpoint" in line:
                            port = int(line.split("127.0.0.1:")[1].split()[0])
                    time.sleep(0.02)
                self.assertIsNotNone(port, "no aws endpoint in the banner")
                record = os.path.join(out, "attempts.txt")
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("POST", "/2015-03-31/functions/flaky/invocations",
                          body='{"file": "%s"}' % record,
                          headers={"X-Amz-Invocation-Type": "Event"})
                self.assertEqual(c.getresponse().status, 202)
                c.close()
                deadline = time.time() + 15
                while time.time() < deadline:
                    log.seek(0)
                    if "retry 1 of 2 in 3600 s" in log.read():
                        break
                    time.sleep(0.05)
                else:
                    self.fail("the first attempt did not fail into a retry wait")
            finally:
                proc.send_signal(signal.SIGINT)
                code = proc.wait(timeout=20)
                log.seek(0)
                text = log.read()
                log.close()
            self.assertEqual(code, 0, text[-2000:])
            self.assertNotIn("LeakSanitizer", text)
        finally:
            shutil.rmtree(d, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
