-- 7: the Idempotency-Key draft: what the first request with a key asked for (a hash of
-- its body, so a different body under the same key is refused), and each photo's hash as
-- uploaded (a retried upload gets the first photo back).
ALTER TABLE cases ADD COLUMN request_hash TEXT;
ALTER TABLE evidence ADD COLUMN upload_sha256 TEXT;
CREATE INDEX evidence_by_upload ON evidence(order_number, upload_sha256);
