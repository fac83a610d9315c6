// Package censys is orchex's Censys adapter: decoders for Platform API v3
// and legacy Search API v2 host records (one [model.Observation] per
// service), and the HTTP clients that fetch them.
//
//	catalog query → source.Pager → censys client Fetch → Decode* → ingest
package censys
