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
// unknown; high confidence over low; the later observation (a panel that was
// open and is now closed was remediated, and vice versa); auth_required over
// open (a false "open" is the worst error a report can make); then the
// evidence text, so that ties are broken the same way every time.
// A service seen both open and auth_required is flagged AuthConflict and
// counted in the report's method section.
package normalize
