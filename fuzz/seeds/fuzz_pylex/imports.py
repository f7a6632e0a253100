"""Module docstring: import nothing."""
from __future__ import annotations

import os, sys as _sys
import a.b as c, d
from . import sibling
from ..pkg.mod import (x,
                       y as z,)
from m import *
x = 1; import e

try:
    import simplejson as json
except (ImportError, AttributeError):
    import json
else:
    pass
finally:
    pass

if TYPE_CHECKING:
    from typing_stub import T


def f():
    try: import g
    except ModuleNotFoundError: g = None
    mod = importlib.import_module('plugins.' + name)
    return __import__('h')
