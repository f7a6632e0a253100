"""An in-memory item store.

It keeps the items in a dict that lives as long as the execution environment
(one warm Lambda instance, one `fnctl start` worker): the data is lost on a
cold start, a redeploy or a hot reload, and two concurrent instances do not
see each other's items. That is enough to develop and test the API; for real
data, write a class with the same four methods on top of DynamoDB (or any
database) and pass it to ItemService in handler.py.
"""

import copy


class StoreFullError(Exception):
    def __init__(self, max_items):
        super().__init__(f"the store is full (MAX_ITEMS={max_items})")
        self.max_items = max_items


class MemoryStore:
    def __init__(self, max_items=None):
        self._items = {}  # insertion-ordered: the oldest first
        self._max_items = max_items

    # Copies go in and out, so a caller that changes a dict it got does not
    # change what the store holds (as with a real database).

    def get(self, item_id):
        """The item, or None."""
        item = self._items.get(item_id)
        return None if item is None else copy.deepcopy(item)

    def list(self):
        """Every item, oldest first."""
        return [copy.deepcopy(item) for item in self._items.values()]

    def put(self, item):
        """Creates or replaces the item with item["id"]."""
        if item["id"] not in self._items and self._max_items is not None \
                and len(self._items) >= self._max_items:
            raise StoreFullError(self._max_items)
        self._items[item["id"]] = copy.deepcopy(item)
        return copy.deepcopy(item)

    def delete(self, item_id):
        """Whether there was an item to delete."""
        return self._items.pop(item_id, None) is not None
