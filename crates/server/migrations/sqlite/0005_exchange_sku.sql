-- 5: the variant an exchange asks for instead, per line.
ALTER TABLE case_lines ADD COLUMN exchange_sku TEXT;
