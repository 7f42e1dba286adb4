"""Every noise category: a line that must go beside a real sentence, at the same place, that must survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import Cleaner, RawArticle
from pipeline.clean.rules import RulesError, load_rules

BODY = [
    "The city council approved the new budget on Monday after a six-hour debate that ran past midnight.",
    "Opposition members said the plan cut too deeply into library funding and promised to revisit it.",
    "The mayor said the savings were needed to repair two bridges that engineers declared unsafe last year.",
]

# (category, must go, must survive). Each line is put at the end of a short article.
CASES = [
    (
        "caption",
        "Firefighters work at the scene in Lyon, France, Tuesday, June 4, 2024. (AP Photo/Claire Martin)",
        "The photographer said the AP Photo desk had asked her to cover the fire in Lyon on Tuesday.",
    ),
    (
        "caption",
        "Rescuers search the rubble of the school on Monday. Jan Novak/Getty Images",
        "Getty Images said it would license the pictures of the rescue to charities free of charge.",
    ),
    ("caption", "Photo: Jan Novak", "Photos of the damage were shared widely on social media, the police said."),
    ("caption", "Credit: Jan Novak", "Credit Suisse analysts said the council's bonds remained a safe investment."),
    ("caption", "Credit: Jan Novak", "Credit card spending in the city rose 4 percent last quarter, the bank said."),
    (
        "agency",
        "Copyright 2024 The Associated Press. All rights reserved. This material may not be published, "
        "broadcast, rewritten or redistributed.",
        "The copyright on the bridge designs expired in 2019, which let the city hire a cheaper firm.",
    ),
    (
        "agency",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "Reuters reported last month that the bridges had failed two inspections.",
    ),
    ("agency", "© 2024 Example Daily News Ltd", "In 2024 the council spent more on bridges than on parks."),
    (
        "agency",
        "Anadolu Agency website contains only a portion of the news stories offered to subscribers of "
        "the wire, in summary. Please contact us for subscription options.",
        "Anadolu Agency reported that the talks would resume next week in Ankara.",
    ),
    (
        "newsletter",
        "Sign up for our Morning Briefing newsletter and get the day's news in your inbox.",
        "The bakery announced the award in its monthly newsletter, thanking its customers.",
    ),
    (
        "newsletter",
        "Get the best of our city coverage delivered to your inbox every Friday.",
        "Residents can subscribe to alerts about road closures, the council said.",
    ),
    ("share", "Share this article", "She said she would share the report with the regional government."),
    ("share", "Facebook Twitter Email Print", "The mayor posted the plan on Facebook and Twitter on Sunday."),
    ("share", "Follow us on Twitter for the latest news.", "Follow-up inspections are planned for March."),
    (
        "related",
        "Read more: Council votes to close two libraries",
        "Read more carefully, the plan cuts library hours by a third, critics said.",
    ),
    (
        "related",
        "RELATED: Bridges across the region fail inspections",
        "Related cuts to school transport were postponed until next year.",
    ),
    ("ad", "Advertisement", "An advertisement for the new tram line drew complaints from residents."),
    ("ad", "Story continues below advertisement", "The story of the bridge began in 1911, when it was built."),
    ("comments", "12 Comments", "Comments from residents filled three hours of the public hearing."),
    ("comments", "Leave a comment", "The minister declined to comment on the budget dispute."),
    (
        "furniture",
        "This website uses cookies to improve your experience. By continuing you accept our policy.",
        "The bakery uses cookies from its own kitchen in the tasting menu, the owner said.",
    ),
    ("furniture", "Accept all cookies", "Cookies and cakes were sold at the school fair to raise money."),
    ("ad", "CLICK HERE TO GET THE FOX NEWS APP", "Click here to get more information or download this game."),
    (
        "newsletter",
        "Click here to subscribe to The Paradigm Newsletter",
        "Readers who subscribe to the paper's newsletter got the results first, the editor said.",
    ),
    ("caption", "© Jan Novak", "The © sign on the old bridge plaque was restored in May, the council said."),
    ("caption", "(Credit: Jan Novak / Agency)", "(The credit line was added later, the editor said.)"),
    (
        "ad",
        "This post contains affiliate links, and we may earn a commission when you buy through them.",
        "The post office contains a small library that residents run on weekends.",
    ),
    ("furniture", "Table of contents", "The table of contents of the report lists twelve bridges."),
    ("comments", "Reply", "The minister did not reply to questions about the budget."),
    ("share", "Like this story? Share it with a friend!", "Like the story of the bridge, the budget took years."),
    (
        "newsletter",
        "If you enjoyed reading this article, please consider supporting our journalism.",
        "If you enjoyed the old bridge, the new one will disappoint you, critics said.",
    ),
    ("related", "Popular on Example News", "Popular opinion is split on the plan, a poll found."),
    ("share", "Click to share on Twitter (Opens in new window)", "Click beetles were found in the bridge timber."),
    (
        "newsletter",
        "Enter your email address to subscribe to this blog and receive notifications of new posts.",
        "Residents can enter their email address on the council website to report potholes.",
    ),
    (
        "comments",
        "Your email address will not be published. Required fields are marked *",
        "The email address of the bridge office will be published next week, the mayor said.",
    ),
    ("furniture", "Search this blog", "Search teams checked the river below the bridge on Sunday."),
    ("caption", "Thinkstock", "Think tanks in the capital praised the budget plan."),
    ("related", "| Related articles |", "| The council | 19 votes | approved |"),
    (
        "comments",
        "Comment by Jane Roe — 17.07.2011 @ 13:04",
        "Comment by comment, the council rewrote the plan over the summer.",
    ),
    (
        "ad",
        "Disclaimer: The responses below are not provided or commissioned by the bank advertiser.",
        "The disclaimer on the bridge sign warns drivers of heavy trucks.",
    ),
    (
        "furniture",
        "Warning: Undefined variable $post in /var/www/site/wp-content/themes/news/single.php on line 52",
        "Warning: the bridge on line 4 of the tram network will close in June, the operator said.",
    ),
    (
        "newsletter",
        "Keep an eye on your inbox: the first issue arrives on Friday.",
        "Keep an eye on the river level this week, the flood office told residents.",
    ),
    (
        "furniture",
        "Write to Jane Roe at jane.roe@example.com",
        "Write to the council at its main office before Friday, the clerk said.",
    ),
    (
        "furniture",
        "Have a tip? Jane Roe may be reached at jroe@example.com. Follow her on Twitter @jroe.",
        "Residents who have a tip about the bridge may call the city hotline, the mayor said.",
    ),
    (
        "comments",
        "By submitting this form, you agree that the Gazette may store your name and your comment.",
        "By submitting this form, the residents agreed to let the council keep their addresses on file.",
    ),
    (
        "comments",
        "You must log in to post a comment.",
        "You must log in to the council's website to file a complaint about the bridge, the clerk said.",
    ),
    (
        "comments",
        "comments powered by Disqus",
        "The comments powered a long debate about the bridge at the council meeting, the clerk said.",
    ),
    (
        "furniture",
        "Published by Jane Roe Writer and cyclist in the valley. View all posts by Jane Roe",
        "Published by the city in March, the report was viewed by more than ten thousand residents.",
    ),
    ("related", "Explore further", "Explore further options for the bridge, the council told its engineers."),
    (
        "furniture",
        "Terms of Service | Privacy Policy | Cookie Settings",
        "Terms of service for the new tram line were set by the regional authority in May.",
    ),
    ("furniture", "updated 20M ago", "The bridge was updated 15 years ago, the engineer said."),
    (
        "furniture",
        "Published 9:41 AM EST Mar 2, 2021",
        "Published in November, the report found that two bridges needed urgent repairs.",
    ),
    ("furniture", "Image copyright", "Image copyright rules kept the council's old photographs out of the archive."),
    ("related", "Learn more", "Learn more about the bridge plan at the library, the mayor urged residents."),
    (
        "newsletter",
        "Get Tram Weekly delivered to your door every week, six issues for £9.",
        "Get the parcels delivered to the town hall by Friday, the clerk told the couriers.",
    ),
    (
        "newsletter",
        "There's more where that came from. Subscribe to the Morning Bridge newsletter.",
        "There's more where that came from, the mayor said of the bridge money.",
    ),
    ("comments", "Tell us what you think!", "Tell us what you think about the bridge, the mayor urged residents."),
    ("furniture", "Updated at 4:05 p.m.", "Updated at last, the timetable now shows the night trams."),
    (
        "caption",
        "Tram passengers wait on the platform. JaneRoe/Shutterstock.com",
        "Shutterstock.com said it would license the tram pictures to the city free of charge.",
    ),
    (
        "agency",
        "Associated Press writers Jane Roe and John Doe contributed to this report.",
        "Two engineers contributed to this year's bridge inspection, the council said.",
    ),
    (
        "agency",
        "(Reporting by Jane Roe in Oslo; additional reporting by Ann Poe and Tim Low; Editing by John Doe)",
        "Reporting by the station showed that the tram contract cost twice the estimate.",
    ),
    (
        "agency",
        "Additional reporting by Joseph Hale",
        "Additional reporting by our correspondents in Oslo confirmed the council's figures.",
    ),
    (
        "related",
        "More AP soccer: https://apnews.com/hub/soccer",
        "More AP coverage of the bridge vote will follow on Tuesday, the editor said.",
    ),
    (
        "share",
        "Order Reprints | Print Article | Text size",
        "Reprints of the bridge photographs sold out within a day.",
    ),
    (
        "furniture",
        "Listen: https://example.com/podcast/ep12",
        "Listen to the residents first, the mayor told the engineers.",
    ),
    (
        "furniture",
        "[button link=”https://example.com/tickets/”]Buy tickets[/button]",
        "The button on the new tram ticket machine confused many riders on the first day.",
    ),
    (
        "furniture",
        "Permalink: https://example.com/p/4711",
        "Permalink structures confused the council's web team for weeks, the clerk said.",
    ),
    (
        "related",
        "Follow AP's full coverage of Brexit at https://apnews.com/Brexit",
        "Follow-up coverage of the vote will continue next week, the station said.",
    ),
]


def clean_with_last(cleaner: Cleaner, line: str):  # type: ignore[no-untyped-def]
    text = "\n\n".join(["Council passes budget after long night", *BODY, line])
    return cleaner.clean(RawArticle(source_file="case.txt", text=text))


@pytest.mark.parametrize(("category", "must_go", "must_survive"), CASES)
def test_noise_line_goes_real_sentence_survives(
    cleaner: Cleaner, category: str, must_go: str, must_survive: str
) -> None:
    noisy = clean_with_last(cleaner, must_go)
    assert [p.text for p in noisy.paragraphs] == BODY
    assert [r.category for r in noisy.removed] == [category]

    real = clean_with_last(cleaner, must_survive)
    assert [p.text for p in real.paragraphs] == [*BODY, must_survive]
    assert real.removed == []


def test_caption_rule_keeps_caption_as_structured_data(cleaner: Cleaner) -> None:
    line = "Firefighters work at the scene in Lyon, France, Tuesday, June 4, 2024. (AP Photo/Claire Martin)"
    article = clean_with_last(cleaner, line)
    assert [(c.text, c.credit) for c in article.captions] == [(line, "Claire Martin")]


def test_copyright_span_is_cut_from_last_paragraph_rest_kept(cleaner: Cleaner) -> None:
    last = "The vote is final. Copyright 2024 The Associated Press. All rights reserved."
    article = clean_with_last(cleaner, last)
    assert article.paragraphs[-1].text == "The vote is final."
    assert article.removed[0].rule == "agency.ap_copyright"


def test_tail_rule_does_not_fire_at_the_top(cleaner: Cleaner) -> None:
    more = [f"Paragraph {n} of the story adds detail number {n} about the budget vote." for n in range(6)]
    text = "\n\n".join(["© 2024 is the year the council chose for its bridge plan, the mayor said", *BODY, *more])
    article = cleaner.clean(RawArticle(source_file="case.txt", text=text))
    assert not [r for r in article.removed if r.category == "agency"]


def test_user_rules_file_adds_and_disables_rules(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "rules:\n"
        "  - id: mine.tip_line\n    category: furniture\n    pattern: 'Got a tip\\? Email .*'\n"
        "  - id: ad.marker\n    enabled: false\n",
        encoding="utf-8",
    )
    mine = Cleaner.from_files([extra])
    article = clean_with_last(mine, "Got a tip? Email tips@example.org")
    assert [r.rule for r in article.removed] == ["mine.tip_line"]
    assert clean_with_last(mine, "Advertisement").paragraphs[-1].text == "Advertisement"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("rules:\n  - category: ad\n    pattern: x\n", "every rule needs an id"),
        ("rules:\n  - id: a\n    category: ad\n    pattern: '('\n", "bad pattern"),
        ("rules:\n  - id: a\n    category: ad\n    pattern: x\n    scope: page\n", "scope must be"),
        ("rules:\n  - id: a\n    category: ad\n    pattern: x\n    where: middle\n", "where must be"),
        ("rules:\n  - id: a\n    pattern: x\n", "needs a category"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_bad_rules_file_names_file_and_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message) as info:
        load_rules([path])
    assert str(path) in str(info.value)


def test_every_shipped_rule_has_id_category_and_known_scope() -> None:
    rules = load_rules().rules
    assert len({r.id for r in rules}) == len(rules)
    assert {r.category for r in rules} >= {"caption", "agency", "newsletter", "share", "related", "ad", "comments"}


LONG = [
    "The city council approved next year's budget at 4 a.m. on Wednesday after a session that lasted more than "
    "eleven hours and ended with a narrow vote of nineteen to seventeen.",
    "The budget cuts evening opening at three libraries and moves the money to repairs on two bridges that failed "
    "their inspections in the spring, the finance committee said.",
]


def test_comment_heading_after_the_article_removes_the_thread(cleaner: Cleaner) -> None:
    thread = ["Comments", "Karl", "About time they fixed the bridges.", "Mila", "Typical council."]
    article = cleaner.clean(RawArticle(source_file="c.txt", text="\n\n".join([*LONG, *thread])))
    assert [p.text for p in article.paragraphs] == LONG
    assert {r.rule for r in article.removed} == {"comments.heading"}


def test_comment_count_under_the_byline_cuts_nothing(cleaner: Cleaner) -> None:
    article = cleaner.clean(RawArticle(source_file="c.txt", text="\n\n".join(["By Jane Roe", "12 Comments", *LONG])))
    assert [p.text for p in article.paragraphs] == LONG


def test_related_heading_takes_its_link_list_not_the_prose_after(cleaner: Cleaner) -> None:
    links = ["Related stories", "Bridge repairs delayed again", "Bus fares to rise in January"]
    article = cleaner.clean(RawArticle(source_file="c.txt", text="\n\n".join([LONG[0], *links, LONG[1]])))
    assert [p.text for p in article.paragraphs] == LONG
    assert [r.rule for r in article.removed] == ["related.section_heading"] * 3


def test_wordpress_comment_heading_ends_the_article(cleaner: Cleaner) -> None:
    text = "\n\n".join([*LONG, "6 thoughts on “How the council saved its bridges”", "Karl", "Great read."])
    article = cleaner.clean(RawArticle(source_file="c.txt", text=text))
    assert [p.text for p in article.paragraphs] == LONG


NEWS = [
    "The port authority said on Tuesday that the new crane would arrive in March.",
    "It will double the number of containers the terminal can unload in a day.",
    "Dock workers welcomed the news but asked for more training on the new equipment.",
    "The crane was built in Finland and will travel by barge for the last part of its trip.",
]


def test_comment_count_before_ordinary_news_paragraphs_ends_nothing(cleaner: Cleaner) -> None:
    # A "12 Comments" link after the lead, then normal short news paragraphs: no thread follows.
    article = cleaner.clean(RawArticle(source_file="c.txt", text="\n\n".join([LONG[0], "12 Comments", *NEWS])))
    assert [p.text for p in article.paragraphs] == [LONG[0], *NEWS]
    assert [r.rule for r in article.removed] == ["comments.count"]


def test_comment_count_before_a_thread_ends_it_and_footers_keep_their_own_rules(cleaner: Cleaner) -> None:
    thread = [
        "12 Comments",
        "Karl Berg",
        "3 hours ago",
        "About time they fixed the bridges.",
        "Reply",
        "Advertisement",
        "Mila",
        "Typical council.",
        "© 2024 Example Daily News Ltd",
    ]
    article = cleaner.clean(RawArticle(source_file="c.txt", text="\n\n".join([*LONG, *thread])))
    assert [p.text for p in article.paragraphs] == LONG
    credited = {r.text: r.rule for r in article.removed}
    assert credited["Karl Berg"] == credited["Typical council."] == "comments.count"
    assert credited["Advertisement"] == "ad.marker"
    assert credited["© 2024 Example Daily News Ltd"] == "agency.copyright_line"


def test_comment_count_before_timestamped_live_updates_ends_nothing(cleaner: Cleaner) -> None:
    updates = ["14:05", "The crane has left the harbour in Turku.", "13:40", "Loading is complete."]
    article = cleaner.clean(RawArticle(source_file="c.txt", text="\n\n".join([LONG[0], "12 Comments", *updates])))
    assert [p.text for p in article.paragraphs] == [LONG[0], *updates]


def test_a_credit_at_the_end_of_a_caption_paragraph_is_cut(cleaner: Cleaner) -> None:
    for last, credit in [
        ("The old bridge at dawn on Tuesday. | © Example Agency/Jane Roe", "| © Example Agency/Jane Roe"),
        ("The old bridge at dawn on Tuesday, photo: Example Agency", ", photo: Example Agency"),
    ]:
        article = clean_with_last(cleaner, last)
        assert article.paragraphs[-1].text.rstrip(".") == "The old bridge at dawn on Tuesday"
        assert [(r.category, r.text, r.scope) for r in article.removed] == [("caption", credit, "span")]


def test_a_php_warning_printed_into_a_paragraph_is_cut_and_the_sentence_kept(cleaner: Cleaner) -> None:
    sentence = "The mayor said the bridge would reopen in June after the repairs."
    warning = "Notice: Trying to access array offset on value of type null in /srv/www/lib/menu.php on line 88"
    article = clean_with_last(cleaner, f"{warning} {sentence}")
    assert [p.text for p in article.paragraphs][-1] == sentence
    assert [r.rule for r in article.removed] == ["furniture.php_warning"]
