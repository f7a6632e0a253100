from .sub import deep


def main():
    return deep.value()
