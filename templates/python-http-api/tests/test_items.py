"""The business logic on its own: no Lambda event, no HTTP."""

import unittest
from datetime import datetime, timedelta, timezone

from items import ItemService, NotFoundError, ValidationError, validate_item
from store import MemoryStore, StoreFullError


def fixed_service(max_items=None):
    clock = [datetime(2024, 3, 12, 18, 30, tzinfo=timezone.utc)]
    ids = iter(range(1, 1000))

    def now():
        clock[0] += timedelta(seconds=1)
        return clock[0]

    return ItemService(MemoryStore(max_items), now=now, new_id=lambda: f"id-{next(ids)}")


class ValidateItemTest(unittest.TestCase):
    def test_returns_the_clean_fields(self):
        self.assertEqual(validate_item({"name": "  Mug ", "price": 0}), {"name": "Mug", "price": 0})
        self.assertEqual(validate_item({"name": "Mug", "price": 2.5, "description": "blue"}),
                         {"name": "Mug", "price": 2.5, "description": "blue"})

    def test_lists_every_problem_at_once(self):
        with self.assertRaises(ValidationError) as cm:
            validate_item({"name": "", "price": -1, "colour": "red"})
        self.assertEqual(cm.exception.errors, [
            "unknown field 'colour'",
            "'name' must be a non-empty string",
            "'price' must be a number greater than or equal to 0",
        ])

    def test_rejects_bad_input(self):
        for data in (None, "mug", 42, ["mug"]):
            with self.assertRaises(ValidationError):
                validate_item(data)
        with self.assertRaises(ValidationError) as cm:
            validate_item({})
        self.assertEqual(cm.exception.errors, ["'name' is required", "'price' is required"])
        for data in ({"name": "x" * 101, "price": 1}, {"name": "Mug", "price": "12"},
                     {"name": "Mug", "price": True}, {"name": "Mug", "price": float("nan")},
                     {"name": "Mug", "price": 1, "description": 7}):
            with self.subTest(data=data), self.assertRaises(ValidationError):
                validate_item(data)


class ItemServiceTest(unittest.TestCase):
    def test_crud(self):
        items = fixed_service()
        mug = items.create({"name": "Mug", "price": 12})
        self.assertEqual(mug, {"id": "id-1", "name": "Mug", "price": 12,
                               "createdAt": "2024-03-12T18:30:01.000Z",
                               "updatedAt": "2024-03-12T18:30:01.000Z"})
        items.create({"name": "Plate", "price": 8})
        self.assertEqual(items.get("id-1"), mug)
        self.assertEqual([i["name"] for i in items.list()], ["Mug", "Plate"])

        updated = items.update("id-1", {"name": "Big mug", "price": 14})
        self.assertEqual(updated["name"], "Big mug")
        self.assertEqual(updated["createdAt"], mug["createdAt"])
        self.assertEqual(updated["updatedAt"], "2024-03-12T18:30:03.000Z")

        items.remove("id-1")
        with self.assertRaises(NotFoundError):
            items.get("id-1")
        self.assertEqual([i["id"] for i in items.list()], ["id-2"])

    def test_unknown_ids(self):
        items = fixed_service()
        with self.assertRaises(NotFoundError) as cm:
            items.get("nope")
        self.assertEqual(str(cm.exception), "item 'nope' not found")
        with self.assertRaises(NotFoundError):
            items.update("nope", {"name": "Mug", "price": 1})
        with self.assertRaises(NotFoundError):
            items.remove("nope")

    def test_validates_before_writing(self):
        items = fixed_service()
        with self.assertRaises(ValidationError):
            items.create({"name": "Mug"})
        self.assertEqual(items.list(), [])

    def test_store_limit(self):
        items = fixed_service(max_items=1)
        items.create({"name": "Mug", "price": 1})
        with self.assertRaises(StoreFullError):
            items.create({"name": "Plate", "price": 1})
        items.update("id-1", {"name": "Mug", "price": 2})  # replacing is not adding

    def test_the_store_hands_out_copies(self):
        items = fixed_service()
        mug = items.create({"name": "Mug", "price": 1})
        mug["name"] = "changed"
        self.assertEqual(items.get("id-1")["name"], "Mug")


if __name__ == "__main__":
    unittest.main()
