"""JUnit XML: one test case per diagnostic (an error fails, a warning or a note is skipped),
one passing test case per file without any.

Written to the Apache Ant schema (the strictest in use) with the ``file`` and ``line``
attributes GitLab reads on a test case (as pytest writes them), so that Jenkins, GitLab and the
like read it: the suite carries a timestamp, the host and its properties; warnings and notes
are also listed in its ``system-out``.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import xml.etree.ElementTree as ET
from collections import defaultdict

from .. import __version__
from ..check.findings import Findings
from ..diagnostics import Diagnostic, Severity
from ..i18n import _
from ..read.limits import shorten
from .base import Reporter, ReportError
from .locate import machine_path
from .paths import for_machines
from .safe import terminal_text, xml_text


def _timestamp() -> str:
    """Now, or ``SOURCE_DATE_EPOCH`` for reproducible reports (a value that is not a time is a
    usage error, as the reproducible-builds specification asks)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    text = epoch.strip()
    try:
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise ValueError(text)
        moment = dt.datetime.fromtimestamp(int(text), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ReportError(
            _("SOURCE_DATE_EPOCH={value!r} is not a time: give whole seconds since 1970-01-01").format(
                value=shorten(epoch)
            )
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class JunitReporter(Reporter):
    """One test case per diagnostic, with its ``file`` and ``line`` (GitLab links them): an
    error fails, a warning or a note is skipped (GitLab lists skipped cases, the message in
    their name; neither fails the pipeline); one passing case per file checked without any."""

    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        by_file: dict[str, list[Diagnostic]] = defaultdict(list)
        for d in findings.diagnostics:
            by_file[d.span.file].append(d)
        files = sorted(set(findings.files) | set(by_file))  # every file checked is at least one test case
        cases = sum(len(by_file[f]) or 1 for f in files)
        failures = sum(1 for d in findings.diagnostics if d.severity is Severity.ERROR)
        suites = ET.Element("testsuites")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="dansokh validate",
            package="dansokh",
            id="0",
            timestamp=_timestamp(),
            hostname=socket.gethostname() or "localhost",
            tests=str(cases),
            failures=str(failures),
            errors="0",
            time=f"{findings.seconds:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="dansokh.version", value=__version__)
        summary = findings.summary
        for name, value in (("plans", summary.plans), ("edges", summary.edges), ("warnings", summary.warnings)):
            ET.SubElement(properties, "property", name=f"dansokh.{name}", value=str(value))
        for file in files:
            path = terminal_text(machine_path(file))
            if not by_file[file]:
                ET.SubElement(suite, "testcase", classname="dansokh.plans", name=path, time="0", file=path)
            for d in by_file[file]:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname="dansokh.plans",
                    name=terminal_text(f"{path}:{d.span.line}:{d.span.col}: {d.code} {shorten(d.message, 200)}"),
                    time="0",
                    file=path,
                    line=str(d.span.line),
                )
                if d.severity is Severity.ERROR:
                    failure = ET.SubElement(case, "failure", message=terminal_text(d.message), type=d.code)
                    failure.text = "\n".join(
                        terminal_text(line)
                        for line in [f"{d.span}: {d.code} {d.message}"] + [f"  {r.span}: {r.message}" for r in d.related]
                    )
                else:
                    ET.SubElement(case, "skipped")
        others = [d for f in files for d in by_file[f] if d.severity is not Severity.ERROR]
        ET.SubElement(suite, "system-out").text = "\n".join(terminal_text(f"{d.span}: {d.code} {d.message}") for d in others)
        ET.SubElement(suite, "system-err").text = ""
        for element in suites.iter():  # what XML 1.0 cannot hold, wherever it is, as escapes
            element.attrib.update({key: xml_text(value) for key, value in element.attrib.items()})
            if element.text:
                element.text = xml_text(element.text)
        ET.indent(suites)
        self.stream.write(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")
