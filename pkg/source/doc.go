// Package source holds what every engine adapter shares: the [Engine]
// contract and its optional capabilities ([CapsOf]), the [Registry] of
// engines with their settings described as data ([Factory], [Setting]),
// the pager that walks a query's pages under a rate limit with retries
// and resume, typed HTTP errors, credentials as [Secret] values, and
// secret redaction. Every request goes through [Do], which guards the
// credentials: secrets are redacted from every response body, no redirect
// is followed off the engine's scheme, host and port, and credentials go
// over plain HTTP only to loopback addresses.
//
// It sits after the catalog and before normalization:
//
//	catalog query → collect → source.Pager → Engine.Fetch (source/shodan, source/censys)
//	  → []model.Observation + model.RawPage → ingest → store
//
// Engine packages import source and model only, never each other;
// source/all lists them. Errors and messages here name no flag and no
// command: the CLI adds such hints.
package source
