// Package normalize turns classified observations into services and merges
// services that share an identity.
//
// It sits between the engine adapters and the store:
//
//	source/{shodan,censys} | importer → [model.Observation]
//	  → catalog.Classify → normalize.Service (+ cloud tag) → normalize.Merge → store
//
// Merge is commutative and associative, so the merged service does not
// depend on the order in which pages, files or engines arrive: the same
// inputs give the same snapshot whatever the scheduling.
//
// # Auth precedence
//
// When observations of one service disagree, the auth verdict kept is the
// greatest by, in order: a definite verdict (open or auth_required) over
// an inference from defaults (likely_open) over unknown; high confidence
// over low; the later observation (a panel that was open and is now
// closed was remediated, and vice versa); auth_required over open (a
// false "open" is the worst error a report can make); then the evidence
// text, so that ties are broken the same way every time. So proof of open
// access and proof of a demand for credentials both beat "likely open",
// and "likely open" beats a banner that says nothing: an inference is more
// than no information, but never more than evidence.
// A service seen both open and auth_required is flagged AuthConflict and
// counted in the report's method section; likely_open against
// auth_required is no conflict (an inference proves nothing).
//
// # Versions, families, honeypots
//
// The version kept for one product is the greatest as versions
// (internal/version: "v1.28.3" beats "v1.9.0"), whatever the order. The
// family follows the product. Honeypot reasons are a union: a service
// flagged by any engine stays flagged. ManyFamilies is orchex's own
// honeypot rule over a host's products, which the store applies to every
// host it writes.
package normalize
