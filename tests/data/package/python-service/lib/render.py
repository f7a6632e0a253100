from .fmt import shout


def title(name):
    return shout("hello, " + name)
