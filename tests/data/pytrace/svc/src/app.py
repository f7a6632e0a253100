"""The handler. import nothing_from_the_docstring"""
import os
import json, sys
from typing import TYPE_CHECKING

import boto3
import lib.util
from lib import sub
from . import helpers
import fakepkg
import single
import vendored2

try:
    import ujson as fastjson
except ImportError:
    fastjson = None

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def handler(event, context):
    import jmespath
    import missing_mod
    return {"ok": helpers.ok(), "util": lib.util.main(), "fake": fakepkg.VERSION}
