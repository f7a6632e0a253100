#!/usr/bin/env python3
"""End-to-end tests of fnctl's API Gateway emulation (`fnctl start`), with
python's http.client against the built binary on loopback.

The expectations are AWS's (payload format 2.0 for httpApi events, the REST
proxy format 1.0 for http events, API Gateway's error bodies and headers), as
collected in the research notes and the real sample events of the shared
corpus (apigw-request.json, apigw-v2-request-no-authorizer.json). Where fnctl
differs from AWS the test is written as AWS behaves and marked
@unittest.expectedFailure with a `BUG:` comment.

Environment: FNCTL_BIN (default /work/main/build/fnctl), FNCTL_CORPUS
(default: ../shared/corpus beside the repository). Needs node and python3.
Standard library only.
"""

import base64
import calendar
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import textwrap
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
FNCTL = os.environ.get("FNCTL_BIN", "/work/main/build/fnctl")
CORPUS = os.environ.get(
    "FNCTL_CORPUS",
    os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus")))
EVENTS = os.path.join(CORPUS, "events")

REQUEST_TIMEOUT = 10        # seconds, every request
START_TIMEOUT = 15          # seconds for the banner
RELOAD_DEADLINE = 3.0       # seconds a hot reload may take

HTTP_API_500 = b'{"message":"Internal Server Error"}'
REST_502 = b'{"message": "Internal server error"}'
NOT_FOUND = b'{"message":"Not Found"}'
MISSING_TOKEN = b'{"message":"Missing Authentication Token"}'
SLS_CORS_HEADERS = ("Content-Type,X-Amz-Date,Authorization,X-Api-Key,"
                    "X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id")

CLF_TIME = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")
HTTP_API_ID = re.compile(r"^[A-Za-z0-9+_-]{15}=$")     # "LV7fzho-PHcEJPw="
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# --------------------------------------------------------------------------
# fixture services

NODE_HANDLERS = {
    # echoes the event it received
    "echo.js": """
        exports.handler = async (event) => ({
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
        });
    """,
    # returns, as its response, the JSON document posted to it
    "respond.js": """
        exports.handler = async (event) => {
          let body = event.body || '';
          if (event.isBase64Encoded) body = Buffer.from(body, 'base64').toString('utf8');
          return JSON.parse(body);
        };
    """,
    # decodes the request body and returns the same bytes, base64-encoded
    "binary.js": """
        exports.handler = async (event) => {
          const raw = event.isBase64Encoded ? Buffer.from(event.body || '', 'base64')
                                            : Buffer.from(event.body || '', 'utf8');
          return {
            statusCode: 200,
            headers: {
              'content-type': 'application/octet-stream',
              'x-request-base64': String(event.isBase64Encoded),
              'x-request-length': String(raw.length),
            },
            body: raw.toString('base64'),
            isBase64Encoded: true,
          };
        };
    """,
    "boom.js": """
        exports.handler = async () => { throw new Error('boom on purpose'); };
    """,
    # sleeps past its 1 s timeout
    "slow.js": """
        exports.handler = async () => {
          await new Promise((resolve) => setTimeout(resolve, 5000));
          return { statusCode: 200, body: 'too late' };
        };
    """,
}

PY_HANDLER = """
    import json


    def handler(event, context):
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/json"},
            "body": json.dumps({"runtime": "python", "event": event}),
        }
"""

MAIN_YML = """
    service: gwtest
    frameworkVersion: '3'

    provider:
      name: aws
      runtime: nodejs20.x
      stage: dev
      timeout: 10
      httpApi:
        cors: true
      apiGateway:
        binaryMediaTypes:
          - application/octet-stream

    functions:
      echo:
        handler: echo.handler
        events:
          - httpApi: 'GET /pets/dog/1'
          - httpApi: 'GET /pets/dog/{id}'
          - httpApi: 'GET /pets/{proxy+}'
          - httpApi: 'DELETE /things/{id}'
          - httpApi: '* /things/{id}'
          - httpApi: 'GET /echo'
          - httpApi: 'POST /echo'
          - httpApi: 'GET /enc/{name}'
          - httpApi: '*'
          - http: 'GET /pets/dog/1'
          - http: 'GET /pets/dog/{id}'
          - http: 'ANY /pets/{proxy+}'
          - http: 'GET /echo'
          - http: 'POST /echo'
          - http:
              path: /cors
              method: get
              cors: true
          - http:
              path: /cors
              method: post
              cors: true
          - http:
              path: /cors-any
              method: any
              cors: true
      respond:
        handler: respond.handler
        events:
          - httpApi: 'POST /respond'
          - http: 'POST /respond'
      binary:
        handler: binary.handler
        events:
          - httpApi: 'POST /binary'
          - http: 'POST /binary'
      boom:
        handler: boom.handler
        events:
          - httpApi: 'GET /boom'
          - http: 'GET /boom'
      slow:
        handler: slow.handler
        timeout: 1
        events:
          - httpApi: 'GET /slow'
          - http: 'GET /slow'
      pyecho:
        runtime: python3.11
        handler: pyecho.handler
        events:
          - httpApi: 'GET /py/{name}'
          - http: 'GET /py/{name}'
"""

# no catch-all and no CORS: unknown routes reach the gateway's own errors
PLAIN_YML = """
    service: gwplain
    frameworkVersion: '3'
    provider:
      name: aws
      runtime: nodejs20.x
      stage: dev
    functions:
      echo:
        handler: echo.handler
        events:
          - httpApi: 'GET /only'
          - httpApi: 'GET /things/{id}'
          - http: 'GET /rest/{id}'
          - http: 'GET /rest-only'
"""

RELOAD_YML = """
    service: gwreload
    frameworkVersion: '3'
    provider:
      name: aws
      runtime: nodejs20.x
      stage: dev
      httpApi:
        cors:
          allowedOrigins:
            - https://app.example.com
          allowedHeaders:
            - Content-Type
            - X-Custom
          allowedMethods:
            - GET
            - PUT
          allowCredentials: true
          exposedResponseHeaders:
            - X-Total
          maxAge: 600
    functions:
      hello:
        handler: hello.handler
        events:
          - httpApi: 'GET /hello'
          - http: 'GET /rest/{id}'
%s
"""

HELLO_JS = """
    exports.handler = async (event) => ({
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      body: %s + ' ' + JSON.stringify({ resource: event.resource || null,
                                        path: event.path || null,
                                        stage: event.requestContext.stage }),
    });
"""


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(textwrap.dedent(text).lstrip("\n"))


# --------------------------------------------------------------------------
# processes

def _ppid_of(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read().decode("utf-8", "replace")
        fields = stat[stat.rindex(")") + 2:].split()
        return int(fields[1]), fields[0]
    except (OSError, ValueError, IndexError):
        return None, None


def _all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def descendants(root):
    children = {}
    for pid in _all_pids():
        ppid, _ = _ppid_of(pid)
        if ppid is not None:
            children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid):
    _, state = _ppid_of(pid)
    return state is not None and state != "Z"


def processes_in(directory):
    """Live processes whose working directory is inside `directory`."""
    found = []
    for pid in _all_pids():
        if pid == os.getpid():
            continue
        try:
            cwd = os.readlink("/proc/%d/cwd" % pid)
        except OSError:
            continue
        if (cwd == directory or cwd.startswith(directory + os.sep)) and alive(pid):
            found.append(pid)
    return found


class Fnctl:
    """`fnctl start` on free ports; its stderr and stdout are collected."""

    def __init__(self, service_dir, *args):
        self.dir = service_dir
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [FNCTL, "start", "--port", "0", "--aws-port", "0", *args],
            cwd=service_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True)
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._drain, args=(stream,), daemon=True).start()
        self.port = self.aws_port = None
        deadline = time.monotonic() + START_TIMEOUT
        with self.cond:
            while not any("press Ctrl-C to stop" in l for l in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    self.proc.kill()
                    self.proc.wait()
                    raise RuntimeError("fnctl did not start:\n" + "".join(self.lines))
                self.cond.wait(min(left, 0.2))
            banner = list(self.lines)
        for l in banner:
            m = re.search(r"aws endpoint\s+http://[0-9.]+:(\d+)", l)
            if m:
                self.aws_port = int(m.group(1))
            m = re.match(r"\s+[A-Z*]+\s+http://[0-9.]+:(\d+)/", l)
            if m and self.port is None:
                self.port = int(m.group(1))
        if not self.port:
            self.stop()
            raise RuntimeError("no route in the banner:\n" + "".join(banner))
        self.banner = "".join(banner)

    def _drain(self, stream):
        for raw in iter(stream.readline, b""):
            with self.cond:
                self.lines.append(raw.decode("utf-8", "replace"))
                self.cond.notify_all()
        stream.close()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def wait_line(self, since, needle, timeout):
        """The first line after `since` containing needle, or None."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for l in self.lines[since:]:
                    if needle in l:
                        return l
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def output(self):
        with self.cond:
            return "".join(self.lines)

    def stop(self):
        """SIGINT by PID; returns (exit status, workers left alive)."""
        if self.proc.poll() is not None:
            return self.proc.returncode, []
        children = descendants(self.proc.pid)
        os.kill(self.proc.pid, signal.SIGINT)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        deadline = time.monotonic() + 2
        while True:
            left = [p for p in children if alive(p)] + processes_in(self.dir)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for p in left:  # do not leak them into the other tests
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        return rc, left


# --------------------------------------------------------------------------
# HTTP

class Resp:
    def __init__(self, status, msg, body):
        self.status = status
        self.msg = msg
        self.body = body

    def header(self, name):
        return self.msg.get(name)

    def all(self, name):
        return self.msg.get_all(name) or []

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<%d %r %r>" % (self.status, self.msg.items(), self.body[:300])


def request(port, method, path, body=None, headers=()):
    """One request on a new connection; headers is a list of pairs (names may
    repeat). Only Host is added."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in headers:
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return Resp(r.status, r.msg, r.read())
    finally:
        conn.close()


def split_list(value):
    return {v.strip() for v in (value or "").split(",") if v.strip()}


def load_corpus(name):
    path = os.path.join(EVENTS, name)
    if not os.path.exists(path):
        raise unittest.SkipTest("corpus sample %s not found (set FNCTL_CORPUS)" % path)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def type_name(v):
    return {dict: "object", list: "array", str: "string", bool: "boolean",
            int: "number", float: "number", type(None): "null"}[type(v)]


# --------------------------------------------------------------------------

class GatewayCase(unittest.TestCase):
    """A fixture service and one fnctl for the class."""

    YML = None
    FILES = {}
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        if not os.access(FNCTL, os.X_OK):
            raise RuntimeError("no fnctl binary at %s (set FNCTL_BIN)" % FNCTL)
        if not shutil.which("node"):
            raise unittest.SkipTest("node is not installed")
        cls.tmp = tempfile.mkdtemp(prefix="fnctl-gw-")
        cls.svc = os.path.realpath(cls.tmp)
        write(os.path.join(cls.svc, "serverless.yml"), cls.YML)
        for name, text in cls.FILES.items():
            write(os.path.join(cls.svc, name), text)
        try:
            cls.fn = Fnctl(cls.svc, *cls.ARGS)
        except Exception:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise
        cls.port = cls.fn.port

    @classmethod
    def tearDownClass(cls):
        try:
            rc, left = cls.fn.stop()
            if rc is None:
                raise AssertionError("fnctl did not exit within 10 s of SIGINT")
            if rc < 0:
                raise AssertionError("fnctl died of signal %d on SIGINT" % -rc)
            if left:
                raise AssertionError("worker processes left after fnctl exited: %s" % left)
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    # helpers

    def req(self, method, path, body=None, headers=()):
        return request(self.port, method, path, body, headers)

    def http_api_id(self, r):
        rid = r.header("apigw-requestid")
        self.assertTrue(rid, "no apigw-requestid header: %r" % r)
        self.assertRegex(rid, HTTP_API_ID)
        return rid

    def rest_id(self, r):
        rid = r.header("x-amzn-RequestId")
        self.assertTrue(rid, "no x-amzn-RequestId header: %r" % r)
        self.assertRegex(rid, UUID)
        return rid

    def event(self, method, path, body=None, headers=(), rest=False):
        """The event the echo function received, and the response."""
        r = self.req(method, path, body, headers)
        self.assertEqual(r.status, 200, r)
        ev = r.json()
        if rest:
            self.assertEqual(ev["requestContext"]["requestId"], self.rest_id(r))
        else:
            self.assertEqual(ev["requestContext"]["requestId"], self.http_api_id(r))
        return ev, r

    def respond(self, path, response, headers=()):
        """The gateway's answer when the function returns `response`."""
        return self.req("POST", path, json.dumps(response).encode(),
                        [("Content-Type", "application/json"), *headers])

    def assert_time(self, clf, epoch_ms):
        self.assertIsInstance(epoch_ms, int)
        self.assertLess(abs(epoch_ms - time.time() * 1000), 60_000, "not milliseconds now")
        self.assertRegex(clf, CLF_TIME)
        secs = calendar.timegm(time.strptime(clf, "%d/%b/%Y:%H:%M:%S +0000"))
        self.assertEqual(secs, epoch_ms // 1000, "time and timeEpoch disagree")


# ==========================================================================

class MainGateway(GatewayCase):
    YML = MAIN_YML
    FILES = dict(NODE_HANDLERS, **{"pyecho.py": PY_HANDLER})

    # ---------------------------------------------------------------- routing

    def test_route_http_api_priority(self):
        cases = [
            ("GET", "/pets/dog/1", "GET /pets/dog/1", None),
            ("GET", "/pets/dog/2", "GET /pets/dog/{id}", {"id": "2"}),
            ("GET", "/pets/cat/1", "GET /pets/{proxy+}", {"proxy": "cat/1"}),
            ("GET", "/pets/a/b/c", "GET /pets/{proxy+}", {"proxy": "a/b/c"}),
            ("DELETE", "/things/9", "DELETE /things/{id}", {"id": "9"}),
            ("PUT", "/things/9", "ANY /things/{id}", {"id": "9"}),
            ("PATCH", "/things/9", "ANY /things/{id}", {"id": "9"}),
            ("POST", "/pets/dog/1", "$default", None),   # no POST route there
            ("GET", "/nowhere/at/all", "$default", None),
            ("GET", "/", "$default", None),
        ]
        for method, path, key, params in cases:
            with self.subTest(method=method, path=path):
                ev, _ = self.event(method, path)
                self.assertEqual(ev["routeKey"], key)
                self.assertEqual(ev["requestContext"]["routeKey"], key)
                self.assertEqual(ev["requestContext"]["http"]["method"], method)
                self.assertEqual(ev["rawPath"], path)
                if params is None:
                    self.assertNotIn("pathParameters", ev)
                else:
                    self.assertEqual(ev["pathParameters"], params)

    def test_route_http_api_trailing_slash(self):
        ev, _ = self.event("GET", "/pets/dog/1/")
        self.assertEqual(ev["routeKey"], "GET /pets/dog/1")
        self.assertEqual(ev["rawPath"], "/pets/dog/1/")
        ev, _ = self.event("GET", "/echo/?x=1")
        self.assertEqual(ev["routeKey"], "GET /echo")
        ev, _ = self.event("GET", "/pets/cat/")
        self.assertEqual(ev["routeKey"], "GET /pets/{proxy+}")
        self.assertEqual(ev["pathParameters"], {"proxy": "cat"})

    def test_route_http_api_decodes_path_parameters(self):
        ev, _ = self.event("GET", "/enc/a%20b%2Bc%C3%A9")
        self.assertEqual(ev["routeKey"], "GET /enc/{name}")
        self.assertEqual(ev["pathParameters"], {"name": "a b+c\u00e9"})
        self.assertEqual(ev["rawPath"], "/enc/a%20b%2Bc%C3%A9")
        ev, _ = self.event("GET", "/pets/x%20y/z")
        self.assertEqual(ev["pathParameters"], {"proxy": "x y/z"})

    def test_route_rest_under_stage(self):
        cases = [
            ("GET", "/dev/pets/dog/1", "/pets/dog/1", "/pets/dog/1", None),
            ("GET", "/dev/pets/dog/2", "/pets/dog/{id}", "/pets/dog/2", {"id": "2"}),
            ("GET", "/dev/pets/cat/1", "/pets/{proxy+}", "/pets/cat/1", {"proxy": "cat/1"}),
            ("POST", "/dev/pets/dog/1", "/pets/{proxy+}", "/pets/dog/1", {"proxy": "dog/1"}),
            ("DELETE", "/dev/pets/x", "/pets/{proxy+}", "/pets/x", {"proxy": "x"}),
        ]
        for method, url, resource, path, params in cases:
            with self.subTest(method=method, url=url):
                ev, _ = self.event(method, url, rest=True)
                self.assertEqual(ev["resource"], resource)
                self.assertEqual(ev["requestContext"]["resourcePath"], resource)
                self.assertEqual(ev["path"], path)
                self.assertEqual(ev["requestContext"]["path"], url)
                self.assertEqual(ev["httpMethod"], method)
                self.assertEqual(ev["pathParameters"], params)

    def test_route_rest_trailing_slash(self):
        # AWS keeps the slash in path but not in the {proxy+} value
        ev, _ = self.event("GET", "/dev/pets/proxy-value/", rest=True)
        self.assertEqual(ev["resource"], "/pets/{proxy+}")
        self.assertEqual(ev["path"], "/pets/proxy-value/")
        self.assertEqual(ev["pathParameters"], {"proxy": "proxy-value"})
        ev, _ = self.event("GET", "/dev/echo/", rest=True)
        self.assertEqual(ev["resource"], "/echo")
        self.assertEqual(ev["path"], "/echo/")

    def test_route_rest_does_not_decode_path(self):
        # real capture: path and {proxy+} keep %2B; the query is decoded
        ev, _ = self.event("GET", "/dev/pets/api/user/test%2Balias@gmail.com"
                           "?plus=test+alias@gmail.com&enc=a%2Bb%20c", rest=True)
        self.assertEqual(ev["path"], "/pets/api/user/test%2Balias@gmail.com")
        self.assertEqual(ev["pathParameters"], {"proxy": "api/user/test%2Balias@gmail.com"})
        self.assertEqual(ev["queryStringParameters"],
                         {"plus": "test alias@gmail.com", "enc": "a+b c"})

    # -------------------------------------------------------------- 2.0 event

    def test_v2_event_fields(self):
        before = int(time.time() * 1000)
        ev, r = self.event("GET", "/pets/dog/7?a=1&a=2&b=x%20y&empty=&c=%C3%A9", headers=[
            ("User-Agent", "gw-test/1.0"),
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("X-Mixed-Case", "Value Kept"),
            ("Cookie", "c1=v1; c2=v2"),
        ])
        after = int(time.time() * 1000)
        self.assertEqual(ev["version"], "2.0")
        self.assertEqual(ev["routeKey"], "GET /pets/dog/{id}")
        self.assertEqual(ev["rawPath"], "/pets/dog/7")
        self.assertEqual(ev["rawQueryString"], "a=1&a=2&b=x%20y&empty=&c=%C3%A9")
        self.assertEqual(ev["cookies"], ["c1=v1", "c2=v2"])
        h = ev["headers"]
        self.assertNotIn("cookie", h)
        self.assertEqual(h["x-multi"], "one,two")
        self.assertEqual(h["x-mixed-case"], "Value Kept")
        self.assertEqual(h["user-agent"], "gw-test/1.0")
        self.assertEqual(h["host"], "127.0.0.1:%d" % self.port)
        for name in h:
            self.assertEqual(name, name.lower())
        self.assertEqual(ev["queryStringParameters"],
                         {"a": "1,2", "b": "x y", "empty": "", "c": "\u00e9"})
        self.assertEqual(ev["pathParameters"], {"id": "7"})
        self.assertNotIn("stageVariables", ev)
        self.assertNotIn("body", ev)
        self.assertIs(ev["isBase64Encoded"], False)

        ctx = ev["requestContext"]
        self.assertEqual(ctx["routeKey"], "GET /pets/dog/{id}")
        self.assertEqual(ctx["stage"], "$default")
        self.assertEqual(ctx["http"], {
            "method": "GET", "path": "/pets/dog/7", "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1", "userAgent": "gw-test/1.0"})
        self.assertRegex(ctx["accountId"], r"^\d{12}$")
        self.assertTrue(ctx["apiId"])
        self.assertEqual(ctx["domainName"], "127.0.0.1:%d" % self.port)
        self.assertTrue(ctx["domainPrefix"])
        self.assertTrue(ctx["domainName"].startswith(ctx["domainPrefix"]))
        self.assertNotIn("authorizer", ctx)
        self.assertNotIn("authentication", ctx)
        self.assertEqual(ctx["requestId"], r.header("apigw-requestid"))
        self.assert_time(ctx["time"], ctx["timeEpoch"])
        self.assertTrue(before - 1000 <= ctx["timeEpoch"] <= after + 1000)

    def test_v2_event_empty_fields_absent(self):
        ev, _ = self.event("GET", "/echo")
        self.assertEqual(ev["rawQueryString"], "")
        for key in ("cookies", "queryStringParameters", "pathParameters",
                    "stageVariables", "body"):
            self.assertNotIn(key, ev)
        self.assertIs(ev["isBase64Encoded"], False)

    def test_v2_event_request_ids_differ(self):
        a, _ = self.event("GET", "/echo")
        b, _ = self.event("GET", "/echo")
        self.assertNotEqual(a["requestContext"]["requestId"], b["requestContext"]["requestId"])

    def test_v2_event_text_body(self):
        body = '{"a": 1, "s": "\u00e9t\u00e9"}'.encode()
        ev, _ = self.event("POST", "/echo", body,
                           [("Content-Type", "application/json; charset=utf-8")])
        self.assertEqual(ev["body"], body.decode())
        self.assertIs(ev["isBase64Encoded"], False)
        self.assertEqual(ev["headers"]["content-type"], "application/json; charset=utf-8")
        ev, _ = self.event("POST", "/echo", b"plain text", [("Content-Type", "text/plain")])
        self.assertEqual(ev["body"], "plain text")
        self.assertIs(ev["isBase64Encoded"], False)

    def test_v2_event_form_body_is_base64(self):
        # HTTP API base64-encodes every type but text/*, json, xml, javascript
        ev, _ = self.event("POST", "/echo", b"a=1&b=two",
                           [("Content-Type", "application/x-www-form-urlencoded")])
        self.assertIs(ev["isBase64Encoded"], True)
        self.assertEqual(base64.b64decode(ev["body"]), b"a=1&b=two")

    def test_v2_event_keys_match_corpus(self):
        sample = load_corpus("apigw-v2-request-no-authorizer.json")
        # the sample's request: GET / on the $default route, curl-like headers
        ev, _ = self.event("GET", "/", headers=[("Accept", "*/*"),
                                                ("User-Agent", "curl/7.58.0")])
        self.assertEqual(ev["routeKey"], sample["routeKey"])
        self.assertEqual(ev["rawPath"], sample["rawPath"])
        self.assertEqual(ev["rawQueryString"], sample["rawQueryString"])
        self.assertEqual(set(ev), set(sample))
        # requestContext.authentication is there only with mutual TLS
        self.assertEqual(set(ev["requestContext"]),
                         set(sample["requestContext"]) - {"authentication"})
        self.assertEqual(set(ev["requestContext"]["http"]),
                         set(sample["requestContext"]["http"]))
        for key, value in sample.items():
            self.assertEqual(type_name(ev[key]), type_name(value), key)
        for key, value in sample["requestContext"].items():
            if key != "authentication":
                self.assertEqual(type_name(ev["requestContext"][key]), type_name(value), key)
        for key, value in sample["requestContext"]["http"].items():
            self.assertEqual(type_name(ev["requestContext"]["http"][key]), type_name(value), key)
        for key, value in ev["headers"].items():
            self.assertIsInstance(value, str, key)
    # (the corpus sample has content-length "0" on a bodiless GET,
    # x-amzn-trace-id, x-forwarded-for, x-forwarded-port, x-forwarded-proto);
    # fnctl passes on only the client's headers.
    def test_v2_event_gateway_headers_match_corpus(self):
        sample = load_corpus("apigw-v2-request-no-authorizer.json")
        ev, _ = self.event("GET", "/", headers=[("Accept", "*/*"),
                                                ("User-Agent", "curl/7.58.0")])
        self.assertEqual(set(ev["headers"]), set(sample["headers"]))
        self.assertEqual(ev["headers"]["x-forwarded-for"], "127.0.0.1")
        self.assertEqual(ev["headers"]["x-forwarded-proto"], "http")
        self.assertEqual(ev["headers"]["x-forwarded-port"], str(self.port))
        self.assertTrue(ev["headers"]["x-amzn-trace-id"].startswith("Root=1-"))

    # -------------------------------------------------------------- 1.0 event
    # (X-Forwarded-For/-Port/-Proto in the corpus sample apigw-request.json,
    # X-Amzn-Trace-Id in real captures): GET /dev/echo -> headers {"Host": ...}.
    def test_v1_event_gateway_headers(self):
        ev, _ = self.event("GET", "/dev/echo", rest=True)
        sample = load_corpus("apigw-request.json")
        for name in ("X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"):
            self.assertIn(name, sample["headers"])
        for name, value in (("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-Proto", "http"),
                            ("X-Forwarded-Port", str(self.port))):
            self.assertEqual(ev["headers"].get(name), value, name)
            self.assertEqual(ev["multiValueHeaders"].get(name), [value], name)
        self.assertTrue(ev["headers"].get("X-Amzn-Trace-Id", "").startswith("Root=1-"))

    def test_v1_event_fields(self):
        ev, r = self.event("GET", "/dev/pets/dog/7?a=1&a=2&b=x%20y&c=p+q", headers=[
            ("User-Agent", "gw-test/1.0"),
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("tEsT-HEADeR", "aValUE"),
            ("Cookie", "c1=v1; c2=v2"),
        ], rest=True)
        self.assertNotIn("version", ev)
        self.assertEqual(ev["resource"], "/pets/dog/{id}")
        self.assertEqual(ev["path"], "/pets/dog/7")
        self.assertEqual(ev["httpMethod"], "GET")
        h, mh = ev["headers"], ev["multiValueHeaders"]
        self.assertEqual(h["tEsT-HEADeR"], "aValUE")          # case kept
        self.assertEqual(h["X-Multi"], "two")                  # the last one
        self.assertEqual(mh["X-Multi"], ["one", "two"])
        self.assertEqual(h["Cookie"], "c1=v1; c2=v2")          # REST keeps cookies
        self.assertEqual(h["User-Agent"], "gw-test/1.0")
        self.assertEqual(set(h), set(mh))
        for k, v in h.items():
            self.assertEqual(mh[k][-1], v, k)
        self.assertEqual(ev["queryStringParameters"], {"a": "2", "b": "x y", "c": "p q"})
        self.assertEqual(ev["multiValueQueryStringParameters"],
                         {"a": ["1", "2"], "b": ["x y"], "c": ["p q"]})
        self.assertEqual(ev["pathParameters"], {"id": "7"})
        self.assertIsNone(ev["stageVariables"])
        self.assertIsNone(ev["body"])
        self.assertIs(ev["isBase64Encoded"], False)

        ctx = ev["requestContext"]
        self.assertEqual(ctx["resourcePath"], "/pets/dog/{id}")
        self.assertEqual(ctx["stage"], "dev")
        self.assertEqual(ctx["path"], "/dev/pets/dog/7")
        self.assertEqual(ctx["httpMethod"], "GET")
        self.assertEqual(ctx["protocol"], "HTTP/1.1")
        self.assertEqual(ctx["identity"]["sourceIp"], "127.0.0.1")
        self.assertEqual(ctx["identity"]["userAgent"], "gw-test/1.0")
        for k, v in ctx["identity"].items():
            if k not in ("sourceIp", "userAgent"):
                self.assertIsNone(v, k)
        self.assertRegex(ctx["accountId"], r"^\d{12}$")
        self.assertEqual(ctx["domainName"], "127.0.0.1:%d" % self.port)
        self.assertNotIn("authorizer", ctx)
        self.assertEqual(ctx["requestId"], r.header("x-amzn-RequestId"))
        self.assertRegex(ctx["requestId"], UUID)
        self.assertTrue(ctx["extendedRequestId"])
        self.assert_time(ctx["requestTime"], ctx["requestTimeEpoch"])

    def test_v1_event_empty_fields_null(self):
        ev, _ = self.event("GET", "/dev/echo", rest=True)
        for key in ("queryStringParameters", "multiValueQueryStringParameters",
                    "pathParameters", "stageVariables", "body"):
            self.assertIn(key, ev)
            self.assertIsNone(ev[key], key)
        self.assertIs(ev["isBase64Encoded"], False)
        self.assertEqual(ev["resource"], "/echo")
        self.assertEqual(ev["requestContext"]["path"], "/dev/echo")

    def test_v1_event_text_body(self):
        body = b'{\r\n\t"a": 1\r\n}'
        ev, _ = self.event("POST", "/dev/echo", body, [("Content-Type", "application/json")],
                           rest=True)
        self.assertEqual(ev["body"], body.decode())
        self.assertIs(ev["isBase64Encoded"], False)
        self.assertEqual(ev["headers"]["Content-Type"], "application/json")
    # one of provider.apiGateway.binaryMediaTypes; fnctl applies HTTP API's
    # rule, so a form post to a REST route arrives base64-encoded:
    # POST /dev/echo, Content-Type: application/x-www-form-urlencoded, "a=1&b=two"
    # -> event body "YT0xJmI9dHdv", isBase64Encoded true (AWS: "a=1&b=two", false).
    def test_v1_event_form_body_is_text(self):
        ev, _ = self.event("POST", "/dev/echo", b"a=1&b=two",
                           [("Content-Type", "application/x-www-form-urlencoded")], rest=True)
        self.assertEqual(ev["body"], "a=1&b=two")
        self.assertIs(ev["isBase64Encoded"], False)

    def test_v1_event_keys_match_corpus(self):
        sample = load_corpus("apigw-request.json")
        # the sample's request: POST /{proxy+} with a query and a JSON body
        ev, _ = self.event("POST", "/dev/pets/hello/world?name=me", b'{\r\n\t"a": 1\r\n}',
                           [("Content-Type", "application/json"),
                            ("Accept", "*/*"), ("User-Agent", "PostmanRuntime/2.4.5")],
                           rest=True)
        # isBase64Encoded came after the sample was written (real captures have it)
        self.assertEqual(set(ev), set(sample) | {"isBase64Encoded"})
        # authorizer only with an authorizer
        self.assertEqual(set(ev["requestContext"]),
                         set(sample["requestContext"]) - {"authorizer"})
        # apiKey/apiKeyId only with API keys, clientCert only with mutual TLS;
        # principalOrgId is in real captures (LocalStack's AWS-validated snapshot)
        self.assertEqual(set(ev["requestContext"]["identity"]),
                         set(sample["requestContext"]["identity"])
                         - {"apiKey", "apiKeyId", "clientCert"} | {"principalOrgId"})
        for key, value in sample.items():
            if key == "stageVariables":       # null when the stage has none
                self.assertIsNone(ev[key])
                continue
            self.assertEqual(type_name(ev[key]), type_name(value), key)
        for key, value in sample["requestContext"].items():
            if key in ev["requestContext"]:
                self.assertEqual(type_name(ev["requestContext"][key]), type_name(value), key)
        for key, value in ev["requestContext"]["identity"].items():
            self.assertIn(type_name(value), ("string", "null"), key)
        for key, value in ev["multiValueHeaders"].items():
            self.assertIsInstance(value, list, key)
        self.assertEqual(ev["resource"], "/pets/{proxy+}")
        self.assertEqual(ev["path"], "/pets/hello/world")
        self.assertEqual(ev["pathParameters"], sample["pathParameters"])
        self.assertEqual(ev["queryStringParameters"], sample["queryStringParameters"])
        self.assertEqual(ev["multiValueQueryStringParameters"],
                         sample["multiValueQueryStringParameters"])
        self.assertEqual(ev["body"], sample["body"])

    # --------------------------------------------------------------- python

    def test_python_function_events(self):
        r = self.req("GET", "/py/a%20b?x=1")
        self.assertEqual(r.status, 200, r)
        self.http_api_id(r)
        out = r.json()
        self.assertEqual(out["runtime"], "python")
        ev = out["event"]
        self.assertEqual(ev["version"], "2.0")
        self.assertEqual(ev["routeKey"], "GET /py/{name}")
        self.assertEqual(ev["pathParameters"], {"name": "a b"})
        self.assertEqual(ev["queryStringParameters"], {"x": "1"})
        self.assertEqual(ev["requestContext"]["requestId"], r.header("apigw-requestid"))
        r = self.req("GET", "/dev/py/zed")
        self.assertEqual(r.status, 200, r)
        ev = r.json()["event"]
        self.assertEqual(ev["resource"], "/py/{name}")
        self.assertEqual(ev["pathParameters"], {"name": "zed"})
        self.assertEqual(ev["requestContext"]["requestId"], self.rest_id(r))

    # --------------------------------------------------------------- binary

    def test_binary_round_trip_http_api(self):
        data = bytes(range(256)) + random.Random(1).randbytes(4000)
        r = self.req("POST", "/binary", data, [("Content-Type", "application/octet-stream")])
        self.assertEqual(r.status, 200, r)
        self.http_api_id(r)
        self.assertEqual(r.header("x-request-base64"), "true")
        self.assertEqual(r.header("x-request-length"), str(len(data)))
        self.assertEqual(r.header("Content-Type"), "application/octet-stream")
        self.assertEqual(r.body, data)

    def test_binary_round_trip_rest(self):
        # with application/octet-stream in binaryMediaTypes and in Accept
        data = bytes(range(255, -1, -1)) + random.Random(2).randbytes(4000)
        r = self.req("POST", "/dev/binary", data,
                     [("Content-Type", "application/octet-stream"),
                      ("Accept", "application/octet-stream")])
        self.assertEqual(r.status, 200, r)
        self.rest_id(r)
        self.assertEqual(r.header("x-request-base64"), "true")
        self.assertEqual(r.header("x-request-length"), str(len(data)))
        self.assertEqual(r.body, data)

    def test_binary_response_http_api_any_content_type(self):
        # HTTP API decodes isBase64Encoded bodies whatever the content type
        r = self.respond("/respond", {"statusCode": 200, "headers": {"content-type": "text/plain"},
                                      "body": base64.b64encode(b"\x00\xffhello").decode(),
                                      "isBase64Encoded": True})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"\x00\xffhello")
    # request's Accept (or the response's Content-Type) is one of
    # binaryMediaTypes; otherwise the base64 text is sent as it is. fnctl
    # always decodes: POST /dev/respond returning {"statusCode":200,
    # "headers":{"Content-Type":"text/plain"},"body":"aGVsbG8=",
    # "isBase64Encoded":true} with Accept: text/plain -> body "hello"
    # (AWS: "aGVsbG8=").
    def test_binary_response_rest_not_binary_media_type(self):
        r = self.respond("/dev/respond", {"statusCode": 200,
                                          "headers": {"Content-Type": "text/plain"},
                                          "body": "aGVsbG8=", "isBase64Encoded": True},
                         [("Accept", "text/plain")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"aGVsbG8=")

    # ------------------------------------------------------------ responses

    def test_response_v2_status_headers_cookies(self):
        r = self.respond("/respond", {
            "statusCode": 201,
            "headers": {"content-type": "text/plain", "x-single": "1", "x-list": "a,b"},
            "cookies": ["c1=v1; Path=/", "c2=v2; HttpOnly; Secure"],
            "body": "created"})
        self.assertEqual(r.status, 201, r)
        self.http_api_id(r)
        self.assertEqual(r.header("Content-Type"), "text/plain")
        self.assertEqual(r.header("x-single"), "1")
        self.assertEqual(r.header("x-list"), "a,b")
        self.assertEqual(r.all("Set-Cookie"), ["c1=v1; Path=/", "c2=v2; HttpOnly; Secure"])
        self.assertEqual(r.body, b"created")

    def test_response_v2_string_inferred(self):
        r = self.respond("/respond", "Hello from Lambda!")
        self.assertEqual(r.status, 200, r)
        self.http_api_id(r)
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertEqual(r.body, b"Hello from Lambda!")

    def test_response_v2_object_without_status_inferred(self):
        doc = {"message": "Hello from Lambda!", "n": [1, 2]}
        r = self.respond("/respond", doc)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertEqual(json.loads(r.body), doc)

    def test_response_v1_status_headers_multivalue(self):
        r = self.respond("/dev/respond", {
            "statusCode": 202,
            "headers": {"Content-Type": "text/plain", "X-Solo": "1", "X-Num": 5,
                        "X-Bool": True, "test-multi": "value-solo"},
            "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", "b=2; HttpOnly"],
                                  "X-M": ["x", "y"], "test-multi": ["value-multi"]},
            "body": "accepted"})
        self.assertEqual(r.status, 202, r)
        self.rest_id(r)
        self.assertEqual(r.header("Content-Type"), "text/plain")
        self.assertEqual(r.header("X-Solo"), "1")
        self.assertEqual(r.header("X-Num"), "5")
        self.assertEqual(r.header("X-Bool"), "true")
        self.assertEqual(r.all("Set-Cookie"), ["a=1; Path=/", "b=2; HttpOnly"])
        self.assertEqual([v.strip() for l in r.all("X-M") for v in l.split(",")], ["x", "y"])
        self.assertEqual([v.strip() for l in r.all("test-multi") for v in l.split(",")],
                         ["value-multi", "value-solo"])
        self.assertEqual(r.body, b"accepted")

    def test_response_v1_accepted_shapes(self):
        r = self.respond("/dev/respond", {"statusCode": 200})
        self.assertEqual((r.status, r.body), (200, b""), r)
        self.assertEqual(r.header("Content-Type"), "application/json")
        r = self.respond("/dev/respond", {"statusCode": "201", "body": "x"})
        self.assertEqual((r.status, r.body), (201, b"x"), r)
        r = self.respond("/dev/respond", {"headers": {"test-header": "value"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("test-header"), "value")
        r = self.respond("/dev/respond", {"statusCode": 200, "headers": None, "body": "n"})
        self.assertEqual((r.status, r.body), (200, b"n"), r)

    def test_response_v1_malformed_is_502(self):
        for bad in ({"statusCode": 200, "body": {"an": "object"}},
                    {"statusCode": 200, "wrongValue": "value"},
                    {},
                    "justAString",
                    {"statusCode": "test"},
                    {"statusCode": 200, "multiValueHeaders": {"x": "not-a-list"}}):
            with self.subTest(response=bad):
                r = self.respond("/dev/respond", bad)
                self.assertEqual(r.status, 502, r)
                self.assertEqual(r.body, REST_502)
                self.assertEqual(r.header("Content-Type"), "application/json")
                self.rest_id(r)

    def test_response_function_error(self):
        r = self.req("GET", "/boom")
        self.assertEqual(r.status, 500, r)
        self.assertEqual(r.body, HTTP_API_500)
        self.http_api_id(r)
        r = self.req("GET", "/dev/boom")
        self.assertEqual(r.status, 502, r)
        self.assertEqual(r.body, REST_502)
        self.rest_id(r)

    def test_response_function_timeout(self):
        t0 = time.monotonic()
        r = self.req("GET", "/slow")
        self.assertEqual(r.status, 500, r)
        self.assertEqual(r.body, HTTP_API_500)
        self.http_api_id(r)
        r = self.req("GET", "/dev/slow")
        self.assertEqual(r.status, 502, r)
        self.assertEqual(r.body, REST_502)
        self.rest_id(r)
        self.assertLess(time.monotonic() - t0, 8, "the 1 s function timeout was not applied")

    # ----------------------------------------------------------------- CORS

    def test_cors_http_api_preflight(self):
        r = self.req("OPTIONS", "/echo", headers=[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type,x-amz-date")])
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.http_api_id(r)
        self.assertIn(r.header("access-control-allow-origin"), ("*", "https://app.example.com"))
        methods = split_list(r.header("access-control-allow-methods"))
        self.assertLessEqual({"OPTIONS", "GET", "POST", "DELETE"}, methods)
        headers = {h.lower() for h in split_list(r.header("access-control-allow-headers"))}
        self.assertLessEqual({h.lower() for h in SLS_CORS_HEADERS.split(",")}, headers)

    def test_cors_http_api_preflight_needs_no_route(self):
        # answered by the gateway for a path no route has
        r = self.req("OPTIONS", "/no/such/route", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")])
        self.assertEqual(r.status, 204, r)
        self.assertTrue(r.header("access-control-allow-origin"))

    def test_cors_http_api_actual_response(self):
        r = self.req("GET", "/echo", headers=[("Origin", "https://app.example.com")])
        self.assertEqual(r.status, 200, r)
        self.assertIn(r.header("access-control-allow-origin"), ("*", "https://app.example.com"))
        # without Origin it is not a CORS request
        r = self.req("GET", "/echo")
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.header("access-control-allow-origin"))

    def test_cors_http_api_ignores_function_cors_headers(self):
        r = self.respond("/respond", {"statusCode": 200, "body": "x", "headers": {
            "Access-Control-Allow-Origin": "https://evil.example"}},
            [("Origin", "https://app.example.com")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.all("access-control-allow-origin"), ["*"])

    def test_cors_rest_preflight(self):
        r = self.req("OPTIONS", "/dev/cors", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"")
        self.rest_id(r)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
        self.assertEqual(r.header("Access-Control-Allow-Headers"), SLS_CORS_HEADERS)
        self.assertIsNone(r.header("Access-Control-Allow-Credentials"))
        self.assertIn("OPTIONS", split_list(r.header("Access-Control-Allow-Methods")))
        self.assertIn("GET", split_list(r.header("Access-Control-Allow-Methods")))

    def test_cors_rest_preflight_any(self):
        r = self.req("OPTIONS", "/dev/cors-any", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(split_list(r.header("Access-Control-Allow-Methods")),
                         {"OPTIONS", "DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"})
        self.assertEqual(r.header("Access-Control-Allow-Headers"), SLS_CORS_HEADERS)
    # Access-Control-Allow-Methods is the union of every cors event on that
    # path (validate.js: _.union of the methods). fnctl lists only the method
    # named in Access-Control-Request-Method: OPTIONS /dev/cors with
    # Access-Control-Request-Method: POST -> "OPTIONS,POST" (AWS after
    # `sls deploy`: OPTIONS, POST and GET).
    def test_cors_rest_preflight_methods_of_path(self):
        r = self.req("OPTIONS", "/dev/cors", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "POST")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(split_list(r.header("Access-Control-Allow-Methods")),
                         {"OPTIONS", "GET", "POST"})

    def test_cors_rest_actual_response_untouched(self):
        # with lambda-proxy the function sets CORS headers itself
        ev, r = self.event("GET", "/dev/cors", headers=[("Origin", "https://app.example.com")],
                           rest=True)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))
        self.assertEqual(ev["headers"]["Origin"], "https://app.example.com")
    # stage prefix that match no REST route go to the HTTP API's $default
    # function instead of REST's 403: GET /dev/nope and DELETE /dev/echo ->
    # 200 from the echo function with routeKey "$default" (AWS, at the REST
    # URL the banner prints: 403 {"message":"Missing Authentication Token"};
    # fnctl itself answers 403 there when no '*' route exists).
    def test_route_rest_unknown_with_catch_all(self):
        for method, path in (("GET", "/dev/nope"), ("DELETE", "/dev/echo")):
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.body, MISSING_TOKEN)
                self.rest_id(r)

    def test_keep_alive_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            ids = set()
            for method, path, body in (("GET", "/echo", None), ("POST", "/echo", b"one"),
                                       ("GET", "/dev/echo", None), ("GET", "/nowhere", None),
                                       ("POST", "/echo", b"two")):
                conn.request(method, path, body=body,
                             headers={"Content-Type": "text/plain"} if body else {})
                r = conn.getresponse()
                ev = json.loads(r.read())
                self.assertEqual(r.status, 200)
                if body:
                    self.assertEqual(ev["body"], body.decode())
                ids.add(ev["requestContext"]["requestId"])
            self.assertEqual(len(ids), 5)
        finally:
            conn.close()

    # ------------------------------------------------- the wire (fnctl's HTTP/1.1 server)

    def raw(self, data, until=None):
        """Sends bytes on a new connection; returns what comes back until the
        server closes or `until` (bytes) has arrived."""
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_TIMEOUT) as s:
            s.sendall(data)
            got = b""
            while until is None or until not in got:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            return got

    def read_responses(self, sock, n):
        """n responses (Content-Length framed) from sock, in order: a list of
        (status, {lowercased header: value}, body)."""
        f = sock.makefile("rb")
        out = []
        for _ in range(n):
            status = int(f.readline().split()[1])
            headers = {}
            while True:
                line = f.readline().decode("latin-1").rstrip("\r\n")
                if not line:
                    break
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            out.append((status, headers, f.read(int(headers["content-length"]))))
        return out

    def test_wire_chunked_request_body(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_TIMEOUT) as s:
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n")
            for part in (b"4\r\nhell\r\n", b"7;ext=1\r\no, chun\r\n", b"3\r\nked\r\n",
                         b"0\r\n\r\n"):
                s.sendall(part)
                time.sleep(0.02)
            [(status, msg, body)] = self.read_responses(s, 1)
        self.assertEqual(status, 200)
        ev = json.loads(body)
        self.assertEqual(ev["body"], "hello, chunked")
        self.assertEqual(ev["headers"]["content-length"], "14",
                         "the function sees the decoded length")

    def test_wire_expect_100_continue(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_TIMEOUT) as s:
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            interim = s.recv(100)
            self.assertEqual(interim, b"HTTP/1.1 100 Continue\r\n\r\n")
            s.sendall(b"later")
            [(status, msg, body)] = self.read_responses(s, 1)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["body"], "later")

    def test_wire_pipelined_requests_answer_in_order(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_TIMEOUT) as s:
            s.sendall(b"GET /pets/dog/7 HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /nowhere-at-all HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /echo?n=3 HTTP/1.1\r\nHost: x\r\n\r\n")
            rs = self.read_responses(s, 3)
        self.assertEqual([r[0] for r in rs], [200, 200, 200])
        self.assertEqual(json.loads(rs[0][2])["rawPath"], "/pets/dog/7")
        self.assertEqual(json.loads(rs[1][2])["routeKey"], "$default")
        self.assertEqual(json.loads(rs[2][2])["rawQueryString"], "n=3")

    def test_wire_malformed_requests(self):
        for data, status in ((b"NOT HTTP AT ALL\r\n\r\n", b"400"),
                             (b"GET / HTTP/1.1\r\nBroken header\r\n\r\n", b"400"),
                             (b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", b"400"),
                             (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", b"501"),
                             (b"GET / HTTP/3.0\r\n\r\n", b"505")):
            with self.subTest(data=data):
                got = self.raw(data)
                self.assertTrue(got.startswith(b"HTTP/1.1 " + status + b" "), got)
                self.assertIn(b"\r\nConnection: close\r\n", got)
        # and the gateway serves on
        self.assertEqual(self.req("GET", "/echo").status, 200)

    def test_wire_utf8_header_values_reach_both_formats(self):
        # bytes over 0x7f are allowed in header values (obs-text); UTF-8 ones
        # reach the event, other 8-bit ones are left out (JSON cannot carry them)
        for path, key in (("/echo", "x-name"), ("/dev/echo", "X-Name")):
            with self.subTest(path=path):
                got = self.raw(("GET %s HTTP/1.1\r\nHost: x\r\nX-Name: caf\u00e9\r\n"
                                "X-Latin: \u00ff\r\nConnection: close\r\n\r\n" % path)
                               .encode("utf-8").replace("\u00ff".encode("utf-8"), b"\xff"))
                self.assertTrue(got.startswith(b"HTTP/1.1 200 OK\r\n"), got[:200])
                ev = json.loads(got.split(b"\r\n\r\n", 1)[1])
                self.assertEqual(ev["headers"][key], "caf\u00e9")
                self.assertNotIn("x-latin", {k.lower() for k in ev["headers"]})

    def test_wire_http_1_0_is_answered_and_closed(self):
        got = self.raw(b"GET /echo HTTP/1.0\r\n\r\n")
        self.assertTrue(got.startswith(b"HTTP/1.1 200 OK\r\n"), got)
        self.assertIn(b"\r\nConnection: close\r\n", got)
        self.assertIn(b'"rawPath":"/echo"', got)

    def test_wire_function_framing_headers_are_the_gateways(self):
        # a function's own Content-Length or Transfer-Encoding must not frame
        # the response twice (or wrongly)
        for path in ("/respond", "/dev/respond"):
            with self.subTest(path=path):
                payload = {"statusCode": 200, "body": "hi",
                           "headers": {"Content-Length": "999", "Transfer-Encoding": "chunked",
                                       "Connection": "close", "X-Kept": "1"}}
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
                try:
                    for _ in range(2):  # the connection stays usable
                        conn.request("POST", path, body=json.dumps(payload),
                                     headers={"Content-Type": "application/json"})
                        r = conn.getresponse()
                        self.assertEqual(r.read(), b"hi")
                        self.assertEqual(r.msg.get_all("Content-Length"), ["2"])
                        self.assertIsNone(r.getheader("Transfer-Encoding"))
                        self.assertEqual(r.getheader("X-Kept"), "1")
                finally:
                    conn.close()

    # ------------------------------------------------- request id everywhere

    def test_every_response_has_request_id(self):
        cases = [
            ("GET", "/echo", None, True),
            ("POST", "/respond", json.dumps("s").encode(), True),
            ("GET", "/boom", None, True),
            ("GET", "/dev/echo", None, False),
            ("GET", "/dev/boom", None, False),
            ("POST", "/dev/respond", b'"bad"', False),
        ]
        for method, path, body, http_api in cases:
            with self.subTest(path=path):
                r = self.req(method, path, body,
                             [("Content-Type", "application/json")] if body else [])
                if http_api:
                    self.http_api_id(r)
                    self.assertIsNone(r.header("x-amzn-RequestId"))
                else:
                    self.rest_id(r)
                    self.assertIsNone(r.header("apigw-requestid"))


# ==========================================================================

class PlainGateway(GatewayCase):
    """No catch-all route, no CORS: the gateway's own not-found answers."""

    YML = PLAIN_YML
    FILES = {"echo.js": NODE_HANDLERS["echo.js"]}

    def test_http_api_unknown_route_404(self):
        for method, path in (("GET", "/nope"), ("POST", "/only"), ("GET", "/things/"),
                             ("GET", "/only/extra"), ("DELETE", "/things/1")):
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.body, NOT_FOUND)
                self.http_api_id(r)

    def test_http_api_known_routes(self):
        ev, _ = self.event("GET", "/only")
        self.assertEqual(ev["routeKey"], "GET /only")
        ev, _ = self.event("GET", "/things/5")
        self.assertEqual(ev["pathParameters"], {"id": "5"})

    def test_rest_unknown_path_403(self):
        for method, path in (("GET", "/dev/nope"), ("GET", "/dev/rest/"),
                             ("GET", "/dev/rest/1/2"), ("GET", "/dev")):
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.body, MISSING_TOKEN)
                self.assertEqual(r.header("x-amzn-ErrorType"),
                                 "MissingAuthenticationTokenException")
                self.rest_id(r)

    def test_rest_wrong_method_403(self):
        for method, path in (("POST", "/dev/rest/1"), ("DELETE", "/dev/rest-only"),
                             ("PUT", "/dev/rest-only")):
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.body, MISSING_TOKEN)
                self.rest_id(r)

    def test_rest_known_route(self):
        ev, _ = self.event("GET", "/dev/rest/42", rest=True)
        self.assertEqual(ev["resource"], "/rest/{id}")
        self.assertEqual(ev["pathParameters"], {"id": "42"})

    def test_no_cors_configured(self):
        # no corsConfiguration: a preflight is an ordinary OPTIONS request,
        # and no route has OPTIONS
        r = self.req("OPTIONS", "/only", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")])
        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.body, NOT_FOUND)
        self.assertIsNone(r.header("access-control-allow-origin"))
        r = self.req("OPTIONS", "/dev/rest-only", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")])
        self.assertEqual(r.status, 403, r)
        r = self.req("GET", "/only", headers=[("Origin", "https://app.example.com")])
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.header("access-control-allow-origin"))


# ==========================================================================

class ReloadGateway(GatewayCase):
    """Hot reload, REST routes served without the stage prefix, and the
    object form of provider.httpApi.cors.

    The tests run in name order; each leaves a valid service behind."""

    YML = RELOAD_YML % ""
    FILES = {"hello.js": HELLO_JS % "'v1'"}
    ARGS = ("--no-stage-prefix",)

    def poll(self, method, path, check):
        """Requests until check(response) holds, for up to RELOAD_DEADLINE."""
        deadline = time.monotonic() + RELOAD_DEADLINE
        while True:
            r = self.req(method, path)
            if check(r):
                return r
            if time.monotonic() > deadline:
                self.fail("not seen within %.0f s: last %r\n--- fnctl output:\n%s"
                          % (RELOAD_DEADLINE, r, self.fn.output()))
            time.sleep(0.05)

    def test_0_no_stage_prefix(self):
        r = self.req("GET", "/rest/5")
        self.assertEqual(r.status, 200, r)
        self.rest_id(r)
        info = json.loads(r.body.decode().split(" ", 1)[1])
        self.assertEqual(info, {"resource": "/rest/{id}", "path": "/rest/5", "stage": "dev"})
        r = self.req("GET", "/hello")
        self.assertEqual(r.status, 200, r)
        self.http_api_id(r)

    def test_0_cors_object_form_preflight(self):
        r = self.req("OPTIONS", "/hello", headers=[
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-custom")])
        self.assertEqual(r.status, 204, r)
        self.http_api_id(r)
        self.assertEqual(r.header("access-control-allow-origin"), "https://app.example.com")
        self.assertEqual(r.header("access-control-allow-credentials"), "true")
        self.assertEqual(r.header("access-control-max-age"), "600")
        self.assertEqual(split_list(r.header("access-control-allow-methods")), {"GET", "PUT"})
        self.assertEqual({h.lower() for h in split_list(r.header("access-control-allow-headers"))},
                         {"content-type", "x-custom"})
        # an origin not allowed gets no CORS headers
        r = self.req("OPTIONS", "/hello", headers=[
            ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "GET")])
        self.assertIsNone(r.header("access-control-allow-origin"), r)

    def test_0_cors_object_form_actual_response(self):
        r = self.req("GET", "/hello", headers=[("Origin", "https://app.example.com")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("access-control-allow-origin"), "https://app.example.com")
        self.assertEqual(r.header("access-control-allow-credentials"), "true")
        self.assertEqual({h.lower() for h in split_list(r.header("access-control-expose-headers"))},
                         {"x-total"})
        r = self.req("GET", "/hello", headers=[("Origin", "https://evil.example")])
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.header("access-control-allow-origin"), r)

    def test_1_edit_handler(self):
        r = self.req("GET", "/hello")          # a warm worker with the old code
        self.assertEqual(r.status, 200, r)
        token = "v2-" + uuid.uuid4().hex[:8]
        write(os.path.join(self.svc, "hello.js"), HELLO_JS % json.dumps(token))
        r = self.poll("GET", "/hello", lambda r: r.body.startswith(token.encode()))
        self.assertEqual(r.status, 200)

    def test_2_add_route(self):
        r = self.req("GET", "/added")
        self.assertEqual(r.status, 404, r)
        write(os.path.join(self.svc, "serverless.yml"),
              RELOAD_YML % "          - httpApi: 'GET /added'")
        self.poll("GET", "/added", lambda r: r.status == 200)
        self.assertEqual(self.req("GET", "/hello").status, 200)

    def test_3_broken_manifest_keeps_routes(self):
        write(os.path.join(self.svc, "serverless.yml"),
              RELOAD_YML % "          - httpApi: 'GET /added'")
        self.poll("GET", "/added", lambda r: r.status == 200)
        mark = self.fn.mark()
        with open(os.path.join(self.svc, "serverless.yml"), "w") as f:
            f.write("service: gwreload\nprovider: [this is\n  not: valid\nfunctions: {{{\n")
        # fnctl reports the error and keeps running
        line = self.fn.wait_line(mark, "serverless.yml", RELOAD_DEADLINE)
        self.assertIsNotNone(line, "no error printed for the broken manifest:\n"
                             + self.fn.output())
        self.assertNotIn("reloaded", line)
        for path in ("/hello", "/added", "/rest/1"):
            with self.subTest(path=path):
                self.assertEqual(self.req("GET", path).status, 200)
        self.assertTrue(self.fn.proc.poll() is None, "fnctl exited on a broken manifest")
        # fixed again, reloads go on
        write(os.path.join(self.svc, "serverless.yml"),
              RELOAD_YML % "          - httpApi: 'GET /after'")
        self.poll("GET", "/after", lambda r: r.status == 200)
        self.poll("GET", "/added", lambda r: r.status == 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
