"""The Lambda adapter: API Gateway HTTP API events (payload 2.0) in, HTTP
responses out. The events are the examples of events/, changed as needed."""

import base64
import copy
import json
import os
import unittest

import handler
from items import ItemService
from store import MemoryStore

EVENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "events")


def example(name):
    with open(os.path.join(EVENTS, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def request(route, path, body=None, params=None):
    """A request for route (e.g. 'PUT /items/{id}') at path."""
    event = copy.deepcopy(example("list-items"))
    event["routeKey"] = event["requestContext"]["routeKey"] = route
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = route.split(" ")[0]
    if params is not None:
        event["pathParameters"] = params
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def fresh():
    return handler.make_handler(ItemService(MemoryStore()))


def parse(response):
    return json.loads(response["body"])


class HandlerTest(unittest.TestCase):
    def test_example_events(self):
        created = handler.handler(example("create-item"), None)
        self.assertEqual(created["statusCode"], 201)
        self.assertEqual(created["headers"]["content-type"], "application/json")
        item = parse(created)
        self.assertEqual(item["name"], "Coffee mug")
        self.assertEqual(created["headers"]["location"], f"/items/{item['id']}")

        listed = handler.handler(example("list-items"), None)
        self.assertEqual(listed["statusCode"], 200)
        self.assertIn(item["id"], [i["id"] for i in parse(listed)["items"]])

        self.assertEqual(handler.handler(example("get-item"), None)["statusCode"], 404)

    def test_crud_cycle(self):
        h = fresh()
        created = h(request("POST /items", "/items", {"name": "Mug", "price": 12}), None)
        self.assertEqual(created["statusCode"], 201)
        item_id = parse(created)["id"]
        params = {"id": item_id}

        got = h(request("GET /items/{id}", f"/items/{item_id}", params=params), None)
        self.assertEqual(got["statusCode"], 200)
        self.assertEqual(parse(got), parse(created))

        put = h(request("PUT /items/{id}", f"/items/{item_id}", {"name": "Mug", "price": 15},
                        params), None)
        self.assertEqual(put["statusCode"], 200)
        self.assertEqual(parse(put)["price"], 15)

        listed = h(request("GET /items", "/items"), None)
        self.assertEqual([i["price"] for i in parse(listed)["items"]], [15])

        deleted = h(request("DELETE /items/{id}", f"/items/{item_id}", params=params), None)
        self.assertEqual(deleted, {"statusCode": 204})
        for route in ("GET /items/{id}", "DELETE /items/{id}"):
            self.assertEqual(h(request(route, f"/items/{item_id}", params=params), None)
                             ["statusCode"], 404)

    def test_bad_requests(self):
        h = fresh()
        invalid = h(request("POST /items", "/items", {"name": "", "price": "free"}), None)
        self.assertEqual(invalid["statusCode"], 400)
        self.assertEqual(parse(invalid), {
            "message": "invalid item",
            "errors": ["'name' must be a non-empty string",
                       "'price' must be a number greater than or equal to 0"],
        })
        broken = h(request("POST /items", "/items", '{"name": '), None)
        self.assertEqual(broken["statusCode"], 400)
        self.assertEqual(parse(broken)["message"], "the request body is not valid JSON")
        self.assertEqual(h(request("POST /items", "/items"), None)["statusCode"], 400)

    def test_base64_body(self):
        event = request("POST /items", "/items",
                        base64.b64encode(b'{"name": "Mug", "price": 1}').decode())
        event["isBase64Encoded"] = True
        self.assertEqual(fresh()(event, None)["statusCode"], 201)
        event["body"] = "not base64!"
        self.assertEqual(fresh()(event, None)["statusCode"], 400)

    def test_default_route_key(self):
        h = fresh()
        item_id = parse(h(request("POST /items", "/items", {"name": "Mug", "price": 1}), None))["id"]
        event = request("$default", f"/items/{item_id}")
        event["requestContext"]["http"]["method"] = "GET"
        got = h(event, None)
        self.assertEqual(got["statusCode"], 200)
        self.assertEqual(parse(got)["id"], item_id)
        self.assertEqual(h(request("$default", "/nowhere"), None)["statusCode"], 404)

    def test_unexpected_errors_fail_the_invocation(self):
        class Broken:
            def list(self):
                raise TypeError("bug")

        with self.assertRaises(TypeError):
            handler.make_handler(Broken())(request("GET /items", "/items"), None)


class LoadConfigTest(unittest.TestCase):
    def test_max_items(self):
        self.assertEqual(handler.load_config({})["max_items"], 1000)
        self.assertEqual(handler.load_config({"MAX_ITEMS": "5"})["max_items"], 5)
        for bad in ("lots", "0", "-3"):
            with self.subTest(bad=bad), self.assertRaisesRegex(ValueError, "MAX_ITEMS"):
                handler.load_config({"MAX_ITEMS": bad})


if __name__ == "__main__":
    unittest.main()
