"""The risk page in a real browser: real values, controls in the URL, back button, bad links, phone width."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import choose, screenshot, wait_for_graph


def open_risk(page: Page, base_url: str, path: str = "/risk/old_age") -> None:
    page.goto(base_url + path)
    wait_for_graph(page, "risk-ranking")


def ranking_title(page: Page) -> str:
    """Title and subtitle as one string: plotly draws each line as its own tspan, with no space between."""
    return " ".join(page.locator("#risk-ranking .gtitle tspan.line").all_text_contents())


def bar_labels(page: Page) -> list[str]:
    return page.locator("#risk-ranking .bartext").all_text_contents()


def card(page: Page, graph_id: str) -> Locator:
    return page.locator("figure.card", has=page.locator(f"#{graph_id}"))


def test_risk_page_shows_definition_ranking_map_trend_and_sex(page: Page, base_url: str) -> None:
    shapes: list[str] = []
    page.on("request", lambda req: shapes.append(req.url) if req.url.endswith("_50m.json") else None)
    open_risk(page, base_url)
    expect(page.locator("h1")).to_have_text("Older persons receiving a pension")
    definition = page.locator(".risk-definition")
    expect(definition).to_contain_text("Counted")
    expect(definition).to_contain_text("Out of")
    expect(definition).to_contain_text("Persons above statutory retirement age")
    expect(definition).to_contain_text("ILO wording: ILO WSPDB notes")

    assert "Older persons receiving a pension: Member States ranked, latest year in ILOSTAT" in ranking_title(page)
    labels = bar_labels(page)
    assert "82.6% (2020) †" in labels  # Thailand (flagged: sources disagree)
    assert "92.7% (2023)" in labels  # Timor-Leste
    assert "45.6% (2023) †" in labels  # ASEAN (flagged: an ILO modelled estimate)
    legend = page.locator("#risk-ranking .legend")
    expect(legend).to_contain_text("ASEAN (regional figure)")
    expect(legend).to_contain_text("World")
    expect(card(page, "risk-ranking").locator("figcaption")).to_contain_text("Highest: Brunei 100.0% (2021), lowest: Myanmar 0.9% (2016).")
    expect(page.locator(".aggregate-note")).to_contain_text("not computed here")
    expect(page.locator(".aggregate-note")).to_contain_text("Every Member State has a figure for this risk in ILOSTAT 2025.")

    page.wait_for_function("document.querySelectorAll('#risk-map .choroplethlayer path').length >= 11", timeout=30_000)
    assert shapes and all(url.startswith(base_url + "/assets/topojson/") for url in shapes)
    expect(card(page, "risk-map").locator("figcaption")).to_contain_text("Darkest (most covered): Brunei 100.0% (2021)")

    wait_for_graph(page, "risk-trend")
    expect(page.locator("#risk-trend .legend")).to_contain_text("ILOSTAT 2025, joined by year")
    expect(page.locator("#risk-trend .legend")).to_contain_text("UN SDG DB 2023-07 (not joined)")
    wait_for_graph(page, "risk-sex")
    expect(card(page, "risk-sex").locator("figcaption")).to_contain_text("Widest gap: Malaysia, women 13.0% and men 24.3% (2023).")
    page.mouse.move(5, 5)
    screenshot(page, "risk-old_age")


def test_no_data_is_written_not_drawn(page: Page, base_url: str) -> None:
    open_risk(page, base_url, "/risk/children")
    # Brunei and Lao PDR: words where the bar would be (annotations), no bar and no value in the figure's data
    texts = page.locator("#risk-ranking .annotation-text").all_text_contents()
    assert texts.count("no data") == 2
    expect(page.locator(".aggregate-note")).to_contain_text("no figure for this risk in ILOSTAT 2025: Brunei, Lao PDR.")


def test_changing_the_risk_changes_the_path_and_back_returns(page: Page, base_url: str) -> None:
    open_risk(page, base_url)
    choose(page, "risk", "Covered by at least one benefit")
    expect(page).to_have_url(re.compile(r"/risk/at_least_one\?sex=total&edition=ilostat-2025$"))
    expect(page.locator("h1")).to_have_text("Covered by at least one benefit")
    expect(page.locator("#risk-ranking .gtitle")).to_contain_text("Covered by at least one benefit")
    assert "Covered by at least one benefit: Member States ranked, latest year in ILOSTAT 2025" in ranking_title(page)
    assert "6.3% (2019) †" in bar_labels(page)  # Myanmar (flagged: sources disagree)
    assert "100.0% (2023)" in bar_labels(page)  # Singapore
    page.go_back()
    expect(page).to_have_url(re.compile(r"/risk/old_age$"))
    expect(page.locator("h1")).to_have_text("Older persons receiving a pension")
    expect(page.locator("#risk-ranking .gtitle")).to_contain_text("Older persons receiving a pension")


def test_a_copied_link_reproduces_the_view(page: Page, base_url: str) -> None:
    open_risk(page, base_url)
    choose(page, "edition", "UN SDG Global Database (July 2023)")
    expect(page).to_have_url(re.compile(r"edition=un-sdg-db-2023-07"))
    choose(page, "country", "Thailand")
    expect(page).to_have_url(re.compile(r"/risk/old_age\?country=THA&sex=total&edition=un-sdg-db-2023-07$"))
    expect(page.locator("#risk-ranking .legend")).to_contain_text("Chosen Member States")
    copied = page.url
    title, labels = ranking_title(page), sorted(bar_labels(page))
    assert "South-Eastern Asia (regional figure)" in (page.locator("#risk-ranking .legend").text_content() or "")

    page.wait_for_load_state("networkidle")  # the redrawn controls' URL check must finish before we leave
    page.goto(copied)
    wait_for_graph(page, "risk-ranking")
    assert ranking_title(page) == title
    assert sorted(bar_labels(page)) == labels
    expect(page.locator("#control-country")).to_contain_text("Thailand")
    expect(card(page, "risk-ranking").locator("figcaption")).to_contain_text("Chosen countries' places")


def test_maternity_shows_women_whatever_sex_is_chosen(page: Page, base_url: str) -> None:
    open_risk(page, base_url, "/risk/maternity?sex=male&country=THA,KHM")
    expect(page.locator("#control-sex input[value=male]")).to_be_checked()
    expect(page.locator(".risk-note")).to_contain_text("Maternity is measured among women only")
    assert "Mothers with newborns receiving maternity benefits (women): Member States" in ranking_title(page)
    expect(page.locator(".no-data-note")).to_contain_text("no comparison of women and men")
    expect(page.locator("#risk-sex")).to_have_count(0)


def test_unknown_risk_gets_a_friendly_message_and_the_default_page(page: Page, base_url: str) -> None:
    open_risk(page, base_url, "/risk/xyz?sex=other")
    notice = page.locator(".notice[role=alert]")
    expect(notice).to_contain_text("Unknown risk 'xyz'")
    expect(notice).to_contain_text("old_age (Old age)")
    expect(notice).to_contain_text("Unknown sex 'other'. Valid choices: total, female, male")
    expect(page.locator("h1")).to_have_text("Older persons receiving a pension")  # the default view, not an error page
    assert "82.6% (2020) †" in bar_labels(page)


def test_risk_page_is_usable_at_phone_width(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_risk(page, base_url)
    wait_for_graph(page, "risk-trend")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page scrolls sideways at phone width ({width}px)"


#: In which task each chart's plotly.js SVG was added to the page. The first SVG of a task opens a new
#: number and a zero-delay timer that closes it; that timer was queued before the chart queue's own
#: turn to the next chart (same task, same delay: timers run in the order queued), so a chart drawn in
#: a later task gets the next number, and charts drawn in one task share one. (A timer loop counting
#: tasks was clamped to 4 ms on a busy machine and let two tasks share a number.)
DRAWN_IN_TASK = """
window.essaDrawnIn = {};
let task = 0, open = false;
new MutationObserver(changes => { for (const change of changes) for (const node of change.addedNodes) {
    const chart = node.classList && node.classList.contains('main-svg') && node.closest('[id]');
    if (!chart || chart.id in window.essaDrawnIn) continue;
    if (!open) { task += 1; open = true; setTimeout(() => { open = false; }, 0); }
    window.essaDrawnIn[chart.id] = task;
} }).observe(document, {childList: true, subtree: true});
"""


#: What the chart queue was asked and what it drew: plotly.js's own Plotly.react (which the queue keeps and
#: calls to draw) and the queue's (which Dash calls) both wrapped. When it starts a chart, every chart still
#: waiting on the page (asked, not started, not taken off the page) must come after it in the document.
QUEUE_LOG = """
window.essaQueue = {asked: [], started: [], passedOver: []};
let plotly, waiting = [];
Object.defineProperty(window, 'Plotly', { configurable: true, get() { return plotly; }, set(value) {
    plotly = value;
    const draw = value.react;
    let queued = function (gd, ...rest) {
        const id = gd.parentNode.id;
        waiting = waiting.filter(other => other !== gd);
        for (const other of waiting) if (other.isConnected && (gd.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_PRECEDING))
            window.essaQueue.passedOver.push(other.parentNode.id + ' before ' + id);
        window.essaQueue.started.push(id);
        return draw.call(this, gd, ...rest);
    };
    Object.defineProperty(value, 'react', { configurable: true, get() { return queued; }, set(queue) {
        queued = function (gd, ...rest) {
            window.essaQueue.asked.push(gd.parentNode.id);
            waiting.push(gd);
            return queue.call(this, gd, ...rest);
        };
    } });
} });
"""


def test_charts_are_drawn_one_per_task_in_page_order(page: Page, base_url: str) -> None:
    """plotly-queue.js: each chart in a task of its own, the first on the page first among those waiting.

    Dash mounts the five graphs in one React commit, or, on a busy machine, in two (React reveals the
    ranking and map's suspended components a commit later): what the queue can order is what it has been asked.
    """
    page.add_init_script(DRAWN_IN_TASK)
    page.add_init_script(QUEUE_LOG)
    open_risk(page, base_url)
    for graph in ("risk-map", "risk-trend", "risk-sex"):
        wait_for_graph(page, graph)
    assert page.evaluate("window.Plotly.essaQueued") is True
    drawn, queue = page.evaluate("window.essaDrawnIn"), page.evaluate("window.essaQueue")
    charts = ("risk-ranking", "risk-map", "risk-context", "risk-trend", "risk-sex")
    assert set(charts) <= set(drawn), drawn
    assert len({drawn[chart] for chart in charts}) == len(charts), drawn  # one task each
    assert set(charts) <= set(queue["started"]), queue
    assert queue["passedOver"] == [], queue


#: Three charts asked of the queue last on the page first, and the first asked twice: the order they are drawn in.
ASKED_OUT_OF_ORDER = """async () => {
    const divs = ['queue-a', 'queue-b', 'queue-c'].map(id => {
        const div = document.createElement('div');
        div.id = id;
        document.body.appendChild(div);
        return div;
    });
    const order = [];
    const ask = (div, title) => window.Plotly.react(div, [{type: 'bar', x: [1], y: [1]}], {title: {text: title}})
        .then(() => order.push(div.id + ':' + title));
    const gone = document.createElement('div');
    gone.id = 'gone';
    document.body.appendChild(gone);
    const asked = [ask(divs[2], 'c'), ask(gone, 'gone'), ask(divs[1], 'b'), ask(divs[0], 'first'), ask(divs[0], 'update')];
    gone.remove();
    await Promise.all(asked);
    return {order, goneDrawn: gone.querySelector('.main-svg') !== null, title: divs[0].querySelector('.gtitle').textContent};
}"""


def test_the_queue_draws_the_chart_first_on_the_page_first_whatever_order_it_is_asked_in(page: Page, base_url: str) -> None:
    """A remount asks for the charts in its own order: the first on the page is still drawn first; a div's calls keep theirs."""
    open_risk(page, base_url)
    for graph in ("risk-map", "risk-trend", "risk-sex"):
        wait_for_graph(page, graph)
    result = page.evaluate(ASKED_OUT_OF_ORDER)
    assert result["order"] == ["gone:gone", "queue-a:first", "queue-a:update", "queue-b:b", "queue-c:c"], result
    assert result["goneDrawn"] is False
    assert result["title"] == "update"
