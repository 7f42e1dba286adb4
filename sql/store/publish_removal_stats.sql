-- Per-source removal-ratio statistics: the retired articles out, the articles to write in.
INSERT INTO source_removal_stats AS s (source, articles, ratio_sum, ratio_squares)
SELECT coalesce(source, ''), -count(*), -sum(ratio), -sum(ratio * ratio)
FROM retired WHERE ratio IS NOT NULL GROUP BY 1 ORDER BY 1
ON CONFLICT (source) DO UPDATE SET articles = s.articles + EXCLUDED.articles,
    ratio_sum = s.ratio_sum + EXCLUDED.ratio_sum, ratio_squares = s.ratio_squares + EXCLUDED.ratio_squares;
INSERT INTO source_removal_stats AS s (source, articles, ratio_sum, ratio_squares)
SELECT coalesce(source, ''), count(*), sum(ratio), sum(ratio * ratio)
FROM to_write WHERE ratio IS NOT NULL GROUP BY 1 ORDER BY 1
ON CONFLICT (source) DO UPDATE SET articles = s.articles + EXCLUDED.articles,
    ratio_sum = s.ratio_sum + EXCLUDED.ratio_sum, ratio_squares = s.ratio_squares + EXCLUDED.ratio_squares;
DELETE FROM source_removal_stats WHERE articles <= 0;
