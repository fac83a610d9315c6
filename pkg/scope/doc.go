// Package scope loads the networks a security team serves (a scopes file:
// named scopes of CIDRs, ASNs, organisation names, domains and countries)
// and says which scopes a service belongs to.
//
// It sits beside the report stage, on services already in the store, and
// before collection, on catalog queries:
//
//	scopes.yaml → scope.Load → *Set
//	  store services → Set.Match / Set.Contains → report, diff, trend, export, brief of one scope
//	  Scope.Narrowing → source/shodan.Narrow, source/censys.Narrow → a collection of one scope's networks
//
// # The file
//
// A YAML mapping with one key, scopes, a list of scopes. Each scope has a
// name (used as a directory name: letters, digits, '.', '_', '-', starting
// with a letter or digit, at most 64 bytes, not a Windows device name) and
// at least one selector: cidrs, asns, orgs, domains, countries. contacts
// (email addresses) and notes are optional and travel into the briefings.
// Load reports every problem of a file at once, each as file:line:
// message, in an [*Invalid] error; problems that do not make the file
// wrong (a value listed twice, a network inside another of the same
// scope) are [Set.Warnings].
//
// # Matching
//
// A service is in a scope when any selector matches one of its facts
// ([Facts]):
//
//   - cidrs: the address is in the network. IPv4 and IPv6; an IPv4-mapped
//     IPv6 address is matched as the IPv4 address. A network written with
//     host bits set (203.0.113.5/24) is an error, not silently widened to
//     the whole /24: a scope that claims a neighbour's addresses would send
//     their exposures to the wrong team. A bare address is a /32 or /128.
//   - asns: the engine's autonomous system number ("AS64500" or 64500).
//   - orgs: the engine's organisation name, equal after trimming, Unicode
//     NFC normalisation and full case folding ("ACME Corp" = "acme corp";
//     "STRASSE AG" = "Straße AG").
//   - domains: a hostname or TLS name equal to the domain or under it
//     (api.acme.example is under acme.example; notacme.example is not),
//     ignoring case and a trailing dot; a wildcard name *.acme.example
//     counts as under it. Internationalised names are compared in their
//     IDNA ASCII form (bücher.example = xn--bcher-kva.example), whichever
//     form the file or the engine uses.
//   - countries: the ISO 3166-1 alpha-2 code of the engine's geolocation,
//     ignoring case. XK (Kosovo, user-assigned but used by geolocation
//     databases) is accepted; UK is not (it is GB).
//
// Matching uses one prefix table for the networks of every scope
// (github.com/gaissmai/bart) in which each network carries the scopes of
// every network that contains it, so one longest-prefix lookup answers
// for nested and overlapping scopes, and maps for the other selectors (a
// hostname is looked up once per dot). Its cost does not grow with the
// number of networks.
package scope
