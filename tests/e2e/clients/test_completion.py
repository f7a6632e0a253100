#!/usr/bin/env python3
"""End-to-end tests of fnctl's shell completion: the scripts printed by
`fnctl completion SHELL`, loaded in real bash, zsh and fish, asked what they
complete, with the built fnctl on PATH.

Every expectation is read from fnctl itself: the commands from `fnctl help`,
each command's options from `fnctl CMD --help`, so that a command or option
added to the tables and missing from completion fails here (the scripts are
thin wrappers over `fnctl __complete`, so this checks both).

  bash: source the script, set COMP_WORDS/COMP_CWORD, call _fnctl, read COMPREPLY
  fish: `complete -C LINE`
  zsh:  an interactive zsh in a zpty, the script autoloaded from $fpath with
        compinit; compadd is wrapped to record the candidates, and a widget
        bound to ^T runs complete-word on each typed line

Environment: FNCTL_BIN (default /work/main/build/fnctl). Needs bash, zsh and
fish (scripts/setup installs them). Standard library only.
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
FNCTL = os.environ.get("FNCTL_BIN", "/work/main/build/fnctl")
SCRIPTS = {"bash": "fnctl.bash", "zsh": "_fnctl", "fish": "fnctl.fish"}
SHELL_TIMEOUT = 30  # seconds for one shell to answer every query
END = "--END--"

SERVERLESS_YML = """\
service: demo
provider:
  name: aws
  runtime: nodejs20.x
functions:
  hello:
    handler: handler.hello
  orders-api:
    handler: src/orders.handler
  worker:
    handler: src/worker.handler
"""

OTHER_YML = """\
service: other
provider:
  name: aws
  runtime: python3.12
functions:
  resize:
    handler: resize.handler
"""

BROKEN_YML = "service: broken\nfunctions: [\n"


def run_fnctl(*args, cwd=None):
    return subprocess.run([FNCTL, *args], cwd=cwd, capture_output=True, text=True, timeout=30)


def help_commands():
    """The commands `fnctl help` lists."""
    out = run_fnctl("help").stdout
    section = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in section.splitlines() if line.strip()]


def help_options(command):
    """(long, short) option names `fnctl COMMAND --help` lists."""
    out = run_fnctl(command, "--help").stdout
    section = out.split("\noptions:\n", 1)[1]
    longs, shorts = set(), set()
    for line in section.splitlines():
        m = re.match(r"^\s+(?:-(\w), )?--([\w-]+)", line)
        if m:
            longs.add("--" + m.group(2))
            if m.group(1):
                shorts.add("-" + m.group(1))
    return longs, shorts


def complete_query(cwd, *words):
    """What `fnctl __complete` answers, descriptions and directives dropped."""
    out = run_fnctl("__complete", "--", *words, cwd=cwd).stdout
    return {line.split("\t")[0] for line in out.splitlines() if line and not line.startswith(":")}


def normalize(candidates):
    """Shells differ in how they show an "--option=" prefix and directories."""
    return {re.sub(r"^--[\w-]+=", "", c).rstrip("/") for c in candidates}


# --------------------------------------------------------------------------
# the shells: each takes the command lines typed (the cursor at the end) and
# returns, per line, the candidates the script produced


def bash_words(line):
    """COMP_WORDS as bash builds them: COMP_WORDBREAKS splits "--a=b" into
    "--a", "=", "b"."""
    words = []
    for token in line.split():
        parts = re.split(r"(=)", token)
        words.extend(p for p in parts if p)
    if line.endswith(" "):
        words.append("")
    return words


def run_bash(script, lines, cwd, env):
    body = [f"source {shlex.quote(script)}",
            "q() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\";"
            " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _fnctl;"
            " ((${#COMPREPLY[@]})) && printf '%s\\n' \"${COMPREPLY[@]}\";"
            f" echo {END}; }}"]
    for line in lines:
        body.append("q " + " ".join(shlex.quote(w) for w in bash_words(line)))
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", "\n".join(body)], cwd=cwd,
                         env=env, capture_output=True, text=True, timeout=SHELL_TIMEOUT)
    if out.returncode != 0:
        raise AssertionError(f"bash failed ({out.returncode}): {out.stderr}")
    return split_answers(out.stdout, len(lines))


def fish_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def run_fish(script, lines, cwd, env):
    body = [f"source {fish_quote(script)}"]
    for line in lines:
        body.append(f"complete -C {fish_quote(line)}; echo {END}")
    out = subprocess.run(["fish", "--no-config", "-c", "\n".join(body)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=SHELL_TIMEOUT)
    if out.returncode != 0:
        raise AssertionError(f"fish failed ({out.returncode}): {out.stderr}")
    return [[c.split("\t")[0] for c in answer]
            for answer in split_answers(out.stdout, len(lines))]


ZSH_SETUP = r"""
PS1='' RPS1=''
unsetopt beep
fpath=("$FNCTL_FPATH" $fpath)
autoload -Uz compinit && compinit -u -D
compadd() {
    # -O, -A and -D ask what would match: they add nothing
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
        builtin compadd "$@"
        return
    fi
    local -a hits
    builtin compadd -O hits "$@"
    (( ${#hits} )) && print -rl -- $hits >> $FNCTL_OUT
    builtin compadd "$@"
}
capture() {
    zle complete-word
    print -r -- '--END--' >> $FNCTL_OUT
    zle kill-whole-line
}
zle -N capture
bindkey '^T' capture
print -r -- '--READY--' >> $FNCTL_OUT
"""

# Types each line into the interactive zsh, then ^T, and waits for the
# capture widget's marker before the next line.
ZSH_DRIVER = r"""
zmodload zsh/zpty zsh/zselect zsh/datetime || exit 3
out=$FNCTL_OUT
zpty z zsh -f -i
wait_for() {
    local junk deadline=$(( EPOCHREALTIME + 10 ))
    while (( $(grep -c -x -e "$2" $out) < $1 )); do
        (( EPOCHREALTIME > deadline )) && return 1
        while zpty -r -t z junk; do :; done  # keep the terminal drained
        zselect -t 1
    done
    return 0  # not zselect's status
}
zpty -w z "source ${(q)FNCTL_SETUP}"
wait_for 1 '--READY--' || { print -u2 'the zsh in the zpty did not start'; exit 4 }
i=0
for q in "$@"; do
    zpty -w -n z "$q"$'\x14'
    wait_for $((++i)) '--END--' || { print -u2 "no completion for '$q'"; exit 5 }
done
zpty -w z exit
zpty -d z
"""


def run_zsh(script, lines, cwd, env):
    tmp = os.path.dirname(script)
    fpath = os.path.join(tmp, "zfunc")
    os.makedirs(fpath, exist_ok=True)
    shutil.copy(script, os.path.join(fpath, "_fnctl"))
    setup, driver, out = (os.path.join(tmp, n) for n in ("setup.zsh", "drive.zsh", "zsh.out"))
    with open(setup, "w") as f:
        f.write(ZSH_SETUP)
    with open(driver, "w") as f:
        f.write(ZSH_DRIVER)
    open(out, "w").close()
    env = dict(env, FNCTL_OUT=out, FNCTL_SETUP=setup, FNCTL_FPATH=fpath, ZDOTDIR=tmp)
    proc = subprocess.run(["zsh", "-f", driver, *lines], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=SHELL_TIMEOUT)
    if proc.returncode != 0:
        raise AssertionError(f"zsh failed ({proc.returncode}): {proc.stderr}")
    with open(out) as f:
        text = f.read()
    return split_answers(text.split("--READY--\n", 1)[1], len(lines))


def split_answers(text, n):
    answers, current = [], []
    for line in text.splitlines():
        if line == END:
            answers.append(current)
            current = []
        elif line:
            current.append(line)
    if len(answers) != n:
        raise AssertionError(f"{len(answers)} answers for {n} queries:\n{text}")
    return answers


SHELLS = {"bash": run_bash, "zsh": run_zsh, "fish": run_fish}


class CompletionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fnctl-completion-")
        cls.service = os.path.join(cls.tmp, "service")
        os.makedirs(os.path.join(cls.service, "src"))
        files = {"serverless.yml": SERVERLESS_YML, "other.yml": OTHER_YML,
                 "broken.yml": BROKEN_YML, "event.json": "{}\n", "handler.js": ""}
        for name, text in files.items():
            with open(os.path.join(cls.service, name), "w") as f:
                f.write(text)
        # `fnctl` on PATH is the binary under test, whatever its file name
        bindir = os.path.join(cls.tmp, "bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(FNCTL), os.path.join(bindir, "fnctl"))
        home = os.path.join(cls.tmp, "home")
        os.makedirs(home)
        cls.env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
                       HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                       XDG_DATA_HOME=os.path.join(home, ".local", "share"), TERM="dumb")
        cls.env.pop("ZDOTDIR", None)

        cls.commands = help_commands()
        cls.options = {c: help_options(c) for c in cls.commands}
        cls.lines, cls.expect = [], []
        cls.queries()
        cls.answers = {}
        for shell, run in SHELLS.items():
            if not shutil.which(shell):
                continue  # the test for this shell fails with a clear message
            script = os.path.join(cls.tmp, shell, SCRIPTS[shell])
            os.makedirs(os.path.dirname(script))
            with open(script, "w") as f:
                f.write(run_fnctl("completion", shell).stdout)
            cls.answers[shell] = run(script, cls.lines, cls.service, cls.env)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def queries(cls):
        """Each typed line with the candidates every shell must produce:
        (kind, set) where kind is "equal" or "includes"."""
        def add(line, kind, expect):
            cls.lines.append(line)
            cls.expect.append((kind, set(expect)))

        add("fnctl ", "equal", cls.commands)
        add("fnctl st", "equal", ["start"])
        for command in cls.commands:
            longs, shorts = cls.options[command]
            add(f"fnctl {command} --", "equal", longs)
            add(f"fnctl {command} -", "equal", longs | shorts)
        add("fnctl start --no-", "equal", {o for o in cls.options["start"][0]
                                            if o.startswith("--no-")})
        add("fnctl invoke ", "equal", ["hello", "orders-api", "worker"])
        add("fnctl invoke or", "equal", ["orders-api"])
        add("fnctl invoke -v ", "equal", ["hello", "orders-api", "worker"])
        add("fnctl invoke -c other.yml ", "equal", ["resize"])
        add("fnctl invoke --config=other.yml ", "equal", ["resize"])
        add("fnctl invoke -c broken.yml ", "equal", [])
        add("fnctl invoke hello ", "equal", [])  # invoke takes one function
        add("fnctl package hello ", "equal", ["orders-api", "worker"])
        add("fnctl completion ", "equal", ["bash", "zsh", "fish"])
        add("fnctl completion z", "equal", ["zsh"])
        add("fnctl help ", "equal", cls.commands)
        add("fnctl start --port ", "equal", [])
        add("fnctl start -c ", "includes", ["serverless.yml", "other.yml", "src"])
        add("fnctl start --config s", "includes", ["serverless.yml", "src"])
        add("fnctl start --config=s", "includes", ["serverless.yml", "src"])
        add("fnctl invoke -e ev", "equal", ["event.json"])
        # whatever fn_event_type_names and fn_template_names produce
        add("fnctl events ", "equal", complete_query(cls.service, "events", ""))
        add("fnctl new ", "equal", complete_query(cls.service, "new", ""))
        add("fnctl nosuchcommand ", "equal", [])

    def check_shell(self, shell):
        if shell not in self.answers:
            self.fail(f"{shell} is not installed (scripts/setup installs it)")
        for line, (kind, expect), got in zip(self.lines, self.expect, self.answers[shell]):
            got = normalize(got)
            with self.subTest(shell=shell, line=line):
                if kind == "equal":
                    self.assertEqual(got, normalize(expect), f"{shell}: '{line}<TAB>'")
                else:
                    self.assertLessEqual(normalize(expect), got, f"{shell}: '{line}<TAB>'")

    def test_bash(self):
        self.check_shell("bash")

    def test_zsh(self):
        self.check_shell("zsh")

    def test_fish(self):
        self.check_shell("fish")

    def test_tables_are_not_empty(self):
        # the expectations come from fnctl's help: make sure they say something
        self.assertIn("start", self.commands)
        self.assertIn("completion", self.commands)
        self.assertNotIn("__complete", self.commands)
        self.assertIn("--port", self.options["start"][0])
        self.assertIn("-c", self.options["invoke"][1])

    def test_scripts_are_the_shipped_files(self):
        for shell, name in SCRIPTS.items():
            with self.subTest(shell=shell):
                with open(os.path.join(ROOT, "completions", name)) as f:
                    self.assertEqual(run_fnctl("completion", shell).stdout, f.read())

    def test_unknown_shell(self):
        out = run_fnctl("completion", "zssh")
        self.assertEqual(out.returncode, 2)
        self.assertEqual(out.stdout, "")
        self.assertEqual(out.stderr.splitlines(),
                         ["fnctl: no completion for shell 'zssh'", "  hint: did you mean 'zsh'?"])

    def test_complete_query_protocol(self):
        out = run_fnctl("__complete", "--", "start", "--po", cwd=self.service)
        self.assertEqual(out.stdout, "--port\tthe API Gateway port (default 3000)\n")
        out = run_fnctl("__complete", "--", "invoke", "-e", "", cwd=self.service)
        self.assertEqual(out.stdout, ":file\n")
        out = run_fnctl("__complete", "--", "invoke", "--event-file=x", cwd=self.service)
        self.assertEqual(out.stdout, ":file\n")
        out = run_fnctl("__complete", "--", "invoke", "", cwd=self.service)
        self.assertEqual(out.stdout, "hello\thandler.hello\norders-api\tsrc/orders.handler\n"
                                     "worker\tsrc/worker.handler\n")

    def test_broken_manifest_is_silent(self):
        for config in ("broken.yml", "missing.yml"):
            with self.subTest(config=config):
                out = run_fnctl("__complete", "--", "invoke", "-c", config, "", cwd=self.service)
                self.assertEqual((out.returncode, out.stdout, out.stderr), (0, "", ""))

    def test_hidden_commands_are_not_completed(self):
        self.assertEqual(complete_query(self.service, "__"), set())
        self.assertEqual(complete_query(self.service, "__complete", ""), set())


if __name__ == "__main__":
    unittest.main()
