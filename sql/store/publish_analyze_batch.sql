-- Fresh statistics of batch_id once the batch's rows are written. Before them the planner saw
-- none of this batch's rows, so it priced `batch_id = <this batch>` at about one row and joined
-- the batch's articles to their deliveries by a nested loop over every row of the batch: after a
-- first batch of 100,000 articles, the report of a second one ran past 10 minutes on one query
-- (report_other_versions). The publish's later phases and the report filter on batch_id. One
-- column each: statistics of the bodies and full-text vectors would cost far more and help no plan.
ANALYZE articles (batch_id);
ANALYZE article_deliveries (batch_id);
