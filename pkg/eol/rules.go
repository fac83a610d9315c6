package eol

import (
	"slices"
	"strconv"
	"strings"
)

// The endoflife.date products whose calendars judge orchex's services.
const (
	CalKubernetes = "kubernetes"
	CalEKS        = "amazon-eks"
	CalAKS        = "azure-kubernetes-service"
	CalGKE        = "google-kubernetes-engine"
	CalDocker     = "docker-engine"
	CalEtcd       = "etcd"
	CalRancher    = "rancher"
	CalOpenShift  = "red-hat-openshift"
	CalNomad      = "nomad"
	CalKong       = "kong-gateway"
	CalArgoCD     = "argo-cd"
)

// Reading names how a product's version is read against its calendar.
type Reading string

// The readings.
const (
	// ReadPlain: the version's cycle in the rule's calendar.
	ReadPlain Reading = "plain"
	// ReadKubernetes: a Kubernetes gitVersion; a managed provider's
	// version ("-eks-", "-gke.", an AKS host name) is judged by that
	// provider's calendar, any other build by upstream Kubernetes.
	ReadKubernetes Reading = "kubernetes"
	// ReadOpenShiftAPI: the Kubernetes gitVersion of an OpenShift API
	// server, translated to the OpenShift release built on it.
	ReadOpenShiftAPI Reading = "openshift-api"
	// ReadKong: Kong Gateway; a four-number version is Kong Enterprise,
	// judged by the end of enterprise support.
	ReadKong Reading = "kong"
)

// Rule says which calendar judges the versions of one catalog product,
// and why (docs/support.md gives the reasons in full).
type Rule struct {
	Product  string  // catalog product id (queries/*.yaml)
	Calendar string  // endoflife.date product; "" when there is no support calendar
	Reading  Reading // how the version is read; "" when Calendar is ""
	Why      string  // one line for listings
}

// Rules returns the rule of every catalog product, sorted by product id.
// A product that is not listed has no support calendar.
func Rules() []Rule {
	t := ruleTable()
	return t[:]
}

// ruleTable is the rules as an array, which RuleFor searches on the stack
// (a report asks for a rule per service it reads).
func ruleTable() [18]Rule {
	return [...]Rule{
		{"argocd", CalArgoCD, ReadPlain, "/api/version states the Argo CD release"},
		{"docker-engine", CalDocker, ReadPlain, "the Engine API states the Docker Engine release"},
		{"docker-swarm", CalDocker, ReadPlain, "a swarm manager is a Docker Engine; its version is the Engine's"},
		{"etcd", CalEtcd, ReadPlain, "/version states the etcd server release"},
		{"kong-admin", CalKong, ReadKong, "the Admin API states the Kong Gateway release; four numbers are Kong Enterprise"},
		{"kubelet", CalKubernetes, ReadKubernetes, "a kubelet reports its Kubernetes gitVersion; managed builds by their provider"},
		{"kubernetes-api", CalKubernetes, ReadKubernetes, "/version states the Kubernetes gitVersion; managed builds by their provider"},
		{"kubernetes-dashboard", "", "", "the Dashboard has its own releases and no support calendar"},
		{"kubernetes-healthz", CalKubernetes, ReadKubernetes, "a Kubernetes component; any version is a Kubernetes gitVersion"},
		{"marathon", "", "", "Marathon is retired and has no support calendar"},
		{"mesos-master", "", "", "Apache Mesos is retired and has no support calendar"},
		{"nomad", CalNomad, ReadPlain, "the Nomad agent's release"},
		{"openshift-api", CalOpenShift, ReadOpenShiftAPI, "reports a Kubernetes gitVersion, translated to the OpenShift release built on it"},
		{"openshift-console", CalOpenShift, ReadPlain, "the console page states the OpenShift release (releaseVersion)"},
		{"portainer", "", "", "Portainer has no support calendar"},
		{"rancher", CalRancher, ReadPlain, "X-Rancher-Version states the Rancher release"},
		{"swagger-ui", "", "", "Swagger UI is a documentation page; its version says nothing of the API behind it"},
		{"swarmpit", "", "", "Swarmpit has no support calendar"},
	}
}

// RuleFor returns the rule of a catalog product; false when it has none
// (it is then treated as having no support calendar).
func RuleFor(product string) (Rule, bool) {
	t := ruleTable()
	rules := t[:]
	i, ok := slices.BinarySearchFunc(rules, product, func(r Rule, p string) int { return strings.Compare(r.Product, p) })
	if !ok {
		return Rule{}, false
	}
	return rules[i], true
}

// CalendarIDs returns the endoflife.date products the rules can use,
// sorted: the rules' calendars and the managed-Kubernetes providers'.
func CalendarIDs() []string {
	ids := []string{CalEKS, CalAKS, CalGKE}
	for _, r := range Rules() {
		if r.Calendar != "" {
			ids = append(ids, r.Calendar)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// OpenShiftFor returns the OpenShift 4 release ("4.14") built on
// Kubernetes 1.minor, from Red Hat's release notes ("OpenShift Container
// Platform 4.14 ... is based on Kubernetes 1.27"), or false when the table
// does not know it. OpenShift 4.3 skipped Kubernetes 1.15.
func OpenShiftFor(minor int) (string, bool) {
	table := [...]struct{ kube, ocp int }{
		{13, 1}, {14, 2}, {16, 3}, {17, 4}, {18, 5}, {19, 6}, {20, 7}, {21, 8}, {22, 9}, {23, 10},
		{24, 11}, {25, 12}, {26, 13}, {27, 14}, {28, 15}, {29, 16}, {30, 17}, {31, 18}, {32, 19}, {33, 20},
	}
	for _, e := range table {
		if e.kube == minor {
			return "4." + strconv.Itoa(e.ocp), true
		}
	}
	return "", false
}

// AKSZone is the DNS zone of every AKS API server's name
// (<dns-prefix>-<hash>.hcp.<region>.azmk8s.io, privatelink.<region>.azmk8s.io):
// a store can look for it in host names before [IsAKS] decides.
const AKSZone = "azmk8s.io"

// aksSuffix is AKSZone as a name's suffix.
const aksSuffix = "." + AKSZone

// IsAKS reports whether one of names is in the AKS API servers' zone
// (case and a trailing dot ignored).
func IsAKS(names []string) bool { return isAKS(names) }

// NamesMatter reports whether a service's host names can change the
// verdict on its version: a Kubernetes version of a product read as
// Kubernetes, with no provider suffix ("-eks-", "-gke."), is judged by
// the AKS calendar when a name is in AKSZone. A caller that counts
// services without their names (a report from the store's service
// groups) needs the names of these services only.
func NamesMatter(product, version string) bool {
	r, ok := RuleFor(product)
	if !ok || r.Reading != ReadKubernetes || strings.TrimSpace(version) == "" {
		return false
	}
	v, ok := ParseVersion(version)
	if !ok {
		return false
	}
	rest := strings.ToLower(v.Rest)
	return !strings.Contains(rest, "-eks-") && !strings.Contains(rest, "-gke.")
}

// isAKS reports whether one of names is in the AKS API servers' zone.
func isAKS(names []string) bool {
	for _, n := range names {
		n = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n)), ".")
		if strings.HasSuffix(n, aksSuffix) {
			return true
		}
	}
	return false
}

// distribution names the Kubernetes distribution of a gitVersion's suffix
// ("+k3s1" is k3s, "+rke2r1" RKE2), or "" for none.
func distribution(rest string) string {
	r := strings.ToLower(rest)
	switch {
	case strings.Contains(r, "+k3s"):
		return "k3s"
	case strings.Contains(r, "+rke2"):
		return "RKE2"
	case strings.HasPrefix(r, "+"):
		return "a distribution build"
	}
	return ""
}
