import importlib


def load(name):
    return importlib.import_module("vendored2.plugins." + name)
