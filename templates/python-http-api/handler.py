"""The Lambda adapter: API Gateway HTTP API events (payload 2.0) in, HTTP
responses out.

It turns events into calls to the items service (items.py) and its results and
errors into responses. No business rule lives here.
"""

import base64
import binascii
import json
import os
import re
from urllib.parse import unquote

from items import ItemService, NotFoundError, ValidationError
from store import MemoryStore, StoreFullError


def load_config(env):
    """The settings the function reads from its environment."""
    raw = env.get("MAX_ITEMS", "1000")
    try:
        max_items = int(raw)
    except ValueError:
        max_items = 0
    if max_items < 1:
        raise ValueError(f"MAX_ITEMS must be a positive integer, not {raw!r}")
    return {"max_items": max_items}


class BadRequestError(Exception):
    pass


def _json(status, body, headers=None):
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **(headers or {})},
        "body": json.dumps(body),
    }


def _create(service, params, body):
    item = service.create(body())
    return _json(201, item, {"location": f"/items/{item['id']}"})


def _list(service, params, body):
    return _json(200, {"items": service.list()})


def _get(service, params, body):
    return _json(200, service.get(params["id"]))


def _update(service, params, body):
    return _json(200, service.update(params["id"], body()))


def _delete(service, params, body):
    service.remove(params["id"])
    return {"statusCode": 204}


# The routes of serverless.yml, by route key. Each action gets the service,
# the path parameters and a function that parses the JSON body.
ROUTES = {
    "POST /items": _create,
    "GET /items": _list,
    "GET /items/{id}": _get,
    "PUT /items/{id}": _update,
    "DELETE /items/{id}": _delete,
}


def _match_path(template, path):
    want = [s for s in template.split("/") if s]
    got = [s for s in path.split("/") if s]
    if len(want) != len(got):
        return None
    params = {}
    for w, g in zip(want, got):
        m = re.fullmatch(r"\{(\w+)\}", w)
        if m:
            params[m.group(1)] = unquote(g)
        elif w != g:
            return None
    return params


def _match_route(event):
    """The action for an event and its path parameters, or (None, None).

    By the event's routeKey, as HTTP API sets it for the routes of
    serverless.yml, or else (a $default route, a hand-written event) by
    matching the method and path against the route templates.
    """
    action = ROUTES.get(event.get("routeKey"))
    if action:
        return action, event.get("pathParameters") or {}
    http = (event.get("requestContext") or {}).get("http") or {}
    path = event.get("rawPath") or http.get("path") or ""
    for key, action in ROUTES.items():
        method, template = key.split(" ", 1)
        if method == http.get("method"):
            params = _match_path(template, path)
            if params is not None:
                return action, params
    return None, None


def _parse_body(event):
    # HTTP API sends a body that is not text (e.g. curl -d without a JSON
    # Content-Type) base64-encoded.
    text = event.get("body") or ""
    try:
        if event.get("isBase64Encoded"):
            text = base64.b64decode(text).decode("utf-8")
        if not text.strip():
            raise BadRequestError("the request body is missing: send a JSON object")
        return json.loads(text)
    except (ValueError, binascii.Error) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadRequestError("the request body is not valid JSON") from e


def make_handler(service):
    """A Lambda handler that serves the routes with the given service; tests
    call it with a service of their own."""

    def handle(event, context):
        action, params = _match_route(event)
        if action is None:
            return _json(404, {"message": "Not Found"})
        try:
            return action(service, params, lambda: _parse_body(event))
        except BadRequestError as e:
            return _json(400, {"message": str(e)})
        except ValidationError as e:
            return _json(400, {"message": str(e), "errors": e.errors})
        except NotFoundError as e:
            return _json(404, {"message": str(e)})
        except StoreFullError as e:
            return _json(507, {"message": str(e)})
        # Anything else is a bug: it fails the invocation, so that Lambda logs
        # it and counts it as an error (HTTP API answers 500).

    return handle


# Configuration and clients are created once per execution environment, at
# import (the cold start), not on every invocation: warm invocations reuse
# them. A bad setting fails the cold start loudly instead of every request
# quietly.
CONFIG = load_config(os.environ)
handler = make_handler(ItemService(MemoryStore(max_items=CONFIG["max_items"])))
