-- 3: how to reach the shopper, and the request's idempotency key with the receipt it got,
-- so a repeated submission is answered with the first case.
ALTER TABLE cases ADD COLUMN contact_email TEXT;
ALTER TABLE cases ADD COLUMN contact_phone TEXT;
ALTER TABLE cases ADD COLUMN contact_channel TEXT;
ALTER TABLE cases ADD COLUMN idempotency_key TEXT;
ALTER TABLE cases ADD COLUMN receipt_json TEXT;
CREATE UNIQUE INDEX cases_by_idempotency_key ON cases(order_number, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
