-- 11: one index of cases by order instead of three. Each index is a page written at every
-- new case, wherever its order falls. The unique one of an order's Idempotency-Keys covers
-- every case (a case without a key is a NULL there, and NULLs never collide), so it serves
-- every look-up by order too: an order's open cases are counted from its few rows.
DROP INDEX cases_by_order;
DROP INDEX cases_by_order_kind;
DROP INDEX cases_by_idempotency_key;
CREATE UNIQUE INDEX cases_by_order ON cases(order_number, idempotency_key);
