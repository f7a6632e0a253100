s = '''import x''' + """
import y""" + 'a\'b' + "# no comment" + r'\' + '
t = f"{'import z'}" f'{d["k"]:>{w}}' f"""{
    x  # comment
}""" rb'\x00' Fr'{{}}'
u = f"{f"{'"'}"}" + f'{a!r:{"}"}}'
from a \
    import b
