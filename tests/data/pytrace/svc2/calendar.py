NAME = "a local module named like the standard library one"
