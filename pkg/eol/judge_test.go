package eol

import (
	"os"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// asOf is the fixture's as-of moment: testdata/calendars.json puts, for
// every calendar, one cycle ending the day before (2026-06-14), one the
// day of (2026-06-15) and one the day after (2026-06-16).
var asOf = time.Date(2026, 6, 15, 21, 30, 0, 0, time.UTC)

func fixture(t testing.TB) *Data {
	t.Helper()
	f, err := os.Open("testdata/calendars.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestJudge(t *testing.T) {
	d := fixture(t)
	const before, dayOf, after = "2026-06-14", "2026-06-15", "2026-06-16"
	aks := []string{"myaks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io"}
	tests := []struct {
		name     string
		product  string
		version  string
		names    []string
		status   Status
		calendar string
		cycle    string
		date     string // Since or Until
		phase    string
	}{
		// Kubernetes API server, upstream calendar.
		{"k8s day before", "kubernetes-api", "v1.30.14", nil, EndOfLife, CalKubernetes, "1.30", before, PhaseEOL},
		{"k8s day of", "kubernetes-api", "v1.31.2", nil, EndOfLife, CalKubernetes, "1.31", dayOf, PhaseEOL},
		{"k8s day after", "kubernetes-api", "v1.32.0", nil, Supported, CalKubernetes, "1.32", after, PhaseEOL},
		{"k8s 1.2 does not prefix 1.29", "kubernetes-api", "v1.29.0", nil, UnknownCycle, CalKubernetes, "", "", PhaseEOL},
		{"k8s 1.2 itself", "kubernetes-api", "v1.2.7", nil, EndOfLife, CalKubernetes, "1.2", "2016-11-01", PhaseEOL},
		{"k8s 1.9 not 1.2", "kubernetes-api", "v1.9.11", nil, EndOfLife, CalKubernetes, "1.9", "2018-09-29", PhaseEOL},
		{"k8s newer than the data", "kubernetes-api", "v1.40.0", nil, UnknownCycle, CalKubernetes, "", "", PhaseEOL},
		{"k3s", "kubernetes-api", "v1.31.4+k3s1", nil, EndOfLife, CalKubernetes, "1.31", dayOf, PhaseEOL},
		{"rke2", "kubernetes-api", "v1.32.1+rke2r1", nil, Supported, CalKubernetes, "1.32", after, PhaseEOL},
		{"no v", "kubernetes-api", "1.30.2", nil, EndOfLife, CalKubernetes, "1.30", before, PhaseEOL},
		{"kubelet", "kubelet", "v1.32.3", nil, Supported, CalKubernetes, "1.32", after, PhaseEOL},
		{"healthz with a version", "kubernetes-healthz", "v1.30.0", nil, EndOfLife, CalKubernetes, "1.30", before, PhaseEOL},
		// Amazon EKS: end of extended support; eol when the cycle has none.
		{"eks day before", "kubernetes-api", "v1.30.9-eks-a737599", nil, EndOfLife, CalEKS, "1.30", before, PhaseEOES},
		{"eks day of", "kubernetes-api", "v1.31.5-eks-bc4871b", nil, EndOfLife, CalEKS, "1.31", dayOf, PhaseEOES},
		{"eks day after", "kubernetes-api", "v1.32.1-eks-5e0fdde", nil, Supported, CalEKS, "1.32", after, PhaseEOES},
		{"eks without extended support", "kubernetes-api", "v1.20.15-eks-14c7a48", nil, EndOfLife, CalEKS, "1.20", "2022-11-01", PhaseEOL},
		{"eks unknown cycle", "kubernetes-api", "v1.25.16-eks-1234567", nil, UnknownCycle, CalEKS, "", "", PhaseEOES},
		{"eks kubelet", "kubelet", "v1.32.0-eks-5e0fdde", nil, Supported, CalEKS, "1.32", after, PhaseEOES},
		// Google GKE.
		{"gke day before", "kubernetes-api", "v1.30.5-gke.1014001", nil, EndOfLife, CalGKE, "1.30", before, PhaseEOL},
		{"gke day of", "kubernetes-api", "v1.31.1-gke.1146000", nil, EndOfLife, CalGKE, "1.31", dayOf, PhaseEOL},
		{"gke day after", "kubernetes-api", "v1.32.2-gke.1182003", nil, Supported, CalGKE, "1.32", after, PhaseEOL},
		// Azure AKS: recognised by the API server's name; standard support.
		{"aks day before", "kubernetes-api", "v1.30.7", aks, EndOfLife, CalAKS, "1.30", before, PhaseEOL},
		{"aks day of", "kubernetes-api", "v1.31.3", aks, EndOfLife, CalAKS, "1.31", dayOf, PhaseEOL},
		{"aks day after, LTS not used", "kubernetes-api", "v1.32.0", []string{"x.example.org", "PRIV.privatelink.eastus.AZMK8S.IO."}, Supported, CalAKS, "1.32", after, PhaseEOL},
		{"azmk8s.io lookalike is not aks", "kubernetes-api", "v1.32.0", []string{"evil-azmk8s.io.example.com", "notazmk8s.io"}, Supported, CalKubernetes, "1.32", after, PhaseEOL},
		{"eks suffix wins over an aks name", "kubernetes-api", "v1.32.1-eks-5e0fdde", aks, Supported, CalEKS, "1.32", after, PhaseEOES},
		// Docker Engine and Swarm: the longest cycle that prefixes.
		{"docker 29 major only", "docker-engine", "29.1.0", nil, Supported, CalDocker, "29", "", PhaseEOL},
		{"docker 28 day after", "docker-engine", "28.0.4", nil, Supported, CalDocker, "28", after, PhaseEOL},
		{"docker 26.1 day of", "docker-engine", "26.1.3", nil, EndOfLife, CalDocker, "26.1", dayOf, PhaseEOL},
		{"docker 26.0 day before", "docker-engine", "26.0.2", nil, EndOfLife, CalDocker, "26.0", before, PhaseEOL},
		{"docker eol true, no date", "docker-engine", "20.10.7", nil, EndOfLife, CalDocker, "20.10", "", PhaseEOL},
		{"docker leading zero", "docker-engine", "18.09.4", nil, EndOfLife, CalDocker, "18.09", "2019-08-22", PhaseEOL},
		{"docker 18.9 is 18.09", "docker-engine", "18.9.1", nil, EndOfLife, CalDocker, "18.09", "2019-08-22", PhaseEOL},
		{"docker 1.13 predates the calendar", "docker-engine", "1.13.1", nil, UnknownCycle, CalDocker, "", "", PhaseEOL},
		{"docker 27 not in data", "docker-engine", "27.3.1", nil, UnknownCycle, CalDocker, "", "", PhaseEOL},
		{"swarm is the engine", "docker-swarm", "26.0.1", nil, EndOfLife, CalDocker, "26.0", before, PhaseEOL},
		// etcd.
		{"etcd day before", "etcd", "3.4.27", nil, EndOfLife, CalEtcd, "3.4", before, PhaseEOL},
		{"etcd day of", "etcd", "3.5.9", nil, EndOfLife, CalEtcd, "3.5", dayOf, PhaseEOL},
		{"etcd day after", "etcd", "3.6.0", nil, Supported, CalEtcd, "3.6", after, PhaseEOL},
		{"etcd not announced", "etcd", "3.7.1", nil, Supported, CalEtcd, "3.7", "", PhaseEOL},
		{"etcd 2.x", "etcd", "2.3.8", nil, UnknownCycle, CalEtcd, "", "", PhaseEOL},
		// Rancher.
		{"rancher day before", "rancher", "v2.8.5", nil, EndOfLife, CalRancher, "2.8", before, PhaseEOL},
		{"rancher day of", "rancher", "2.9.0", nil, EndOfLife, CalRancher, "2.9", dayOf, PhaseEOL},
		{"rancher day after", "rancher", "v2.10.1-rc2", nil, Supported, CalRancher, "2.10", after, PhaseEOL},
		{"rancher 2.1 does not prefix 2.10", "rancher", "2.1.0", nil, UnknownCycle, CalRancher, "", "", PhaseEOL},
		// OpenShift console: its own release; EUS not used.
		{"ocp console day before", "openshift-console", "4.14.12", nil, EndOfLife, CalOpenShift, "4.14", before, PhaseEOL},
		{"ocp console day of", "openshift-console", "4.15.0", nil, EndOfLife, CalOpenShift, "4.15", dayOf, PhaseEOL},
		{"ocp console day after", "openshift-console", "4.16.3", nil, Supported, CalOpenShift, "4.16", after, PhaseEOL},
		{"ocp 3.11", "openshift-console", "3.11.784", nil, UnknownCycle, CalOpenShift, "", "", PhaseEOL},
		// OpenShift API server: Kubernetes 1.27 is OpenShift 4.14.
		{"ocp api day before", "openshift-api", "v1.27.16+03a907c", nil, EndOfLife, CalOpenShift, "4.14", before, PhaseEOL},
		{"ocp api day of", "openshift-api", "v1.28.15+ff493be", nil, EndOfLife, CalOpenShift, "4.15", dayOf, PhaseEOL},
		{"ocp api day after", "openshift-api", "v1.29.14+7cf4c05", nil, Supported, CalOpenShift, "4.16", after, PhaseEOL},
		{"ocp api unknown kubernetes", "openshift-api", "v1.45.0+abc", nil, UnknownCycle, CalOpenShift, "", "", PhaseEOL},
		{"ocp api skipped 1.15", "openshift-api", "v1.15.0", nil, UnknownCycle, CalOpenShift, "", "", PhaseEOL},
		{"ocp api not 1.x", "openshift-api", "v4.14.0", nil, UnknownCycle, CalOpenShift, "", "", PhaseEOL},
		// Nomad.
		{"nomad day before", "nomad", "1.7.7", nil, EndOfLife, CalNomad, "1.7", before, PhaseEOL},
		{"nomad day of", "nomad", "1.8.0+ent", nil, EndOfLife, CalNomad, "1.8", dayOf, PhaseEOL},
		{"nomad day after", "nomad", "1.9.3", nil, Supported, CalNomad, "1.9", after, PhaseEOL},
		{"nomad 1.1 does not prefix 1.10", "nomad", "1.10.2", nil, Supported, CalNomad, "1.10", "", PhaseEOL},
		// Kong: three numbers are the open-source gateway (eol), four are
		// Kong Enterprise (end of enterprise support).
		{"kong oss day before", "kong-admin", "3.5.0", nil, EndOfLife, CalKong, "3.5", before, PhaseEOL},
		{"kong enterprise day after", "kong-admin", "3.5.0.3", nil, Supported, CalKong, "3.5", after, PhaseEOES},
		{"kong enterprise day of", "kong-admin", "3.4.2.0", nil, EndOfLife, CalKong, "3.4", dayOf, PhaseEOES},
		{"kong oss not announced", "kong-admin", "3.4.2", nil, Supported, CalKong, "3.4", "", PhaseEOL},
		{"kong enterprise-edition suffix", "kong-admin", "3.4.3-enterprise-edition", nil, EndOfLife, CalKong, "3.4", dayOf, PhaseEOES},
		{"kong enterprise, eoes false: eol decides", "kong-admin", "3.6.1.0", nil, Supported, CalKong, "3.6", after, PhaseEOL},
		{"kong 0.x", "kong-admin", "0.5.2", nil, UnknownCycle, CalKong, "", "", PhaseEOL},
		// Argo CD.
		{"argo day before", "argocd", "v2.9.22+c279299", nil, EndOfLife, CalArgoCD, "2.9", before, PhaseEOL},
		{"argo day of", "argocd", "v2.10.0", nil, EndOfLife, CalArgoCD, "2.10", dayOf, PhaseEOL},
		{"argo day after", "argocd", "v2.11.7", nil, Supported, CalArgoCD, "2.11", after, PhaseEOL},
		// No calendar, no version, not a version.
		{"portainer", "portainer", "2.19.4", nil, NoCalendar, "", "", "", ""},
		{"swarmpit", "swarmpit", "1.9", nil, NoCalendar, "", "", "", ""},
		{"mesos", "mesos-master", "1.11.0", nil, NoCalendar, "", "", "", ""},
		{"marathon", "marathon", "1.10.17", nil, NoCalendar, "", "", "", ""},
		{"dashboard version is not kubernetes", "kubernetes-dashboard", "v2.7.0", nil, NoCalendar, "", "", "", ""},
		{"swagger", "swagger-ui", "5.11.0", nil, NoCalendar, "", "", "", ""},
		{"product not in the rules", "new-product", "1.0", nil, NoCalendar, "", "", "", ""},
		{"no version", "kubernetes-api", "", nil, NoVersion, CalKubernetes, "", "", ""},
		{"blank version", "etcd", "  ", nil, NoVersion, CalEtcd, "", "", ""},
		{"no version, no calendar", "portainer", "", nil, NoVersion, "", "", "", ""},
		{"garbage", "docker-engine", "<script>", nil, UnknownCycle, CalDocker, "", "", ""},
		{"just v", "kubernetes-api", "v", nil, UnknownCycle, CalKubernetes, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := d.Judge(Facts{Product: tt.product, Version: tt.version, Names: tt.names}, asOf)
			date := v.Since
			if v.Status == Supported {
				date = v.Until
			}
			if v.Status != tt.status || v.Calendar != tt.calendar || v.Cycle != tt.cycle || date != tt.date || v.Phase != tt.phase {
				t.Errorf("Judge(%s %q) = %+v\nwant status %s calendar %q cycle %q date %q phase %q",
					tt.product, tt.version, v, tt.status, tt.calendar, tt.cycle, tt.date, tt.phase)
			}
		})
	}
}

// TestJudgeAsOfDay pins the day a moment falls on: the UTC day, so a
// snapshot whose newest observation is late on the 14th in New York
// (the 15th in UTC) judges the cycle ending on the 15th as ended.
func TestJudgeAsOfDay(t *testing.T) {
	d := fixture(t)
	ny := time.FixedZone("EDT", -4*3600)
	f := Facts{Product: "etcd", Version: "3.5.9"}
	tests := []struct {
		at   time.Time
		want Status
	}{
		{time.Date(2026, 6, 14, 19, 59, 59, 0, ny), Supported}, // 23:59:59 UTC on the 14th
		{time.Date(2026, 6, 14, 20, 0, 0, 0, ny), EndOfLife},   // 00:00 UTC on the 15th
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), EndOfLife},
	}
	for _, tt := range tests {
		if got := d.Judge(f, tt.at).Status; got != tt.want {
			t.Errorf("at %s: %s, want %s", tt.at, got, tt.want)
		}
	}
	if v := d.Judge(f, time.Time{}); v.Status != UnknownCycle {
		t.Errorf("zero as-of: %+v, want unknown cycle", v)
	}
}

// TestJudgeMissingCalendar: data without a calendar the rules need (a
// --eol directory of a few pages) gives unknown cycles, never supported.
func TestJudgeMissingCalendar(t *testing.T) {
	d := fixture(t)
	d.Products = d.Products[1:] // drop amazon-eks
	v := d.Judge(Facts{Product: "kubernetes-api", Version: "v1.32.1-eks-5e0fdde"}, asOf)
	if v.Status != UnknownCycle || v.Calendar != CalEKS || v.Note == "" {
		t.Errorf("%+v", v)
	}
}

// TestJudgeEmbedded judges real versions against the embedded
// endoflife.date data of 2026-08-22.
func TestJudgeEmbedded(t *testing.T) {
	d, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		product, version string
		want             string
	}{
		{"kubernetes-api", "v1.29.8", "end of life since 2025-02-28 (kubernetes 1.29)"},
		{"kubernetes-api", "v1.34.2", "supported until 2026-10-27 (kubernetes 1.34)"},
		{"kubernetes-api", "v1.21.5-eks-bc4871b", "end of life since 2024-07-15 (amazon-eks 1.21)"},
		{"kubernetes-api", "v1.31.2-eks-7f9249a", "supported until 2026-11-26 (amazon-eks 1.31)"},
		{"kubernetes-api", "v1.33.5-gke.1201000", "end of life since 2026-08-03 (google-kubernetes-engine 1.33)"},
		{"docker-engine", "26.1.3", "end of life since 2025-02-17 (docker-engine 26.1)"},
		{"docker-engine", "29.1.0", "supported (docker-engine 29, end not announced)"},
		{"docker-engine", "20.10.7", "end of life since 2023-12-10 (docker-engine 20.10)"},
		{"etcd", "3.4.45", "end of life since 2026-06-01 (etcd 3.4)"},
		{"kong-admin", "3.4.2.0", "end of life since 2026-08-09 (kong-gateway 3.4)"},
		{"kong-admin", "3.4.2", "supported (kong-gateway 3.4, end not announced)"},
		{"openshift-api", "v1.27.16+03a907c", "end of life since 2025-05-01 (red-hat-openshift 4.14)"},
		{"argocd", "v3.2.1+8c4ab63", "end of life since 2026-08-04 (argo-cd 3.2)"},
		{"rancher", "v2.11.3", "supported until 2026-10-24 (rancher 2.11)"},
		{"portainer", "2.19.4", "no support calendar"},
	}
	for _, tt := range tests {
		if got := d.Judge(Facts{Product: tt.product, Version: tt.version, Auth: model.AuthOpen}, at).String(); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.product, tt.version, got, tt.want)
		}
	}
}
