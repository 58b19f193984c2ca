"""JUnit XML: one test case per plan file, failing when the file has errors.

Written to the Apache Ant schema (the strictest in use), so that Jenkins, GitLab and the
like read it: the suite carries a timestamp, the host and its properties; a file's warnings
and notes go to its ``system-out``.
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
    def report(self, findings: Findings) -> None:
        findings = for_machines(findings)  # files named from the repository's root (report.paths)
        by_file: dict[str, list[Diagnostic]] = defaultdict(list)
        for d in findings.diagnostics:
            by_file[d.span.file].append(d)
        files = sorted(set(findings.files) | set(by_file))  # every file checked is a test case
        failures = sum(1 for f in files if any(d.severity is Severity.ERROR for d in by_file[f]))
        suites = ET.Element("testsuites")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="dansokh validate",
            package="dansokh",
            id="0",
            timestamp=_timestamp(),
            hostname=socket.gethostname() or "localhost",
            tests=str(len(files)),
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
            case = ET.SubElement(suite, "testcase", classname="dansokh.plans", name=terminal_text(file), time="0")
            errors = [d for d in by_file[file] if d.severity is Severity.ERROR]
            if errors:
                failure = ET.SubElement(
                    case, "failure", message=f"{len(errors)} error(s)", type=",".join(sorted({d.code for d in errors}))
                )
                failure.text = "\n".join(terminal_text(f"{d.span}: {d.code} {d.message}") for d in errors)
        others = [d for f in files for d in by_file[f] if d.severity is not Severity.ERROR]
        ET.SubElement(suite, "system-out").text = "\n".join(terminal_text(f"{d.span}: {d.code} {d.message}") for d in others)
        ET.SubElement(suite, "system-err").text = ""
        for element in suites.iter():  # what XML 1.0 cannot hold, wherever it is, as escapes
            element.attrib.update({key: xml_text(value) for key, value in element.attrib.items()})
            if element.text:
                element.text = xml_text(element.text)
        ET.indent(suites)
        self.stream.write(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")
