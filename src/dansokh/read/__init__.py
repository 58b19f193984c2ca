"""Reading: plan files -> plain data, a source map of positions, and the problems met on the way.

``discover`` finds the plan files under the paths a user gives; ``loader`` parses one file
(ruamel's C composer) into data, never raising on bad input; ``positions`` is the source map,
filled on demand; ``codes`` declares the problems found while reading (Y, S and X codes);
``suppressions`` finds the inline ``# dansokh: ignore[…]`` comments; ``files`` reads a regular
file and never more than a limit; ``limits`` holds the bounds (size, nesting, diagnostics).

May import: i18n, diagnostics, config.
"""
