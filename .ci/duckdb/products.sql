-- The report's products table (by_product) from the Parquet export:
-- services, hosts and verdicts per product, most services first.
SELECT
  product,
  count(*)                                       AS services,
  count(DISTINCT address)                        AS hosts,
  count(*) FILTER (WHERE auth = 'open')          AS open,
  count(*) FILTER (WHERE auth = 'likely_open')   AS likely_open,
  count(*) FILTER (WHERE auth = 'auth_required') AS auth_required,
  count(*) FILTER (WHERE auth = 'unknown')       AS unknown
FROM services
GROUP BY product
ORDER BY services DESC, product;
