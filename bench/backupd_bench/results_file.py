"""RESULTS.md as one section per part of the benchmark, so that a partial run (--postgres-only,
--no-postgres, --no-references, ...) replaces the sections of the parts it measured and leaves every other
section byte for byte as an earlier run wrote it, with that run's command, commit and date. Each section
lies between two marker lines (HTML comments, invisible when rendered)."""

import re

from .report import PARTS

HEADER = """# backupd benchmark results

One section per part of the benchmark: backupd on SQLite (issues 5 and 13), the nginx and moto references,
PostgreSQL (issues 6 and 13), policies and the clock (issue 12), reads while writing (issue 13) and bulk
loads (issue 13). Each holds the figures of the latest run that measured its part and names that run's
command, date and commit: a run rewrites the sections of the parts it measured and leaves the others as
they were (`bench/run --postgres-only` rewrites the PostgreSQL section only, `--lifecycle-only` the
policies-and-clock one, `--writes-only` the reads-while-writing one, `--loads-only` the bulk-loads one,
`--no-postgres` the others). Sections can
therefore come from different runs and commits; the ratios and targets in a section compare figures of
its own run only. See `bench/README.md` for how to read them.
"""

SECTION = re.compile(r"^<!-- bench-part (?P<part>[\w-]+) -->\n.*?^<!-- /bench-part (?P=part) -->\n", re.M | re.S)


def wrap(part, body):
    """A part's section: its Markdown between its marker lines."""
    return f"<!-- bench-part {part} -->\n{body.rstrip(chr(10))}\n<!-- /bench-part {part} -->\n"


def sections(text):
    """{part: section text, markers included} of a RESULTS.md, in the file's order."""
    return {m.group("part"): m.group(0) for m in SECTION.finditer(text)}


def merge(old_text, bodies):
    """RESULTS.md with the sections of `bodies` ({part: Markdown}) in place of the old ones, the other
    sections of `old_text` kept as they are; the known parts in their order, then any other section."""
    kept = sections(old_text or "")
    kept.update({part: wrap(part, body) for part, body in bodies.items()})
    order = [p for p in PARTS if p in kept] + [p for p in kept if p not in PARTS]
    return HEADER + "".join("\n" + kept[p] for p in order)


def update(path, bodies):
    """Writes the sections of this run's parts into the file at `path`, keeping the others. Returns the
    parts whose sections it kept, and whether the file had content but no sections (the old, single-run
    layout), which is then replaced as a whole."""
    old = path.read_text() if path.exists() else ""
    path.write_text(merge(old, bodies))
    return [p for p in sections(old) if p not in bodies], bool(old.strip()) and not sections(old)
