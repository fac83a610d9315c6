// Package cloud names the hosting provider, region and service of an
// address. It is the tagging stage of the orchex data flow:
//
//	importer | source → normalize → cloud (Tagger.Tag) → store → report
//
// Three sources are consulted, in this order of precedence:
//
//  1. the providers' official IP-range feeds ([Ranges], loaded with
//     [LoadDir] from a directory of feed files such as the cache that
//     [Update] fills): AWS ip-ranges.json, GCP cloud.json, Azure
//     ServiceTags_Public, Oracle public_ip_ranges.json, the RFC 8805
//     geofeeds of DigitalOcean, Linode and Vultr, and Cloudflare's lists;
//  2. the engine's own cloud field (Shodan cloud.provider / cloud.region);
//  3. the autonomous system number, through a table of the major
//     providers' ASNs (provider only, no region).
//
// [Tagger] applies that precedence, records the source of every tag
// ("ranges:aws@2026-08-22", "engine:shodan", "asn:16509") and counts the
// cases where the sources disagree, so that a report can state them.
//
// A feed may not claim the internet: a prefix broader than [BroadestV4]
// or [BroadestV6], or a file beyond its provider's [Bounds] (size,
// prefixes, address space), fails the load like a malformed one, and a
// feed is parsed in bounded memory.
//
// Lookups use a longest-prefix-match table (github.com/gaissmai/bart) built
// once; a [Ranges] is immutable after loading and safe for concurrent use.
// The region tables ([RegionCountry], [USRegion], [EURegion]) let a report
// group any provider's regions by country and continent.
//
// The package holds no package-level mutable state and does no network I/O
// except in [Update], which the CLI calls for `orchex ranges update`.
package cloud
