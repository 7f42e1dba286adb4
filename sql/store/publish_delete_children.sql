-- Children of the retired articles (deleted articles' children cascade; rewritten ones keep their id).
DELETE FROM paragraphs WHERE article_id IN (SELECT article_id FROM retired);
DELETE FROM captions WHERE article_id IN (SELECT article_id FROM retired);
DELETE FROM removals WHERE article_id IN (SELECT article_id FROM retired);
