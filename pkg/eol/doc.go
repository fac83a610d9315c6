// Package eol judges whether exposed services run a release that still
// gets security fixes. It sits beside the report stage of the orchex data
// flow:
//
//	store (services, versions) → eol (Tally) → report (Support status)
//
// Release data ([Data]) are the endoflife.date calendars of the products
// orchex sees: Kubernetes, Amazon EKS, Azure AKS, Google GKE, Docker
// Engine, etcd, Rancher, OpenShift, Nomad, Kong Gateway and Argo CD. A
// snapshot of them is compiled in ([Embedded], the file calendars.json,
// derived by [Generate] from the pages in ../shared/data/eol, with their
// MIT licence, repository and commit); [Update] downloads the current
// ones from the endoflife.date API into a directory that [LoadDir] reads.
//
// [Rules] map each catalog product to the calendar that judges its
// versions (docs/support.md gives the reasons): a Kubernetes API server's
// gitVersion is judged by its managed provider's calendar when it names
// one ("-eks-", "-gke.", an AKS host name) and by upstream Kubernetes
// otherwise; an OpenShift API server's Kubernetes version is translated to
// the OpenShift release built on it; a product with no page (Portainer,
// Swarmpit, Mesos, Marathon) has no calendar and is never counted as
// supported.
//
// [Data.Judge] finds the longest cycle whose numbers begin the version
// ("26.1" for Docker 26.1.3, "1.29" for v1.29.8, never "1.2") and says
// whether its end of support is on or before the as-of day: the day of the
// snapshot's newest observation, so a report of an old quarter never
// changes when the data is updated. [Tally] sums the verdicts per product
// into the figures a report formats ([Support]).
//
// The package holds no package-level mutable state and does no network I/O
// except in [Update].
package eol
