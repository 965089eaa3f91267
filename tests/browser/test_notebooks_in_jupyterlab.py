"""Every notebook, opened in JupyterLab in headless Chromium, as a learner would run it.

For each notebook (a temporary copy; see conftest.py): open it, wait until the status bar says
the kernel is idle, Run → Run All Cells, wait until no cell is running or queued, then check what
a learner would see: every code cell ran (a sentinel cell appended to the copy catches a cell that
failed without printing anything), no traceback and no error output, every matplotlib figure is
a decoded image, every widget is drawn (not "Error displaying widget", not its text repr), and
operating the first widget control (move a slider, pick another option, click a button; "Run
Interact" for interact_manual) changes some output. A screenshot per notebook goes to
artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.conftest import BROWSER_TIMING

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium's limit for one capture is about 16k pixels
KERNEL_STATUS = '#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]'
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
INTERACTION_TIMEOUT_S = 20.0

# What the page shows when something went wrong instead of the real thing.
WIDGET_ERRORS = ("Error displaying widget", "model not found", "Loading widget...")
WIDGET_AS_TEXT = re.compile(r"^\s*(?:[A-Z]\w*)\((?:children|value|description|layout|outputs)=", re.M)
FIGURE_AS_TEXT = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)")

# --------------------------------------------------------------------------- page scripts

JS_CELLS = f"""() => Array.from(document.querySelectorAll('{NOTEBOOK} .jp-Cell')).map(c => ({{
    code: c.classList.contains('jp-CodeCell'),
    prompt: c.classList.contains('jp-CodeCell')
        ? (c.querySelector('.jp-InputPrompt')?.textContent || '').trim() : '',
}}))"""

JS_OUTPUTS = f"""() => Array.from(document.querySelectorAll('{NOTEBOOK} .jp-OutputArea-output')).map(o => ({{
    cell: Array.from(document.querySelectorAll('{NOTEBOOK} .jp-Cell')).indexOf(o.closest('.jp-Cell')),
    mime: o.dataset.mimeType || '',
    text: o.innerText || '',
}}))"""

# Wait for every image in the outputs (figures, also inside Output widgets) to decode.
JS_IMAGES = f"""async () => {{
    const imgs = Array.from(document.querySelectorAll('{NOTEBOOK} .jp-OutputArea-output img'));
    await Promise.all(imgs.map(i => i.decode().catch(() => null)));
    return imgs.map(i => ({{
        cell: Array.from(document.querySelectorAll('{NOTEBOOK} .jp-Cell')).indexOf(i.closest('.jp-Cell')),
        ok: i.complete && i.naturalWidth > 0 && i.naturalHeight > 0,
        width: i.naturalWidth, height: i.naturalHeight,
    }}));
}}"""

# Interactive controls in the outputs, in page order: slider handles and buttons.
CONTROLS = ", ".join(
    f"{NOTEBOOK} .jp-OutputArea-output {sel}"
    for sel in (
        ".widget-slider .noUi-handle",
        "button.jupyter-button:not([disabled])",
        ".widget-dropdown select:not([disabled])",
        ".widget-checkbox input[type=checkbox]:not([disabled])",
    )
)
# Mark the index-th control (and, for interact_manual, its "Run Interact" button) for the locators.
JS_MARK_CONTROL = f"""(index) => {{
    document.querySelectorAll('[data-browser-test]').forEach(e => e.removeAttribute('data-browser-test'));
    const el = document.querySelectorAll('{CONTROLS}')[index];
    if (!el) return null;
    el.setAttribute('data-browser-test', 'control');
    const kind = el.classList.contains('noUi-handle') ? 'slider'
        : el.tagName === 'SELECT' ? 'dropdown' : el.tagName === 'INPUT' ? 'checkbox' : 'button';
    const run = kind === 'button' ? null
        : el.closest('.widget-interact')?.querySelector(':scope > .jupyter-button, :scope > .widget-button');
    if (run) run.setAttribute('data-browser-test', 'run');
    const box = el.closest('.widget-slider, .widget-dropdown, .widget-checkbox');
    return {{
        kind: kind,
        label: ((box && box.querySelector('.widget-label')?.textContent) || el.textContent || '').trim(),
        options: kind === 'dropdown' ? Array.from(el.options).map(o => o.value) : [],
        run: !!run,
        cell: Array.from(document.querySelectorAll('{NOTEBOOK} .jp-Cell')).indexOf(el.closest('.jp-Cell')),
    }};
}}"""
# What a control produced: the outputs with the controls themselves (and their readouts) removed,
# first of the control's own cell, then of the whole notebook (an Output widget may live elsewhere).
JS_RESULTS = f"""() => {{
    const el = document.querySelector('[data-browser-test=control]');
    const strip = (area) => {{
        const c = area.cloneNode(true);
        c.querySelectorAll('.widget-slider, .widget-button, .jupyter-button, .widget-dropdown, '
            + '.widget-toggle-buttons, .widget-checkbox, input, select, textarea')
         .forEach(x => x.remove());
        return c.innerHTML;
    }};
    const cell = el && el.closest('.jp-Cell');
    return {{
        cell: cell ? Array.from(cell.querySelectorAll('.jp-OutputArea')).map(strip).join('') : '',
        all: Array.from(document.querySelectorAll('{NOTEBOOK} .jp-Cell-outputArea')).map(strip).join(''),
    }};
}}"""
JS_CONTROL_STATE = """() => {
    const el = document.querySelector('[data-browser-test=control]');
    if (!el) return null;
    if (el.tagName === 'SELECT') return el.value;
    if (el.tagName === 'INPUT') return String(el.checked);
    return el.getAttribute('aria-valuenow') || el.textContent.trim();
}"""
# How tall the notebook's content is (to the bottom of its last cell, not the scroll-past-end space).
JS_CONTENT_HEIGHT = f"""() => {{
    const outer = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    const cells = document.querySelectorAll('{NOTEBOOK} .jp-Cell');
    if (!outer || !cells.length) return null;
    const last = cells[cells.length - 1].getBoundingClientRect().bottom;
    const top = outer.getBoundingClientRect().top;
    return {{content: last - top + outer.scrollTop, client: outer.clientHeight}};
}}"""
JS_OUTER = "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')"
JS_SCROLL_TOP = f"() => {{ const outer = {JS_OUTER}; if (outer) outer.scrollTop = 0; }}"
JS_DIALOGS = """() => Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText.trim())"""


# --------------------------------------------------------------------------- helpers


def _kernel_status(page: Any) -> str:
    el = page.query_selector(KERNEL_STATUS)
    return (el.text_content() or "").strip() if el else "(no kernel status in the status bar)"


def _fail_dialogs(page: Any, name: str) -> None:
    dialogs = page.evaluate(JS_DIALOGS)
    if dialogs:
        pytest.fail(f"{name}: JupyterLab shows a dialog: {dialogs[0]!r}", pytrace=False)


def _wait_kernel_idle(page: Any, name: str, deadline: float) -> None:
    """Wait until the status bar says the kernel is Idle (the toolbar circle says so too early)."""
    while time.monotonic() < deadline:
        status = _kernel_status(page)
        if status.endswith("| Idle"):
            return
        if page.query_selector(".jp-Dialog"):
            _fail_dialogs(page, name)
        time.sleep(0.25)
    pytest.fail(f"{name}: the kernel never became idle; the status bar says {_kernel_status(page)!r}",
                pytrace=False)  # fmt: skip


def _run_all(page: Any) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def _not_run(cells: list[dict[str, Any]], must_run: list[int]) -> list[int]:
    """Indexes of the non-empty code cells whose prompt is not ``[n]:`` (i.e. ``[ ]:`` or ``[*]:``)."""
    return [i for i in must_run if i >= len(cells) or not re.fullmatch(r"\[\d+\]:", cells[i]["prompt"])]


def _wait_all_ran(page: Any, name: str, must_run: list[int], timeout_s: float, deadline: float) -> list[int]:
    """Wait until no cell is running or queued and the kernel is idle; return the cells never run.

    The kernel is also idle for a moment between two queued cells, so "settled" means several
    polls in a row; when some cells never ran (Run All stops at an error) wait a little longer
    before believing it.
    """
    settled = 0
    cells: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        cells = page.evaluate(JS_CELLS)
        running = any(c["prompt"] == "[*]:" for c in cells)
        if not running and _kernel_status(page).endswith("| Idle"):
            settled += 1
            if settled >= (3 if not _not_run(cells, must_run) else 10):
                return _not_run(cells, must_run)
        else:
            settled = 0
        time.sleep(0.4)
    running_cells = [i + 1 for i, c in enumerate(cells) if c["prompt"] == "[*]:"]
    pytest.fail(
        f"{name}: Run All did not finish within {timeout_s:.0f} s: cells still running or queued "
        f"{running_cells}, cells never run {[i + 1 for i in _not_run(cells, must_run)]}, "
        f"kernel {_kernel_status(page)!r}",
        pytrace=False,
    )


def _save(page: Any) -> None:
    """Save the temporary copy of the notebook so its outputs can be read back with nbformat."""
    page.click('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar [data-command="docmanager:save"]')
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=30_000
    )


def _grow_viewport(page: Any) -> None:
    """Make the window as tall as the notebook so every cell renders and the screenshot shows it all."""
    size = page.evaluate(JS_CONTENT_HEIGHT)
    if not size:
        return
    chrome = page.viewport_size["height"] - size["client"]  # menu, toolbar, status bar
    height = max(VIEWPORT["height"], min(MAX_SCREENSHOT_HEIGHT, int(size["content"]) + chrome + 60))
    if height != page.viewport_size["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.wait_for_timeout(500)
    page.evaluate(JS_SCROLL_TOP)


def _screenshot(page: Any, folder: Path, stem: str) -> list[Path]:
    """Save the whole notebook as ``stem.png``; a notebook taller than one capture continues in
    ``stem-2.png``, ``stem-3.png``, … (old parts of the same notebook are removed first)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in [folder / f"{stem}.png", *folder.glob(f"{stem}-[0-9]*.png")]:
        old.unlink(missing_ok=True)
    paths: list[Path] = []
    try:
        _grow_viewport(page)
        size = page.evaluate(JS_CONTENT_HEIGHT)
        content, client = (int(size["content"]), max(1, int(size["client"]))) if size else (0, 1)
        parts = max(1, -(-content // client))
        for part in range(parts):
            if part:
                if part == parts - 1:  # the last part: only as tall as what is left
                    chrome = page.viewport_size["height"] - client
                    rest = content - part * client + chrome + 60
                    page.set_viewport_size(
                        {"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], rest)}
                    )
                    page.wait_for_timeout(300)
                page.evaluate(f"() => {{ {JS_OUTER}.scrollTop = {part * client}; }}")
                page.wait_for_timeout(300)
            path = folder / (f"{stem}.png" if part == 0 else f"{stem}-{part + 1}.png")
            page.screenshot(path=str(path))
            paths.append(path)
    except Exception as exc:  # a screenshot must never hide the real failure
        print(f"screenshot of {stem} failed: {exc}", file=sys.stderr)
    return paths


def _where(nb: Any, index: int) -> str:
    """``cell 7 (plots.timeline(result, …))``: the cell's number among all cells and its first line."""
    if not 0 <= index < len(nb.cells):
        return f"cell {index + 1}"
    first = next((line.strip() for line in nb.cells[index].source.splitlines() if line.strip()), "")
    return f"cell {index + 1} ({first[:60]}{'…' if len(first) > 60 else ''})"


def _check_outputs(page: Any, name: str, nb: Any) -> None:
    """No traceback, figures as decoded images, widgets drawn (not an error, not their text repr)."""
    problems: list[str] = []
    for out in page.evaluate(JS_OUTPUTS):
        where = _where(nb, out["cell"])
        text = out["text"]
        if TRACEBACK.search(text):
            problems.append(f"{where} shows a traceback: {text.strip()[-300:]!r}")
        marker = next((m for m in WIDGET_ERRORS if m in text), None)
        if marker:
            problems.append(f"{where} shows {marker!r} instead of a widget")
        if out["mime"] == "text/plain" and WIDGET_AS_TEXT.search(text):
            problems.append(f"{where} shows a widget as text, not drawn: {text.strip()[:120]!r}")
        if FIGURE_AS_TEXT.search(text):
            problems.append(
                f"{where} shows a figure as text, not an image: {FIGURE_AS_TEXT.search(text)[0]!r}"
            )

    images = page.evaluate(JS_IMAGES)
    for img in images:
        if not img["ok"]:
            problems.append(f"{_where(nb, img['cell'])} has an image that did not decode")
    saved_images = sum(
        1 for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if "image/png" in out.get("data", {})
    )  # fmt: skip
    if len([i for i in images if i["ok"]]) < saved_images:
        problems.append(f"{saved_images} figures were produced but only {len(images)} images are on the page")

    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                problems.append(f"{_where(nb, i)} raised {out.get('ename')}: {out.get('evalue')}")
    if problems:
        pytest.fail(f"{name}: " + "; ".join(dict.fromkeys(problems)), pytrace=False)


def _operate(page: Any, control: dict[str, Any]) -> None:
    """Do what a learner does with ``control``: move a slider, pick another option, click."""
    locator = page.locator("[data-browser-test=control]")
    locator.scroll_into_view_if_needed()
    state = page.evaluate(JS_CONTROL_STATE)
    if control["kind"] == "slider":
        locator.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        if page.evaluate(JS_CONTROL_STATE) == state:  # already at its maximum
            for _ in range(3):
                page.keyboard.press("ArrowLeft")
    elif control["kind"] == "dropdown":
        others = [o for o in control["options"] if o != state]
        if others:
            locator.select_option(others[0])
    else:
        locator.click()
    if control["run"]:  # interact_manual: nothing happens until "Run Interact" is clicked
        page.wait_for_timeout(200)
        page.locator("[data-browser-test=run]").click()


def _interact(page: Any, name: str, nb: Any) -> str | None:
    """Operate the first widget control (slider, button, dropdown, checkbox) whose output then changes.

    Returns what changed, None when the notebook has no such controls (progress bars are widgets
    but nothing to play with), and fails when it has some but none of the first few changes anything.
    """
    count = page.locator(CONTROLS).count()
    tried: list[str] = []
    for index in range(min(count, 3)):
        control = page.evaluate(JS_MARK_CONTROL, index)
        if control is None:
            break
        label = f"{control['kind']} {control['label']!r} in {_where(nb, control['cell'])}"
        before = page.evaluate(JS_RESULTS)
        state = page.evaluate(JS_CONTROL_STATE)
        _operate(page, control)
        deadline = time.monotonic() + INTERACTION_TIMEOUT_S
        while time.monotonic() < deadline:
            after = page.evaluate(JS_RESULTS)
            if after["cell"] != before["cell"] or after["all"] != before["all"]:
                return f"{label}: {state} → {page.evaluate(JS_CONTROL_STATE)} changed the output"
            page.wait_for_timeout(250)
        tried.append(label)
    if count == 0:
        return None
    pytest.fail(
        f"{name}: operating {', '.join(tried)} changed no output within {INTERACTION_TIMEOUT_S:.0f} s",
        pytrace=False,
    )


# --------------------------------------------------------------------------- tests


def test_notebook_runs_in_jupyterlab(
    notebook: Path, chromium_executable: str, jupyterlab: Any, browser_context: Any, browser_run: Any,
    record_property: Any,
) -> None:
    """Run All in JupyterLab: every cell runs, no traceback, figures and widgets drawn, widgets respond."""
    # The Japanese edition lives in notebooks/ja/: its name is "ja/99_cleanup.ipynb".
    name = f"{notebook.parent.name}/{notebook.name}" if notebook.parent.name == "ja" else notebook.name
    stem = name.removesuffix(".ipynb").replace("/", "-")
    copy = jupyterlab.root_dir / name
    source = nbformat.read(copy, as_version=4)
    must_run = [i for i, c in enumerate(source.cells) if c.cell_type == "code" and c.source.strip()]

    started = time.monotonic()
    deadline = started + browser_run.notebook_timeout_s
    phases: dict[str, float] = {}
    last = started

    def phase(label: str) -> None:
        nonlocal last
        now = time.monotonic()
        phases[label] = now - last
        last = now

    # One context for all notebooks: JupyterLab's static files come from the browser cache after the first.
    page = browser_context.new_page()
    page.set_viewport_size(VIEWPORT)
    page.set_default_timeout(30_000)
    outcome = "failed"
    try:
        # A workspace of its own per notebook: no other notebook is reopened (and no kernel started).
        page.goto(jupyterlab.url(f"lab/workspaces/{stem}/tree/{name}?reset"))
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=60_000)
        phase("load lab")
        _wait_kernel_idle(page, name, deadline)
        _fail_dialogs(page, name)
        phase("kernel")
        _run_all(page)
        not_run = _wait_all_ran(page, name, must_run, browser_run.notebook_timeout_s, deadline)
        _fail_dialogs(page, name)
        phase("run all")
        _save(page)
        _grow_viewport(page)
        _check_outputs(page, name, nbformat.read(copy, as_version=4))  # names the failing cell, if any
        if not_run:
            ran = [i for i in must_run if i < not_run[0]]
            culprit = f"{_where(source, ran[-1])} failed" if ran else "Run All did not start"
            pytest.fail(
                f"{name}: {culprit} and stopped Run All (it printed no error; an exception handler "
                f"may swallow it): cells {[i + 1 for i in not_run]} never ran "
                f"(the last one is the test's sentinel cell)",
                pytrace=False,
            )
        phase("checks")
        changed = _interact(page, name, source)
        if changed:
            print(f"{name}: {changed}")
            _wait_kernel_idle(page, name, time.monotonic() + 60)
            page.wait_for_timeout(300)
            _check_outputs(page, name, nbformat.read(copy, as_version=4))
        phase("widget")
        outcome = "passed"
    finally:
        _screenshot(page, browser_run.screenshots_dir, stem)
        page.close()
        jupyterlab.shutdown_kernels_of(name)
        phase("screenshot+close")
        detail = " · ".join(f"{k} {v:.1f}" for k, v in phases.items())
        browser_run.timings.append((name, time.monotonic() - started, f"{outcome}  ({detail} s)"))
        # The table at the end of the run (tests/conftest.py) reads it from the report, also from xdist workers.
        record_property(BROWSER_TIMING, [name, time.monotonic() - started, f"{outcome}  ({detail} s)"])
