// Package eoltest is a fake endoflife.date API v1 for tests: it serves
// release data as `GET /api/v1/products/<product>/` answers on 127.0.0.1,
// in the API's shape (envelope schema_version, generated_at,
// last_modified, result; releases with name, label, releaseDate,
// isLts/ltsFrom, isEol/eolFrom, isEoes/eoesFrom, isMaintained, latest,
// custom), so that `orchex eol update` can be tested without the network.
package eoltest
