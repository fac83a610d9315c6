// Package shodantest is a fake Shodan REST API on loopback that speaks the
// real contract (docs: ../shared/docs/shodan-api.md): the key query
// parameter, /api-info, /shodan/host/count with facets, and
// /shodan/host/search in pages of 100 with credit accounting and the real
// error shapes. It records a violation whenever requests arrive faster
// than the configured rate, and injects faults (429 with and without
// Retry-After, 503, slow responses, truncated bodies, connection resets,
// error JSON with status 200) either queued one by one or drawn at random
// from a fixed seed. A narrowing filter at the end of a query
// (shodan.Narrow: net:, asn:, org:, hostname:, country:) is evaluated
// against the banners of the base query, as Shodan would.
//
// It sits in place of api.shodan.io under source/shodan's client, for the
// tests, the conformance suite (source/sourcetest) and `orchex demo`; it
// does not depend on package testing.
package shodantest
