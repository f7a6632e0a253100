import importlib
from . import nope
import calendar
import logging

plugin = importlib.import_module(plugin_name)


def main(event, context):
    return calendar.NAME
