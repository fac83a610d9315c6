// Package censys is orchex's Censys adapter: decoders for Platform API v3
// and legacy Search API v2 host records (one [model.Observation] per
// service), and the HTTP clients that fetch them.
//
//	catalog query → source.Pager → Client.Fetch (v3) | V2Client.Fetch (v2)
//	  → DecodeV3Hit / DecodeV2Host → []model.Observation + model.RawPage → ingest
//
// [Client] speaks the Platform API v3 (bearer personal access token,
// ?organization_id=): search pages until next_page_token is empty, counts
// and statistics from the aggregate endpoint, and splits a query whose
// total exceeds the 100-page depth cap into parts by country and
// autonomous system ([Client.Plan]); what cannot be split is collected up
// to the cap and reported by [Client.Truncations]. [V2Client] speaks the
// legacy Search API v2 (basic auth, links.next cursors, "links": {}).
// Both implement [source.Engine], [source.PageCoster] and
// [source.Finisher], and return *source.HTTPError wrapping the source
// sentinels, with what to do in the message and no secret in it.
//
// The package imports source and model only; package censystest holds
// the fake servers.
package censys
