-- A CRM read: one customer's row (80% of transactions).
\set aid random(1, 100000 * :scale)
SELECT aid, bid, abalance, filler FROM pgbench_accounts WHERE aid = :aid;
