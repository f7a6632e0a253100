# The unit tests: python3 -m unittest discover -s tests -t . (from the project root).
