"""Three job ads drawn as procedure graphs by the web page itself, saved as SVG and PNG in docs/,
and listed in the "procedure-figures" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/procedure_figures.py

The API serves the page on 127.0.0.1; headless Chromium (Debian's chromium and chromedriver,
driven by selenium, as the page's test does) pastes each ad and lets the page draw its graph
(services/api/web/app.js). The SVG is saved with the page's computed styles written onto its
elements, so that it stands alone; the PNG is a screenshot of the drawing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from benchmarks.report import ROOT, write_section
from services.api import create_app
from services.api.server import serving_in_thread
from skillgraph import SkillGraph, load_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DOCS = ROOT / "docs"
ADS = {
    "maintenance-technician": (
        "Maintenance Technician - Food Production (Days)\n\n"
        "About the role\n"
        "Inspect production lines at the start of each shift, record faults in the CMMS, "
        "diagnose failures on conveyors and packaging machines, replace worn parts such as "
        "bearings, belts and seals, or order them from the supplier if not in stock, calibrate "
        "sensors after every repair, test the line before handing it back to production.\n\n"
        "About you\n"
        "- Level 3 in mechanical or electrical engineering\n"
    ),
    "home-care-assistant": (
        "Home Care Assistant - Leeds (flexible hours)\n\n"
        "Your duties will include:\n"
        "- Help clients with washing and dressing\n"
        "- Prepare meals and drinks\n"
        "- Administer medication in line with the care plan\n"
        "- Escort clients to appointments when needed\n"
        "- Record care notes after each visit\n\n"
        "What we offer: mileage paid, free training and uniform.\n"
    ),
    "barista": (
        "Barista - City Centre Coffee Shop\n\n"
        "A typical day:\n"
        "1. Open the shop and set up the coffee machine\n"
        "2. Prepare espresso drinks and serve customers\n"
        "3. Either restock the fridge or wash the cups, whichever is needed\n"
        "4. Clean the coffee machine before closing the shop\n\n"
        "Ideally, you will also train new starters.\n"
        "Running the weekly stock count is a plus.\n"
    ),
}


@contextmanager
def chromium() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--window-size=2200,1200", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


# The page's styles written onto each element of the drawing (its CSS variables included).
_INLINE_STYLES = """
const svg = document.querySelector('#procedure svg');
const properties = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size',
                    'font-weight', 'font-family', 'text-decoration'];
for (const element of [svg, ...svg.querySelectorAll('*')]) {
  const computed = getComputedStyle(element);
  element.setAttribute('style', properties
    .map((name) => `${name}:${computed.getPropertyValue(name)}`).join(';'));
}
svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
return svg.outerHTML;
"""


def draw(browser: WebDriver, url: str, text: str, name: str) -> None:
    browser.get(f"{url}/")
    box = browser.find_element(By.ID, "ad-text")
    browser.execute_script("arguments[0].value = arguments[1]", box, text)
    browser.find_element(By.ID, "submit").click()
    state = "return document.body.dataset.state"
    WebDriverWait(browser, 180).until(lambda b: b.execute_script(state) in ("done", "error"))
    if browser.execute_script(state) != "done":
        raise RuntimeError(f"{name}: {browser.find_element(By.ID, 'error').text}")
    svg = browser.execute_script(_INLINE_STYLES)
    (DOCS / f"procedure-{name}.svg").write_text(svg + "\n", encoding="utf-8")
    # The drawing alone on a white page: the page's card would scroll a wide one.
    browser.execute_script(
        "document.body.replaceChildren(); document.body.style.margin = '16px';"
        "document.body.style.background = '#fff'; document.body.innerHTML = arguments[0];",
        svg,
    )
    drawing = browser.find_element(By.TAG_NAME, "svg")
    (DOCS / f"procedure-{name}.png").write_bytes(drawing.screenshot_as_png)


def summary(answer: dict) -> str:
    """What the graph of one ad says: steps, order, structure, links."""
    graph = answer["graph"]
    relations = Counter(edge["relation"] for edge in graph["edges"])
    rules = Counter(e["rule"] for node in graph["nodes"] for e in node["evidence"])
    rules.update(e["rule"] for edge in graph["edges"] for e in edge["evidence"])
    rules.update(e["rule"] for group in graph["unordered"] for e in group["evidence"])
    linked = sum(bool(node["skills"]) for node in graph["nodes"])
    described = ", ".join(f"{rule} {count}" for rule, count in sorted(rules.items()))
    edges = ", ".join(f"{relation} {count}" for relation, count in sorted(relations.items()))
    return (
        f"{len(graph['nodes'])} steps ({sum(n['optional'] for n in graph['nodes'])} optional, "
        f"{linked} linked to ESCO skills); edges: {edges or 'none'}; unordered sets: "
        f"{len(graph['unordered'])}; evidence: {described}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="draw, but leave benchmarks.md")
    args = parser.parse_args()
    graph = SkillGraph.load(load_settings())
    lines = []
    with (
        serving_in_thread(create_app(graph.settings, graph=graph)) as url,
        chromium() as browser,
        httpx.Client(timeout=180) as http,
    ):
        for name, text in ADS.items():
            answer = http.post(f"{url}/v1/procedure", json={"text": text}).json()
            (DOCS / f"procedure-{name}.json").write_text(
                json.dumps(answer["graph"], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            draw(browser, url, text, name)
            lines.append(
                f"- **{name}** — {summary(answer)}. [SVG](procedure-{name}.svg), "
                f"[PNG](procedure-{name}.png), [graph JSON](procedure-{name}.json)"
            )
            print(lines[-1])
    markdown = f"""## Procedure graphs of three ads (drawn)

Three real-looking ads (in `benchmarks/procedure_figures.py`), each read by `POST /v1/procedure`
and drawn by the web page itself in headless Chromium: layers left to right by the longest
path over the DAG edges; optional steps dashed; alternatives joined by a dotted line; a step's
conditions under its text; its most probable ESCO skill at the bottom (none: no skill fits).
The prose ad is a chain with an alternative and a condition; the care ad is a bullet list
without sequence words, so a set; the barista's numbered list is ordered, with an "either …
or", two optional duties and an explicit "before".

{chr(10).join(lines)}

![maintenance technician](procedure-maintenance-technician.png)

![home care assistant](procedure-home-care-assistant.png)

![barista](procedure-barista.png)
"""
    if not args.no_write:
        write_section("procedure-figures", "python benchmarks/procedure_figures.py", markdown)


if __name__ == "__main__":
    main()
