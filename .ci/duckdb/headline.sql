-- The report's headline figures (docs/figures.md) from orchex's Parquet
-- export, in DuckDB SQL. Run after: CREATE VIEW services AS
-- SELECT * FROM read_parquet('services.parquet');
WITH h AS (
  SELECT
    count(*)                                                      AS services,
    count(DISTINCT address)                                       AS hosts,
    count(*) FILTER (WHERE auth = 'open')                         AS open,
    count(*) FILTER (WHERE auth = 'auth_required')                AS auth_required,
    count(*) FILTER (WHERE auth = 'unknown')                      AS unknown,
    count(*) FILTER (WHERE auth = 'likely_open')                  AS likely_open,
    count(*) FILTER (WHERE lower(family) = 'kubernetes' AND auth = 'open') AS kubernetes_open,
    count(*) FILTER (WHERE lower(family) = 'kubernetes' AND auth = 'likely_open') AS kubernetes_likely_open,
    count(*) FILTER (WHERE lower(family) = 'kubernetes')          AS kubernetes_services,
    count(*) FILTER (WHERE provider = 'aws')                      AS aws_services,
    count(*) FILTER (WHERE provider = 'aws' AND us_region)        AS aws_us_services
  FROM services
)
SELECT
  *,
  coalesce(aws_services / nullif(services, 0), 0)        AS aws_share,
  coalesce(aws_us_services / nullif(aws_services, 0), 0) AS aws_us_share,
  coalesce(kubernetes_services / nullif(services, 0), 0) AS kubernetes_share,
  coalesce(open / nullif(services, 0), 0)                AS open_share,
  coalesce(likely_open / nullif(services, 0), 0)         AS likely_open_share
FROM h;
