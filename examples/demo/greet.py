"""GET /greet/{name}: a greeting, or 400 for a name that is too long."""
import json
import os

GREETING = os.environ.get("GREETING", "Hello")


def handler(event, context):
    name = (event.get("pathParameters") or {}).get("name", "world")
    if len(name) > 40:
        return {"statusCode": 400, "body": json.dumps({"message": "name too long"})}
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": f"{GREETING}, {name}!", "stage": os.environ["STAGE"]}),
    }
