#!/usr/bin/env python3
"""Mutants of parcp's C sources, and the report of a mutation run.

  mutate.py list --root DIR --seed S --per-file N --equivalent FILE
      --out MUTANTS.jsonl src/x.c...   the sample, and a line per mutant
  mutate.py apply MUTANTS.jsonl INDEX ORIG DEST    one mutant applied
  mutate.py report RESULTS_DIR     mutants.csv + report.md, table on stdout

The pass is line-level, not a C parser: comments, string and character
literals are masked first (so a '<' in a comment is never a comparison),
preprocessor lines are skipped, and only lines inside function bodies are
mutated (file-scope tables and declarations are data, not logic).  The
same seed and the same sources give the same mutants: the sample of each
file is drawn from a generator seeded with "seed:file", independently of
the other files, and nothing depends on dict order or hash randomisation.
"""
import argparse
import csv
import hashlib
import json
import random
import re
import sys

# ---------------------------------------------------------------- masking


def mask(lines):
    """Per line: the code with comments, literals and preprocessor lines
    blanked out (same length, so columns still index the real line)."""
    out, in_comment, in_pp = [], False, False
    for line in lines:
        if not in_comment and (in_pp or line.lstrip().startswith("#")):
            in_pp = line.rstrip().endswith("\\")
            out.append(" " * len(line))
            continue
        buf, i, quote = [], 0, None
        while i < len(line):
            c, two = line[i], line[i:i + 2]
            if in_comment:
                if two == "*/":
                    in_comment = False
                    buf.append("  ")
                    i += 2
                    continue
                buf.append(" ")
            elif quote:
                if c == "\\":
                    buf.append("__")
                    i += 2
                    continue
                if c == quote:
                    quote = None
                    buf.append(c)
                else:
                    buf.append("_")
            elif two == "/*":
                in_comment = True
                buf.append("  ")
                i += 2
                continue
            elif two == "//":
                buf.append(" " * (len(line) - i))
                break
            elif c in "\"'":
                quote = c
                buf.append(c)
            else:
                buf.append(c)
            i += 1
        out.append("".join(buf)[:len(line)])
    return out


# ----------------------------------------------------- function bodies

STORAGE = {"static", "inline", "extern", "const", "__inline"}


def early_return(header):
    """The statement that makes a function return at once, from the text
    before its '{' ("static int\\ngrow(...)"), or None to leave it alone:
    __dead functions must not return, pointers and structs have no safe
    early value worth testing."""
    prefix = header[:header.index("(")]
    if "__dead" in prefix or "*" in prefix:
        return None
    words = [w for w in prefix.split() if w not in STORAGE][:-1]
    kind = " ".join(words)
    if kind in ("int", "ssize_t", "off_t", "long", "int64_t"):
        return "return -1;"
    if kind == "bool":
        return "return false;"
    if kind in ("size_t", "uint64_t", "uint32_t", "unsigned"):
        return "return 0;"
    if kind == "void":
        return "return;"
    return None


def functions(code):
    """Yield (open_line, close_line, early) for each function body: a
    top-level '{' whose header has a parameter list and no '='."""
    depth, header, start, early = 0, "", None, None
    for n, line in enumerate(code):
        for c in line:
            if depth == 0 and c == "{":
                fn = "(" in header and "=" not in header
                start = n if fn else None
                early = early_return(header) if fn else None
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    if start is not None:
                        yield start, n, early
                    header = ""
                    continue
            if depth == 0:
                header = "" if c == ";" else header + c
        if depth == 0:
            header += " "


# ------------------------------------------------------------ operators
# Each operator yields (start, end, new_lines): lines start..end (0-based,
# inclusive) of the file are replaced by new_lines, one per old line, so
# line numbers never shift.

CMP = re.compile(r"(?<![<>=!-])(<=|>=|==|!=)(?!=)|(?<![<>-])(<|>)(?![<>=])")
CMP_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=",
            "!=": "=="}
ANDOR = re.compile(r"&&|\|\|")
COND = re.compile(r"\b(if|while)\s*\(")
INT = re.compile(r"(?<![\w.])(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)(?![\w.])")
CALL = re.compile(r"^(\s*)(\(void\)\s*)?([A-Za-z_]\w*(?:(?:->|\.)\w+)*)\s*\(")
NOT_CALLS = {"if", "while", "for", "switch", "return", "sizeof", "case"}
# Deleting these proves nothing a test could see: free() only leaks,
# assert() is off in no build we test, va_* deletion is undefined.
SKIP_CALLS = {"free", "assert", "va_start", "va_end", "va_copy"}
RETURN = re.compile(r"^(\s*)return\s+(.+?)\s*;\s*$")
RET_SWAP = {"0": "-1", "-1": "0", "true": "false", "false": "true"}


def closing(code, n, i):
    """(line, col) of the ')' matching the '(' at code[n][i], or None."""
    depth = 0
    for m in range(n, min(n + 12, len(code))):
        for j in range(i if m == n else 0, len(code[m])):
            if code[m][j] == "(":
                depth += 1
            elif code[m][j] == ")":
                depth -= 1
                if depth == 0:
                    return m, j
    return None


def splice(line, i, j, text):
    return line[:i] + text + line[j:]


def op_cmp(src, code, n, early):
    for m in CMP.finditer(code[n]):
        tok = m.group(0)
        yield n, n, [splice(src[n], m.start(), m.end(), CMP_FLIP[tok])]


def op_andor(src, code, n, early):
    for m in ANDOR.finditer(code[n]):
        new = "||" if m.group(0) == "&&" else "&&"
        yield n, n, [splice(src[n], m.start(), m.end(), new)]


def op_negate(src, code, n, early):
    for m in COND.finditer(code[n]):
        end = closing(code, n, m.end() - 1)
        if end is None or end[0] != n:
            continue            # a condition over several lines: skip
        i, j = m.end(), end[1]
        yield n, n, [src[n][:i] + "!(" + src[n][i:j] + ")" + src[n][j:]]


def op_const(src, code, n, early):
    line = code[n]
    for m in INT.finditer(line):
        # An array size in a declaration ("char num[32];") is mostly slack.
        if (line[m.start() - 1:m.start()] == "[" and
                line[m.end():m.end() + 1] == "]" and "=" not in line):
            continue
        s = m.group(1)
        base = 16 if s[:2].lower() == "0x" else 8 if s[0] == "0" and \
            len(s) > 1 else 10
        try:
            v = int(s, base)
        except ValueError:      # "09": not C either
            continue
        for w in (v + 1, v - 1):
            if w < 0:
                continue
            t = hex(w) if base == 16 else "0%o" % w if base == 8 else str(w)
            yield n, n, [splice(src[n], m.start(1), m.end(1), t)]


def statement_start(code, n):
    """Does a statement start on line n (the previous code line ends one,
    or is a brace, a label, an if/for/else header)?  "rv =\\n foo(x);"
    is a continuation, and deleting its second line would not compile."""
    for m in range(n - 1, -1, -1):
        prev = code[m].strip()
        if prev:
            return prev[-1] in ";{}:)" or prev.endswith("else")
    return True


def op_delcall(src, code, n, early):
    m = CALL.match(code[n])
    if not m or m.group(3) in NOT_CALLS or m.group(3) in SKIP_CALLS or \
            not statement_start(code, n):
        return
    end = closing(code, n, m.end() - 1)
    if end is None or code[end[0]][end[1] + 1:].strip() != ";":
        return
    new = [m.group(1) + ";"] + [""] * (end[0] - n)
    yield n, end[0], new


def op_retval(src, code, n, early):
    m = RETURN.match(code[n])
    if not m:
        return
    expr = src[n][m.start(2):m.end(2)]
    if expr in RET_SWAP:
        new = RET_SWAP[expr]
    elif early == "return -1;":         # int: "return rv;" succeeds
        new = "0"
    elif early == "return false;":      # bool: the other answer
        new = "!(%s)" % expr
    else:
        return
    yield n, n, [m.group(1) + "return " + new + ";"]


OPERATORS = {"cmp": op_cmp, "andor": op_andor, "negate": op_negate,
             "const": op_const, "delcall": op_delcall, "retval": op_retval}


def candidates(path, lines):
    """Every mutant of the file, in file order, duplicates removed."""
    code = mask(lines)
    seen, out = set(), []

    def add(op, start, end, new):
        old = lines[start:end + 1]
        key = (start, tuple(new))
        if new == old or key in seen:
            return
        seen.add(key)
        digest = hashlib.sha1(("%s\0%s\0%s" % (op, "\n".join(old),
                              "\n".join(new))).encode()).hexdigest()[:8]
        out.append({"file": path, "line": start + 1, "end": end + 1,
                    "op": op, "hash": digest, "old": old, "new": new})

    for first, last, early in functions(code):
        if early:
            i = code[first].index("{") + 1
            add("return", first, first,
                [lines[first][:i] + " " + early + lines[first][i:]])
        for n in range(first + 1, last):
            if not code[n].strip():
                continue
            for op, fn in OPERATORS.items():
                for start, end, new in fn(lines, code, n, early):
                    if end < last:
                        add(op, start, end, new)
    return out


def sample(muts, seed, path, per_file):
    """per_file mutants, spread over the operators: each operator's list is
    shuffled, then they are dealt round-robin in a shuffled order."""
    rng = random.Random("%s:%s" % (seed, path))
    groups = {}
    for m in muts:
        groups.setdefault(m["op"], []).append(m)
    order = sorted(groups)
    rng.shuffle(order)
    for op in order:
        rng.shuffle(groups[op])
    picked = []
    while len(picked) < per_file and any(groups.values()):
        for op in order:
            if groups[op] and len(picked) < per_file:
                picked.append(groups[op].pop())
    return sorted(picked, key=lambda m: (m["line"], m["op"], m["hash"]))




def load_equivalent(path):
    """file:line:op:hash -> reason, from the reviewed list."""
    eq = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    key, _, reason = line.partition(" ")
                    eq[key] = reason.strip()
    except FileNotFoundError:
        pass
    return eq


def key(m):
    return "%s:%d:%s:%s" % (m["file"], m["line"], m["op"], m["hash"])


def cmd_list(args):
    """Write the sample as JSON lines to args.out, and print one line per
    mutant for run.sh: index, file, line, op, 1 if listed as equivalent."""
    eq = load_equivalent(args.equivalent)
    with open(args.out, "w") as out:
        n = 0
        for rel in args.files:
            with open("%s/%s" % (args.root, rel)) as f:
                lines = f.read().split("\n")
            for m in sample(candidates(rel, lines), args.seed, rel,
                            args.per_file):
                m["equivalent"] = eq.get(key(m), "")
                out.write(json.dumps(m, sort_keys=True) + "\n")
                print("%d\t%s\t%d\t%s\t%d" % (n, rel, m["line"], m["op"],
                      bool(m["equivalent"])))
                n += 1


def read_mutants(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def cmd_apply(args):
    """Copy args.orig to args.dest with mutant args.index applied."""
    m = read_mutants(args.mutants)[args.index]
    with open(args.orig) as f:
        lines = f.read().split("\n")
    if lines[m["line"] - 1:m["end"]] != m["old"]:
        sys.exit("mutate.py: %s:%d has changed" % (m["file"], m["line"]))
    lines[m["line"] - 1:m["end"]] = m["new"]
    with open(args.dest, "w") as f:
        f.write("\n".join(lines))


# --------------------------------------------------------------- report

STATUSES = ("killed", "timeout", "survived", "stillborn", "identical",
            "equivalent", "skipped")
FIELDS = ["file", "line", "op", "hash", "status", "test", "seconds",
          "original", "mutant"]


def shown(text):
    return " ".join(text.split())


def rows_of(rdir):
    """The mutants joined with run.sh's results.tsv (index, status, test,
    seconds); a mutant without a result was not reached (skipped)."""
    res = {}
    with open(rdir + "/results.tsv") as f:
        for line in f:
            i, status, test, secs = line.rstrip("\n").split("\t")
            res[int(i)] = (status, test, secs)
    rows = []
    for i, m in enumerate(read_mutants(rdir + "/mutants.jsonl")):
        status, test, secs = res.get(i, ("skipped", "", ""))
        new = "(deleted)" if m["op"] == "delcall" else shown(m["new"][0])
        rows.append(dict(m, status=status, test=test, seconds=secs,
                         original=shown(" ".join(m["old"])), mutant=new))
    return rows


def score(rows):
    det = sum(r["status"] in ("killed", "timeout") for r in rows)
    live = det + sum(r["status"] == "survived" for r in rows)
    return det, live, "%.0f%%" % (100.0 * det / live) if live else "-"


def cell(text):
    return "`%s`" % text.replace("|", "\\|") if text else ""


def cmd_report(args):
    rows = rows_of(args.results)
    with open(args.results + "/mutants.csv", "w", newline="") as f:
        w = csv.DictWriter(f, FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    table = ["| file | mutants | " + " | ".join(STATUSES) + " | score |",
             "|---|" + "---:|" * (len(STATUSES) + 2)]
    for name in sorted({r["file"] for r in rows}) + ["all"]:
        sub = [r for r in rows if name in ("all", r["file"])]
        table.append("| %s | %d | %s | %s |" % (
            name, len(sub),
            " | ".join(str(sum(r["status"] == s for r in sub))
                       for s in STATUSES), score(sub)[2]))
    md = ["# Mutation run", "", args.title, ""] + table + [
        "", "Score = (killed + timeout) / (killed + timeout + survived).",
        "", "## Mutants", "",
        "| file:line | op | status | test | original | mutant |",
        "|---|---|---|---|---|---|"]
    md += ["| %s:%s | %s | %s | %s | %s | %s |" % (
        r["file"], r["line"], r["op"], r["status"], r["test"],
        cell(r["original"]), cell(r["mutant"])) for r in rows]
    md += ["", "## Survivors", "",
           "Review each: a missing test, or a mutant that cannot change "
           "behaviour (add its key", "and the reason to "
           "tests/mutation/equivalent.txt).", ""]
    md += ["- `%s` `%s` -> `%s`" % (key(r), r["original"], r["mutant"])
           for r in rows if r["status"] == "survived"] or ["none"]
    md += ["", "## Excluded as equivalent", ""]
    md += ["- `%s`: %s" % (key(r), r["equivalent"])
           for r in rows if r["status"] == "equivalent"] or ["none"]
    with open(args.results + "/report.md", "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(table))
    det, live, pct = score(rows)
    print("mutation score: %s (%d of %d live mutants detected)" %
          (pct, det, live))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list")
    p.add_argument("--root", required=True)
    p.add_argument("--seed", required=True)
    p.add_argument("--per-file", type=int, required=True)
    p.add_argument("--equivalent", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("files", nargs="+")
    p.set_defaults(fn=cmd_list)
    p = sub.add_parser("apply")
    p.add_argument("mutants")
    p.add_argument("index", type=int)
    p.add_argument("orig")
    p.add_argument("dest")
    p.set_defaults(fn=cmd_apply)
    p = sub.add_parser("report")
    p.add_argument("results")
    p.add_argument("--title", default="")
    p.set_defaults(fn=cmd_report)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
