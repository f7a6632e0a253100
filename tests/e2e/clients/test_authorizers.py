"""API Gateway authorizers under `fnctl start`: HTTP API JWT and Lambda
REQUEST authorizers, REST TOKEN and REQUEST Lambda authorizers, with real HTTP
requests (http.client). fnctl runs on free loopback ports, stopped by PID."""
import base64
import http.client
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
service: authz
provider:
  name: aws
  runtime: nodejs20.x
  httpApi:
    authorizers:
      jwtAuth:
        type: jwt
        identitySource: $request.header.Authorization
        issuerUrl: https://issuer.example.com
        audience: [my-app]
      simpleAuth:
        type: request
        functionName: simple
        enableSimpleResponses: true
      policyAuth:
        type: request
        functionName: policy
        identitySource: $request.querystring.token
      cachedAuth:
        type: request
        functionName: policy
        identitySource: $request.header.X-Tok
        resultTtlInSeconds: 60
functions:
  simple:
    handler: h.simple
  policy:
    handler: h.policy
  tokenAuth:
    handler: h.policy
  requestAuth:
    handler: h.policy
  hello:
    handler: h.hello
    events:
      - httpApi:
          path: /jwt
          method: get
          authorizer: {name: jwtAuth, scopes: [read]}
      - httpApi:
          path: /simple
          method: get
          authorizer: {name: simpleAuth}
      - httpApi:
          path: /policy
          method: get
          authorizer: {name: policyAuth}
      - httpApi:
          path: /cached
          method: get
          authorizer: {name: cachedAuth}
      - http:
          path: /token
          method: get
          authorizer: tokenAuth
      - http:
          path: /token2
          method: get
          authorizer: tokenAuth
      - http:
          path: /uncached
          method: get
          authorizer: {name: tokenAuth, resultTtlInSeconds: 0}
      - http:
          path: /request
          method: get
          authorizer: {name: requestAuth, type: request, identitySource: method.request.header.X-Key}
"""

HANDLER = r"""
const fs = require('fs');
exports.hello = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer) });
exports.simple = async (event) => {
  fs.writeFileSync('simple-event.json', JSON.stringify(event));
  return { isAuthorized: event.headers.authorization === 'open-sesame', context: { user: 'ana', level: 3 } };
};
exports.policy = async (event) => {
  const tok = event.authorizationToken || (event.headers && (event.headers['x-tok'] || event.headers['X-Key'] || event.headers['x-key'])) ||
              (event.queryStringParameters && event.queryStringParameters.token);
  fs.appendFileSync('calls.log', `${tok}\n`);
  fs.writeFileSync(`${event.type.toLowerCase()}-${event.version || 'rest'}-event.json`, JSON.stringify(event));
  const token = event.authorizationToken || (event.headers && (event.headers['X-Key'] || event.headers['x-key'] || event.headers['x-tok'])) ||
                (event.queryStringParameters && event.queryStringParameters.token);
  if (token === 'throw') throw new Error('Unauthorized');
  if (token === 'broken') return { nonsense: true };
  const effect = token.startsWith('allow') ? 'Allow' : 'Deny';
  return { principalId: 'user-1', context: { n: 7, ok: true },
           policyDocument: { Version: '2012-10-17',
             Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn || event.routeArn }] } };
};
"""


def b64url(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def jwt(claims):
    return b64url({"alg": "RS256", "kid": "k"}) + "." + b64url(claims) + ".c2lnbmF0dXJl"


class Authorizers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fnctl-authz-")
        with open(os.path.join(cls.dir, "serverless.yml"), "w") as f:
            f.write(SERVICE)
        with open(os.path.join(cls.dir, "h.js"), "w") as f:
            f.write(HANDLER)
        cls.log = open(os.path.join(cls.dir, "fnctl.log"), "w+")
        cls.proc = subprocess.Popen([FNCTL, "start", "--port", "0", "--aws-port", "0", "--no-watch"],
                                    cwd=cls.dir, stdout=subprocess.DEVNULL, stderr=cls.log)
        cls.port = None
        deadline = time.time() + 10
        while time.time() < deadline and not cls.port:
            cls.log.seek(0)
            text = cls.log.read()
            for line in text.splitlines():
                if "-> hello" in line:
                    cls.port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
                    cls.banner = text
            time.sleep(0.02)
        if not cls.port:
            cls.proc.kill()
            raise RuntimeError("fnctl start printed no routes")

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGINT)
        code = cls.proc.wait(timeout=10)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert code == 0, f"fnctl start exited {code}"

    def get(self, path, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body

    def saved(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return json.load(f)

    def test_banner_warns_that_signatures_are_not_verified(self):
        self.assertIn("signatures are NOT verified locally", self.banner)

    def test_jwt_missing_token_is_401(self):
        status, headers, body = self.get("/jwt")
        self.assertEqual((status, body), (401, '{"message":"Unauthorized"}'))
        self.assertIn('error="invalid_token"', headers["www-authenticate"])

    def test_jwt_claims_reach_the_function(self):
        token = jwt({"iss": "https://issuer.example.com", "aud": "my-app", "exp": int(time.time()) + 600,
                     "sub": "u1", "scope": "read write", "groups": ["a", "b"]})
        status, _, body = self.get("/jwt", {"Authorization": "Bearer " + token})
        self.assertEqual(status, 200, body)
        auth = json.loads(body)
        self.assertEqual(auth["jwt"]["claims"]["sub"], "u1")
        self.assertEqual(auth["jwt"]["claims"]["groups"], "[a b]")
        self.assertEqual(auth["jwt"]["scopes"], ["read", "write"])

    def test_jwt_rejections(self):
        now = int(time.time())
        good = {"iss": "https://issuer.example.com", "aud": "my-app", "exp": now + 600, "scope": "read"}
        for name, claims, status in [
            ("wrong issuer", dict(good, iss="https://evil.example.com"), 401),
            ("wrong audience", dict(good, aud="other"), 401),
            ("expired", dict(good, exp=now - 10), 401),
            ("not yet valid", dict(good, nbf=now + 600), 401),
            ("missing scope", dict(good, scope="write"), 403),
        ]:
            got, _, body = self.get("/jwt", {"Authorization": jwt(claims)})
            self.assertEqual(got, status, f"{name}: {body}")
        got, _, _ = self.get("/jwt", {"Authorization": jwt(dict(good, aud=None, client_id="my-app"))})
        self.assertEqual(got, 200, "client_id stands in for aud")

    def test_http_api_simple_response(self):
        status, _, body = self.get("/simple", {"Authorization": "open-sesame"})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"lambda": {"user": "ana", "level": 3}})
        event = self.saved("simple-event.json")
        self.assertEqual(event["type"], "REQUEST")
        self.assertEqual(event["version"], "2.0")
        self.assertEqual(event["identitySource"], ["open-sesame"])
        self.assertTrue(event["routeArn"].endswith("/$default/GET/simple"), event["routeArn"])
        self.assertNotIn("body", event)
        status, _, body = self.get("/simple", {"Authorization": "nope"})
        self.assertEqual((status, body), (403, '{"message":"Forbidden"}'))
        status, _, body = self.get("/simple")
        self.assertEqual((status, body), (401, '{"message":"Unauthorized"}'))

    def test_http_api_policy_response_from_a_query_string(self):
        status, _, body = self.get("/policy?token=allow")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["lambda"], {"n": 7, "ok": True})
        status, _, body = self.get("/policy?token=deny")
        self.assertEqual(status, 403)
        status, _, body = self.get("/policy?token=broken")
        self.assertEqual((status, body), (500, '{"message":"Internal Server Error"}'))

    def test_rest_token_authorizer(self):
        status, _, body = self.get("/dev/token", {"Authorization": "allow"})
        self.assertEqual(status, 200, body)
        auth = json.loads(body)
        self.assertEqual(auth["principalId"], "user-1")
        self.assertEqual((auth["n"], auth["ok"]), ("7", "true"), "context values are stringified")
        event = self.saved("token-rest-event.json")
        self.assertEqual(set(event), {"type", "authorizationToken", "methodArn"})
        self.assertEqual(event["authorizationToken"], "allow")
        self.assertTrue(event["methodArn"].endswith("/dev/GET/token"), event["methodArn"])

    def test_rest_token_authorizer_refusals(self):
        status, headers, body = self.get("/dev/token", {"Authorization": "deny"})
        self.assertEqual(status, 403)
        self.assertIn("explicit deny", body)
        status, headers, body = self.get("/dev/token", {"Authorization": "throw"})
        self.assertEqual((status, body), (401, '{"message":"Unauthorized"}'))
        status, headers, body = self.get("/dev/token")
        self.assertEqual((status, body), (401, '{"message":"Unauthorized"}'))
        self.assertEqual(headers.get("x-amzn-errortype"), "UnauthorizedException")
        status, headers, body = self.get("/dev/token", {"Authorization": "broken"})
        self.assertEqual((status, body), (500, '{"message": null}'))
        self.assertEqual(headers.get("x-amzn-errortype"), "AuthorizerConfigurationException")

    def calls(self, token):
        try:
            with open(os.path.join(self.dir, "calls.log")) as f:
                return f.read().split().count(token)
        except FileNotFoundError:
            return 0

    def test_rest_answers_are_cached_and_the_policy_evaluated_per_request(self):
        # the classic production bug: a policy that allows only the first
        # request's methodArn, cached for 300 s, denies the next resource
        status, _, body = self.get("/dev/token", {"Authorization": "allow-cache"})
        self.assertEqual(status, 200, body)
        status, _, body = self.get("/dev/token", {"Authorization": "allow-cache"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.calls("allow-cache"), 1, "the second answer came from the cache")
        status, headers, body = self.get("/dev/token2", {"Authorization": "allow-cache"})
        self.assertEqual(status, 403, body)
        self.assertEqual(body, '{"Message":"User is not authorized to access this resource"}')
        self.assertEqual(self.calls("allow-cache"), 1)
        # another token is another cache entry
        status, _, body = self.get("/dev/token2", {"Authorization": "allow-cache-2"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.calls("allow-cache-2"), 1)
        # a Deny is cached too; an "Unauthorized" error is not
        for _ in range(2):
            self.assertEqual(self.get("/dev/token", {"Authorization": "deny-cache"})[0], 403)
        self.assertEqual(self.calls("deny-cache"), 1)
        self.cls_log_has("answer taken from API Gateway's cache (resultTtlInSeconds: 300)")

    def cls_log_has(self, text):
        self.log.flush()
        with open(os.path.join(self.dir, "fnctl.log")) as f:
            self.assertIn(text, f.read())

    def test_rest_result_ttl_0_is_not_cached(self):
        for _ in range(2):
            status, _, body = self.get("/dev/uncached", {"Authorization": "allow-nocache"})
            self.assertEqual(status, 200, body)
        self.assertEqual(self.calls("allow-nocache"), 2)

    def test_http_api_answers_are_cached_only_with_a_ttl(self):
        for _ in range(2):
            self.assertEqual(self.get("/cached", {"X-Tok": "allow-h"})[0], 200)
        self.assertEqual(self.calls("allow-h"), 1, "resultTtlInSeconds: 60 caches")
        self.assertEqual(self.get("/cached", {"X-Tok": "allow-h2"})[0], 200)
        self.assertEqual(self.calls("allow-h2"), 1)
        self.assertEqual(self.get("/cached")[0], 401, "no identity, no cache lookup")
        # policyAuth sets no resultTtlInSeconds: HTTP API does not cache then
        for _ in range(2):
            self.assertEqual(self.get("/policy?token=allow-q")[0], 200)
        self.assertEqual(self.calls("allow-q"), 2)

    def test_rest_request_authorizer(self):
        status, _, body = self.get("/dev/request?x=1", {"X-Key": "allow"})
        self.assertEqual(status, 200, body)
        event = self.saved("request-rest-event.json")
        self.assertEqual(event["type"], "REQUEST")
        self.assertEqual(event["resource"], "/request")
        self.assertEqual(event["queryStringParameters"], {"x": "1"})
        self.assertNotIn("body", event)
        status, _, _ = self.get("/dev/request")
        self.assertEqual(status, 401, "the identity source header is missing")


if __name__ == "__main__":
    unittest.main()
