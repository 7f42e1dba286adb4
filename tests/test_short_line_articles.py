"""Articles made of short lines are articles, not page dumps: a recipe, a list article, a Q&A
interview and a live blog of short updates all come through whole (invented texts)."""

from __future__ import annotations

import pytest

from pipeline.clean.dump.region import many_short_lines
from pipeline.core.settings import SHIPPED

RECIPE = """Plum and almond traybake
A soft sponge with sharp plums, the cake our neighbour brings to every street party in September.
Ingredients
250 g plain flour
200 g butter, softened
180 g caster sugar
4 eggs
100 g ground almonds
2 tsp baking powder
1 pinch of salt
8 ripe plums, halved
2 tbsp flaked almonds
icing sugar to dust
Method
Heat the oven to 180C and line a shallow tin of about 30 by 20 centimetres with baking paper.
Beat the butter and sugar until pale, then add the eggs one at a time with a spoon of the flour.
Fold in the rest of the flour, the ground almonds, the baking powder and the salt.
Spread the batter in the tin and press the plum halves into it, cut side up.
Scatter the flaked almonds over the top.
Bake for 40 minutes, until a skewer comes out clean.
Leave to cool in the tin.
Dust with icing sugar.
Serves
12
Preparation
20 minutes
Baking
40 minutes
Tip
Apricots work just as well in June.
Greengages too.
Keeps three days in a tin.
"""

LIST_ARTICLE = """Seven river towns worth a slow weekend
Our readers sent us more than four hundred suggestions; these are the seven we kept coming back to.
1. Marbeck
A market town with a covered bridge and a ferry that still runs on a rope.
2. Olsted
Come for the mill museum.
Stay for the bakery.
3. Tarrow Ford
Walks along the water meadows start at the station.
4. Kelling
Small, quiet, and home to the oldest rowing club in the county.
5. Brisham
The Saturday fish market opens at six.
6. Wenmouth
Two pubs, one church, a long beach of pebbles.
7. Aldergate
Its canal basin was restored last year with money raised by the townspeople themselves.
How we chose
Readers voted.
Editors visited.
We paid for every night ourselves.
Getting there
By train
By bus
By bike
Prices
From 60 euros a night
Best time
May to September
Next week
Seven hill villages
"""

INTERVIEW = """“We were never short of volunteers”
The head of the town's flood wardens talks about ten years of sandbags, sirens and night shifts.
How did it start?
A neighbour and I knocked on doors after the 2014 flood.
And now?
Now there are sixty of us, with radios and a van the council paid for.
Why volunteers?
Because we live here.
Is it enough?
No.
What is missing?
Pumps, mostly, and a second van for the lower town, where the water comes first.
Who pays?
The council, the insurers and a bake sale every spring.
A bake sale?
It raised nine thousand euros last year.
Do you sleep?
When it is dry.
What would you tell a new warden?
Learn the streets.
Learn the drains.
Learn the names.
Your worst night?
March 2019, when the wall at the mill gave way and we moved forty people in an hour.
And the best?
The night after, when every one of them was safe.
Will you stay on?
One more year.
Then?
Someone younger.
Thank you.
Thank you.
"""

LIVE_BLOG = """Storm Hilde: live updates
Power cuts, fallen trees and closed roads across the region as the storm moves north.
18:42
Trains resume between Aldby and Fenwick.
18:30
The mayor thanks the fire service.
18:05
Wind easing on the coast.
17:50
Ferry crossings cancelled until morning, the port authority says.
17:31
Bridge reopened.
17:12
Schools will open as normal tomorrow.
16:58
Power back for 3,000 homes.
16:40
A tree blocks the ring road near the hospital.
16:21
Gusts of 110 km/h measured at the lighthouse.
16:02
Council opens two shelters.
15:47
No injuries reported so far.
15:30
Police ask drivers to stay home.
15:15
Storm reaches the coast.
15:00
Good afternoon and welcome to our live coverage.
"""


@pytest.mark.parametrize("text", [RECIPE, LIST_ARTICLE, INTERVIEW, LIVE_BLOG], ids=["recipe", "list", "qa", "live"])
def test_short_line_article_comes_through_whole(clean_text, text: str) -> None:  # type: ignore[no-untyped-def]
    lines = [line for line in text.splitlines() if line.strip()]
    assert many_short_lines(lines, SHIPPED.page_dump)  # the screen alone would take it for a page dump
    article = clean_text(text)
    assert not article.page_dump
    body = [p.text for p in article.paragraphs]
    assert not [r for r in article.removed if r.category == "page"]
    assert body == lines[len(lines) - len(body) :]  # nothing but header lines left the body
    assert len(body) >= len(lines) - 2  # at most the headline and the dek went to fields
