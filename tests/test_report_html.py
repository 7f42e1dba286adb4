"""The HTML batch report: one self-contained page, checked as text and in a real headless Chromium.

The browser part needs Debian's chromium (`make browser`, which `make test` runs, installs it when
it can); without it that part is skipped with a message. NEWSCLEAN_UPDATE_SCREENSHOT=1 saves the
screenshot as docs/report.png (the README's).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import html as lxml_html

from pipeline.report.html_page import (
    Bar,
    Kept,
    Piece,
    gaps,
    hbar_chart,
    input_layout,
    load_page_data,
    render_page,
    vbar_chart,
    write_html_report,
)
from pipeline.run.runner import run_batch

from .conftest import ROOT, scalar

FIRST, SECOND = "2024-12-01", "2024-12-02"
REMOVED_LINE = "Sign up for our Harbor Daily newsletter and get the news in your inbox every morning."
SCRIPT_TEXT = '<script>alert("report")</script>'
SPAN = "Our Standards: The Thomson Reuters Trust Principles."
CHARTS = (
    "chart-categories",
    "chart-rules",
    "chart-sources",
    "chart-trend-articles",
    "chart-trend-ratio",
    "chart-trend-rejected",
    "chart-trend-quarantined",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SCREENSHOT = ROOT / "docs" / "report.png"

HARBOR = f"""Harbor town votes to raise its sea wall

By Mara Lindqvist | 02.12.2024

The council of Nordvik voted on Monday to raise the town's sea wall by a metre before next winter, after two \
storms flooded the harbor front this autumn.

Advertisement

"We cannot wait for a third storm to decide for us," the mayor told the meeting, which ran past midnight.

{REMOVED_LINE}

The work will cost about 4 million euros, half of it paid by the regional government, the council said. {SPAN}

Engineers warned that {SCRIPT_TEXT} tags & "quotes" in a story must stay text, the town's press officer joked.

Share this article
"""

PROMO = """Weekend market opens

Stalls open at nine.

Sign up for our Weekend newsletter and get the best events in your inbox every Friday morning.

Read more: Ten markets to visit this winter in the northern towns

Read more: Where to find the best cheese stalls in the region this year

Read more: The farmers who sell straight from their boats at the harbor

Share this article

Advertisement

Leave a comment

Copyright © 2024 Example Media Group. All rights reserved.

Follow us on Twitter for the latest news.
"""

FERRY = {
    "title": "Ferry <i>timetable</i> & fares change",
    "url": "https://coast-news.example.org/ferry-timetable?utm_source=rss",
    "source": "coast-news.example.org",
    "published": "2024-12-02",
    "text": "The island ferry will leave half an hour earlier from Monday, the operator said on Sunday.\n\n"
    "Fares for cars rise by two euros, while foot passengers pay the same as last year.\n\n"
    "Read more: Island school gets a new roof\n\n"
    "The operator said the change follows a survey of commuters who work on the mainland.",
}

LIBRARY = """Library extends weekend opening

The town library will open on Sundays from January, the culture office said on Friday.

Facebook Twitter Email

Volunteers will staff the reading room, and the children's corner will host a story hour at eleven.

12 Comments
"""


def write_batches(root: Path) -> tuple[Path, Path]:
    """Two days of dumps; the sub-folder of a file without a source field or URL is its source."""
    files: dict[str, str | bytes] = {
        f"{FIRST}/town-weekly/library.txt": LIBRARY,
        f"{FIRST}/town-weekly/empty.txt": "",
        f"{SECOND}/harbor-times/harbor_wall.txt": HARBOR,
        f"{SECOND}/weekend-guide/promo_page.txt": PROMO,
        f"{SECOND}/feed.jsonl": json.dumps(FERRY) + "\n{not json\n",
        f"{SECOND}/export.xlsx": b"PK\x03\x04 not a workbook",
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root / FIRST, root / SECOND


@pytest.fixture
def two_batches(engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """The engine, with batches FIRST and SECOND published (from raw/<batch>, as the ledger shows)."""
    monkeypatch.chdir(tmp_path)
    first, second = write_batches(Path("raw"))
    run_batch(engine, first, FIRST)
    run_batch(engine, second, SECOND)
    return engine


def article_id(engine: sa.Engine, source_file: str) -> int:
    return int(scalar(engine, "SELECT article_id FROM articles WHERE source_file = :f", f=source_file))


def loads(page: str) -> list[str]:
    """Every URL the page would fetch or link to outside itself."""
    attributes = re.findall(r"""\b(?:src|href|action|data|poster|srcset)\s*=\s*["']?([^"'\s>]*)""", page, re.I)
    css = re.findall(r"url\(|@import", page, re.I)
    return [a for a in attributes if not a.startswith("#")] + css


# ---------------------------------------------------------------- the page as text


def test_page_is_self_contained_escaped_and_deterministic(two_batches: sa.Engine, tmp_path: Path) -> None:
    engine = two_batches
    path = write_html_report(engine, SECOND, tmp_path / "out" / "report.html")
    page = path.read_text(encoding="utf-8")

    assert loads(page) == []
    assert not re.search(r"<script[^>]*\bsrc", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    policy = lxml_html.fromstring(page).xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert policy and policy[0].startswith("default-src 'none';")  # the browser is told to fetch nothing either
    assert page.count("<script") == 1  # ours; the article's is text
    assert "&lt;script&gt;alert(&quot;report&quot;)&lt;/script&gt; tags &amp; &quot;quotes&quot;" in page
    assert "Ferry &lt;i&gt;timetable&lt;/i&gt; &amp; fares change" in page
    assert "coast-news.example.org/ferry-timetable" in page  # the URL as text, not as a link

    for chart in CHARTS:
        assert f'id="{chart}"' in page
    assert 'data-rule="newsletter.sign_up"' in page and REMOVED_LINE in page
    assert "export.xlsx" in page and "unsupported file type" in page  # rejected, with the reason
    assert "feed.jsonl" in page and "invalid JSON" in page
    assert "removal ratio" in page and "quarantined: removal ratio" in page  # the quarantine reason

    assert write_html_report(engine, SECOND, tmp_path / "again.html").read_text(encoding="utf-8") == page


def test_page_data_comes_from_the_ledger_and_caps_the_article_view(two_batches: sa.Engine) -> None:
    engine = two_batches
    data = load_page_data(engine, SECOND)
    assert [p.batch_id for p in data.trend] == [FIRST, SECOND]
    assert [(p.articles, p.rejected, p.quarantined) for p in data.trend] == [(1, 1, 0), (3, 2, 1)]
    assert data.batch_articles == 3 and data.batch_quarantined == 1
    assert [a.source_file for a in data.quarantined] == ["weekend-guide/promo_page.txt"]
    assert {r.rule for r in data.rules} >= {"newsletter.sign_up", "ad.marker", "agency.reuters_standards"}
    assert [(s.source, s.articles, s.quarantined) for s in data.sources] == [
        ("coast-news.example.org", 1, 0),
        ("harbor-times", 1, 0),
        ("weekend-guide", 1, 1),
    ]

    harbor = next(a for a in data.articles if a.source_file == "harbor-times/harbor_wall.txt")
    layout = input_layout(harbor.paragraphs, harbor.removals)
    assert layout is not None
    spans = [p.text for slot in layout for p in slot.spans]
    assert spans == [SPAN]  # cut from a kept paragraph: shown with it

    capped = load_page_data(engine, SECOND, top=1)
    assert len(capped.articles) == 1 and capped.articles[0].status == "quarantined"  # highest ratio
    page = lxml_html.fromstring(render_page(load_page_data(engine, SECOND, top=0)))
    assert len(page.xpath("//details")) == 1
    note = page.xpath('//section[@id="articles"]/p[@class="note"]')[0].text_content()
    assert note.startswith("1 of the batch's 3 articles: the 0 with the highest removal ratio plus the quarantined")
    assert load_page_data(engine, FIRST, last=1).trend[-1].batch_id == FIRST
    with pytest.raises(LookupError):
        load_page_data(engine, "no-such-batch")


def test_cli_report_writes_the_page_and_still_prints_the_text_report(
    two_batches: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    target = tmp_path / "page.html"
    command = ["-m", "pipeline", "report", "--batch", SECOND]
    done = subprocess.run(
        [sys.executable, *command, "--html", str(target), "--last", "1"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {target}"
    assert "Trend: the last 1 batches up to" in target.read_text(encoding="utf-8")
    text = subprocess.run([sys.executable, *command], env=env, capture_output=True, text=True, cwd=ROOT)
    assert text.returncode == 0 and text.stdout.startswith(f"batch {SECOND}")


# ---------------------------------------------------------------- pieces without a database


def test_input_layout_puts_kept_and_removed_text_in_input_order() -> None:
    kept = [Kept(0, 2, "First kept."), Kept(1, 4, "Second kept, after a cut.")]
    removals = [
        Piece(0, 1, "repeat.title", "repetition", "line", "The headline"),
        Piece(1, 3, "ad.marker", "ad", "paragraph", "Advertisement"),
        Piece(2, 4, "agency.x", "agency", "span", "(Agency)"),
        Piece(3, 6, "repeat.span", "repetition", "span", "gone twice"),
        Piece(4, 6, "caption.gallery_block", "caption", "span", "gone once"),
        Piece(5, 2, "repeat.title", "repetition", "line", "Headline again"),
    ]
    layout = input_layout(kept, removals)
    assert layout is not None
    assert [slot.position for slot in layout] == [1, 2, 3, 4, 6]
    assert [p.text for p in layout[0].whole] == ["The headline"]  # nothing kept of ¶1
    assert layout[1].kept == "First kept." and [p.text for p in layout[1].lines] == ["Headline again"]
    assert [p.text for p in layout[3].spans] == ["(Agency)"]
    assert [p.text for p in layout[4].whole] == ["gone twice", "gone once"]  # in removal order
    assert gaps(layout) == [(0, 0), (5, 5)]
    assert input_layout([Kept(0, None, "loaded before 0015")], removals) is None


def test_chart_labels_are_escaped() -> None:
    svg = hbar_chart("c", "t", [Bar('<b onload="x">', 3, "3 & more")])
    assert "&lt;b onload=&quot;x&quot;&gt;" in svg and "3 &amp; more" in svg and "<b " not in svg


def test_a_long_trend_labels_every_nth_batch_and_this_one() -> None:
    bars = [Bar(f"2024-10-{i:02d}", i, str(i), current=i == 20) for i in range(1, 61)]
    labels = re.findall(r'rotate\([^)]*\)">([^<]*)</text>', vbar_chart("t", "t", bars))
    shown = [label for label in labels if label]
    assert len(labels) == 60 and 10 <= len(shown) <= 30
    assert "2024-10-20" in shown and "2024-10-60" in shown


# ---------------------------------------------------------------- in a real browser


def chromium_binary() -> str:
    found = os.environ.get("NEWSCLEAN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed and could not be installed (make browser: apt-get, as root)")
    return found


def chromium(binary: str, url: str, *flags: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
        done = subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags, url],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_page_renders_in_headless_chromium(two_batches: sa.Engine, tmp_path: Path) -> None:
    binary = chromium_binary()
    engine = two_batches
    page = write_html_report(engine, SECOND, tmp_path / "report.html")
    harbor = article_id(engine, "harbor-times/harbor_wall.txt")

    # The DOM after the page's script ran: it opens the article named in the fragment.
    dumped = chromium(binary, f"{page.resolve().as_uri()}#article-{harbor}", "--dump-dom").stdout
    dom = lxml_html.fromstring(dumped)
    for chart in CHARTS:
        bars = dom.xpath(f'//*[local-name()="svg"][@id="{chart}"]//*[local-name()="rect"][@class="bar"]')
        assert bars, f"{chart}: no bars"
        widths = [float(b.get("width")) for b in bars]
        heights = [float(b.get("height")) for b in bars]
        assert any(w > 0 and h > 0 for w, h in zip(widths, heights, strict=True)), f"{chart}: every bar is empty"
    assert len(dom.xpath('//*[@id="chart-trend-articles"]//*[local-name()="rect"]')) == 2  # two batches

    article = dom.xpath(f'//details[@id="article-{harbor}"]')[0]
    assert article.get("open") is not None  # the script ran
    removed = [d for d in article.xpath('.//del[contains(@class, "removed")]') if d.text_content() == REMOVED_LINE]
    assert len(removed) == 1 and removed[0].get("data-rule") == "newsletter.sign_up"
    assert removed[0].getnext().text_content() == "newsletter · newsletter.sign_up"  # rule and category shown
    kept = [p.text_content() for p in article.xpath('.//p[@class="kept"]')]
    assert any(SCRIPT_TEXT in text for text in kept)  # the article's markup is text
    assert len(dom.xpath("//script")) == 1
    assert not dom.xpath('//i[not(@class="untitled")]')  # nor did the title's <i> become an element

    shot = tmp_path / "report.png"
    chromium(binary, page.resolve().as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 20_000  # a blank page is a few kB
    if os.environ.get("NEWSCLEAN_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
