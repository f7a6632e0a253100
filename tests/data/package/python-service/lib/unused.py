# Nothing imports this module: it is not packaged.
VALUE = 1
