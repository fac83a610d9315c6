// Package shodan is orchex's Shodan adapter: the banner decoder that turns
// Shodan banners (search results, host lookups, `shodan download` files)
// into [model.Observation] values, and the REST client that fetches them.
//
//	catalog query → source.Pager → shodan.Client.Fetch → DecodeBanner → ingest
package shodan
