-- 2: only cases that take units off a line hold a claim (core's CaseKind::claims_units): a
-- question or complaint naming an item, or a repair, never blocked its return.
UPDATE cases SET holds_claim = 0 WHERE kind IN ('repair', 'question', 'complaint');
