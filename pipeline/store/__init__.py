"""PostgreSQL: the connection (db), the migrations runner, named queries, and a batch's database side —
the ledger, staging, line statistics, clusters, the publish, quarantine decisions. Every SQL statement
lives in sql/. May import: pipeline.core, pipeline.ingest, pipeline.clean, pipeline.corpus."""
