-- 8: claimed units kept per order line, not summed over every case at each lookup. A claim is
-- one conditional UPDATE of its line inside the case's transaction (`claimed + n <= quantity`),
-- so two server processes on one database cannot both take the last unit, and a lookup reads
-- one row per line however many cases the order has.
ALTER TABLE order_lines ADD COLUMN quantity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
UPDATE order_lines SET quantity = COALESCE(json_extract(line_json, '$.quantity'), 0);
UPDATE order_lines SET claimed =
    COALESCE((SELECT SUM(cl.quantity) FROM case_lines cl JOIN cases c ON c.id = cl.case_id
              WHERE c.order_number = order_lines.order_number AND cl.line_id = order_lines.line_id
                AND c.holds_claim = 1), 0)
  + COALESCE((SELECT SUM(wl.quantity) FROM withdrawal_lines wl
              JOIN withdrawals w ON w.id = wl.withdrawal_id
              WHERE w.order_number = order_lines.order_number AND wl.line_id = order_lines.line_id), 0);
UPDATE order_lines SET claimed = quantity WHERE claimed > quantity;
-- Open cases are counted per order and type (the open-case limit).
CREATE INDEX cases_by_order_kind ON cases(order_number, kind, status);
