-- 11: cases_by_order_kind (order_number, kind, status) answers every look-up by order alone
-- too; the narrower index only cost each new case one more page written.
DROP INDEX cases_by_order;
