"""The items business logic: validation and the CRUD operations.

It knows nothing of Lambda or HTTP (handler.py is the adapter), so it can be
tested, and reused, on its own.
"""

import math
import uuid
from datetime import datetime, timezone

NAME_MAX = 100
DESCRIPTION_MAX = 1000
FIELDS = ("name", "description", "price")


class ValidationError(Exception):
    def __init__(self, errors):
        super().__init__("invalid item")
        self.errors = errors  # one sentence per problem, for the client


class NotFoundError(Exception):
    def __init__(self, item_id):
        super().__init__(f"item '{item_id}' not found")
        self.item_id = item_id


def validate_item(data):
    """Checks what a client sent for an item and returns the clean fields.

    name (required, 1-100 characters), price (required, a number >= 0) and
    description (optional, at most 1000 characters). Raises ValidationError
    listing every problem at once.
    """
    if not isinstance(data, dict):
        raise ValidationError(["the item must be a JSON object"])
    errors = [f"unknown field '{key}'" for key in data if key not in FIELDS]

    name = data.get("name")
    if isinstance(name, str):
        name = name.strip()
    if "name" not in data:
        errors.append("'name' is required")
    elif not isinstance(name, str) or not name:
        errors.append("'name' must be a non-empty string")
    elif len(name) > NAME_MAX:
        errors.append(f"'name' must be at most {NAME_MAX} characters")

    price = data.get("price")
    if "price" not in data:
        errors.append("'price' is required")
    # bool is an int in Python, and json accepts NaN and Infinity: neither is a price.
    elif isinstance(price, bool) or not isinstance(price, (int, float)) \
            or not math.isfinite(price) or price < 0:
        errors.append("'price' must be a number greater than or equal to 0")

    description = data.get("description")
    if "description" in data:
        if not isinstance(description, str):
            errors.append("'description' must be a string")
        elif len(description) > DESCRIPTION_MAX:
            errors.append(f"'description' must be at most {DESCRIPTION_MAX} characters")

    if errors:
        raise ValidationError(errors)
    item = {"name": name, "price": price}
    if "description" in data:
        item["description"] = description
    return item


def _utc_now():
    return datetime.now(timezone.utc)


def _new_id():
    return str(uuid.uuid4())


def _timestamp(when):
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ItemService:
    """The operations on items, on top of a store (store.py).

    now and new_id are parameters so that tests can fix the clock and the ids.
    """

    def __init__(self, store, now=_utc_now, new_id=_new_id):
        self._store = store
        self._now = now
        self._new_id = new_id

    def create(self, data):
        fields = validate_item(data)
        at = _timestamp(self._now())
        return self._store.put({"id": self._new_id(), **fields, "createdAt": at, "updatedAt": at})

    def list(self):
        return self._store.list()

    def get(self, item_id):
        item = self._store.get(item_id)
        if item is None:
            raise NotFoundError(item_id)
        return item

    def update(self, item_id, data):
        """Replaces the item's fields (PUT semantics); id and createdAt stay."""
        fields = validate_item(data)
        old = self._store.get(item_id)
        if old is None:
            raise NotFoundError(item_id)
        return self._store.put({"id": item_id, **fields, "createdAt": old["createdAt"],
                                "updatedAt": _timestamp(self._now())})

    def remove(self, item_id):
        if not self._store.delete(item_id):
            raise NotFoundError(item_id)
