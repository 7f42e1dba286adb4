-- `newsclean reprocess --batch ID`: the batch, when the ledger has it.
SELECT batch_id FROM batches WHERE batch_id = :b;
