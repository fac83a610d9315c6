// Package catalog loads the product catalog (queries/*.yaml) and
// classifies observations with it.
//
// It sits at the head of the data flow and again at its middle:
//
//	queries/*.yaml → catalog.Load → queries for source/{shodan,censys}
//	[model.Observation] → Catalog.Classify → normalize.Service → store
//
// A catalog entry names a product (Kubernetes API server, Portainer, ...),
// the Shodan, Censys Platform (CenQL) and Censys legacy v2 queries that find
// it, product rules that recognise it in a banner, an optional version
// extraction and auth rules that say whether the banner proves open access,
// proves that credentials are demanded, suggests open access from the
// product's defaults only (likely_open), or shows neither. Rules that rest
// on a page's words exclude look-alike pages (http.lookalike: blogs,
// documentation, code hosts, search results). Rules are
// declarative matchers over the normalized fields of [model.Observation],
// compiled once at load; [Catalog.Classify] allocates nothing for an
// observation no product matches, as it runs once per imported record.
//
// The catalog grows by data alone: product families are declared in the
// catalog files ([Catalog.Families]), no two products share a priority (so
// the product that names an observation two products match is written
// down), and every product carries examples, observations with the
// classification expected, which Load runs against the whole catalog.
//
// Every problem in a catalog file is reported with its file and line
// ([Check], [Error]), a failing example included. The rule language, the
// precedence between products and between auth rules, the example format
// and the reasons behind each product's rules are documented in
// docs/catalog.md; the rules cite docs/fingerprints.md.
package catalog
