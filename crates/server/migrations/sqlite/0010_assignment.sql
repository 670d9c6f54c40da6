-- 10: who handles a case. A merchant assigns by hand, or sets a rule per case type: the staff
-- of the rule take new cases of that type in turn (round-robin), assigned in the case's own
-- transaction.
ALTER TABLE cases ADD COLUMN assignee TEXT;
CREATE INDEX cases_by_assignee ON cases(assignee);
CREATE TABLE assignment_rules (
    kind       TEXT PRIMARY KEY,
    staff_json TEXT NOT NULL,
    next_turn  INTEGER NOT NULL DEFAULT 0
);
