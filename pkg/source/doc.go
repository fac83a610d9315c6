// Package source holds what every engine adapter shares: the [Engine]
// contract, the pager that walks a query's pages under a rate limit with
// retries and resume, typed HTTP errors, and secret redaction.
//
// It sits after the catalog and before normalization:
//
//	catalog query → source.Pager → Engine.Fetch (source/shodan, source/censys)
//	  → []model.Observation + model.RawPage → ingest → store
//
// Engine packages import source and model only, never each other.
package source
