"""The stylesheet plotly.js would inject at run time, as a static file.

plotly.js adds its base rules (hover labels, cursors, the notifier) through a <style> element
it creates, which a strict Content-Security-Policy (`style-src 'self'`) blocks. It skips that
when the page already has an element with id `plotly.js-style-global` and class
`no-inline-styles`: the chart pages link seizures/static/seizures/plotly.css that way. This
module reads the rules out of the plotly.js bundle the app serves, so a test can prove the
file still matches after an upgrade. Regenerate with
`.venv/bin/python -m tests.support.plotly_css > seizures/static/seizures/plotly.css`.
"""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "seizures" / "static" / "seizures" / "vendor" / "plotly-cartesian.min.js"
_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_PAIR = re.compile(rf"\s*({_STRING}|[A-Za-z_$][\w$]*)\s*:\s*({_STRING})\s*,?")
_EXPAND = '.replace(/X/g,".js-plotly-plot .plotly").replace(/Y/g,".plotly-notifier")'


def rules(source: str) -> list[tuple[str, str]]:
    """(selector, declarations) in the order plotly.js lists them."""
    anchor = source.index(_EXPAND)
    name = re.findall(r"for\((\w+) in (\w+)\)", source[anchor - 200 : anchor])[-1][1]
    at = source.rindex(f"{name}={{", 0, anchor) + len(name) + 2
    found = []
    while source[at] != "}":
        match = _PAIR.match(source, at)
        key, value = (token[1:-1] if token[0] in "\"'" else token for token in match.groups())
        found.append((key.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier"), value))
        at = match.end()
    return found


def css() -> str:
    source = SOURCE.read_text()
    version = re.search(r"plotly\.js (?:\(cartesian - minified\) )?v([\d.]+)", source[:200]).group(1)
    # plotly.js inserts each rule at the top of its sheet, so the last listed comes first.
    body = "\n".join(f"{selector} {{ {declarations} }}" for selector, declarations in reversed(rules(source)))
    return f"/* plotly.js v{version} base styles, made by tests/seizures/plotly_css.py: do not edit. */\n{body}\n"


if __name__ == "__main__":
    print(css(), end="")
