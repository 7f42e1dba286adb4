"""PostgreSQL side of a batch: the ledger, staging in the database, line statistics, clusters,
the publish, quarantine decisions. Every SQL statement lives in sql/store/<name>.sql."""
