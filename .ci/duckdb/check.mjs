// CI check (docs/export.md): DuckDB, an engine independent of orchex,
// reads orchex's Parquet export and computes the report's headline figures
// and products table with the SQL of headline.sql and products.sql; they
// must equal what `orchex report --format json` says.
//
//   node .ci/duckdb/check.mjs services.parquet report.json
//
// Exit status 0 when every figure is equal, 1 with the differences listed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const [parquet, reportFile] = process.argv.slice(2);
if (!parquet || !reportFile) {
  console.error('usage: node check.mjs FILE.parquet REPORT.json');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const sql = (name) => readFileSync(join(here, name), 'utf8');
const report = JSON.parse(readFileSync(reportFile, 'utf8'));

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const quoted = "'" + parquet.replaceAll("'", "''") + "'";
await conn.run(`CREATE VIEW services AS SELECT * FROM read_parquet(${quoted})`);
const rows = async (name) => (await conn.runAndReadAll(sql(name))).getRowObjectsJS()
  .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

const problems = [];
const [headline] = await rows('headline.sql');
for (const [key, want] of Object.entries(report.headline)) {
  if (!(key in headline)) {
    problems.push(`headline.${key}: no SQL computes it`);
  } else if (headline[key] !== want) {
    problems.push(`headline.${key}: DuckDB ${headline[key]}, report ${want}`);
  }
}
for (const key of Object.keys(headline)) {
  if (!(key in report.headline)) problems.push(`headline.${key}: computed by SQL, absent from the report`);
}

const products = await rows('products.sql');
const want = report.by_product.filter((r) => r.services > 0);
if (products.length !== want.length) {
  problems.push(`by_product: DuckDB ${products.length} products with services, report ${want.length}`);
}
for (const [i, w] of want.entries()) {
  const g = products[i] ?? {};
  for (const key of ['product', 'services', 'hosts', 'open', 'likely_open', 'auth_required', 'unknown']) {
    if (g[key] !== w[key]) problems.push(`by_product[${i}].${key}: DuckDB ${g[key]}, report ${w[key]}`);
  }
}

if (problems.length > 0) {
  console.error(`duckdb: ${problems.length} figures differ from the report:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`duckdb: ${Object.keys(headline).length} headline figures and ${products.length} product rows ` +
  `of ${headline.services} services equal the report's`);
