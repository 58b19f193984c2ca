"""JUnit XML: one test case per plan file, failing when the file has errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from ..diagnostics import Diagnostic, Result, Severity
from .base import Reporter


class JunitReporter(Reporter):
    def __init__(self, stream, color=None, files: list[str] | None = None):
        super().__init__(stream, color)
        self.files = files

    def report(self, result: Result) -> None:
        by_file: dict[str, list[Diagnostic]] = defaultdict(list)
        for d in result.diagnostics:
            by_file[d.span.file].append(d)
        files = sorted(set(self.files or []) | set(by_file))
        failures = sum(1 for f in files if any(d.severity is Severity.ERROR for d in by_file[f]))
        suites = ET.Element("testsuites", name="dansokh", tests=str(len(files)), failures=str(failures))
        suite = ET.SubElement(
            suites, "testsuite", name="dansokh validate", tests=str(len(files)), failures=str(failures), errors="0"
        )
        for file in files:
            case = ET.SubElement(suite, "testcase", classname="dansokh", name=file)
            errors = [d for d in by_file[file] if d.severity is Severity.ERROR]
            lines = "\n".join(f"{d.span}: {d.code} {d.message}" for d in by_file[file])
            if errors:
                failure = ET.SubElement(
                    case, "failure", message=f"{len(errors)} error(s)", type=",".join(sorted({d.code for d in errors}))
                )
                failure.text = lines
            elif lines:
                ET.SubElement(case, "system-out").text = lines
        ET.indent(suites)
        self.stream.write(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")
