"""Python handler: vendored yaml and xmltodict, boto3 from the runtime, a local
package with relative imports, and an optional import that is missing."""
import json
import os

import boto3  # the Lambda runtime provides boto3: not packaged
import xmltodict
import yaml

from lib import render

try:
    import ujson as fastjson  # optional: not installed, no warning
except ImportError:
    fastjson = json

# created once per container, outside the handler
s3 = boto3.client("s3", region_name=os.environ.get("AWS_REGION", "us-east-1"))


def main(event, context):
    doc = yaml.safe_load(event.get("yaml", "name: world"))
    return {
        "doc": doc,
        "xml": xmltodict.parse("<a>b</a>"),
        "title": render.title(doc["name"]),
        "json": fastjson.dumps([1]),
    }
