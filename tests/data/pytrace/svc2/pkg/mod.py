from .shared import VALUE


def handler(event, context):
    return VALUE
