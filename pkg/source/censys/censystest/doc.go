// Package censystest is a fake Censys API on loopback: the Platform API v3
// (search, aggregate, host view) and the legacy Search API v2 (search,
// aggregate, host view), speaking the contracts in
// ../shared/docs/censys-api.md with the real envelopes and error bodies.
//
// It sits beside the data flow, in place of the real service:
//
//	censys client (pkg/source/censys) → censystest.Server → population of raw host documents
//
// Tests, benchmarks and the demo use it. It checks credentials, pages with
// opaque tokens, enforces the 100-page depth cap, counts credits, records
// requests that arrive faster than the configured rate, and injects faults
// (429 with and without Retry-After, 5xx, slow answers, truncated bodies,
// connection resets) from a fixed seed or a fixed schedule. The core takes
// no *testing.T; it reports what it saw through [Server.Stats]. [Match]
// evaluates the catalog's queries against the population, for servers
// that should answer each query with its own hosts (the demo). The
// clauses the client adds when it splits a query, and the scope filter of
// a narrowed query (censys.Narrow: "(base) and (host.ip: ... or ...)"),
// are always evaluated, with or without Match.
package censystest
