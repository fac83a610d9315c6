package normalize

import (
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

var t0 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func svc(auth model.Auth, conf model.Confidence, seen time.Time, e model.Engines) model.Service {
	return model.Service{
		Key:     model.Key{Addr: netip.MustParseAddr("198.18.0.1"), Port: 6443, Transport: "tcp"},
		Product: "kubernetes-api", Auth: auth, AuthEvidence: string(auth) + " evidence", Confidence: conf,
		AuthSeenAt: seen, Engines: e, FirstSeen: seen, LastSeen: seen,
	}
}

func TestMergePrecedence(t *testing.T) {
	tests := []struct {
		name     string
		a, b     model.Service
		want     model.Auth
		conflict bool
	}{
		{"definite beats unknown", svc(model.AuthUnknown, model.High, t0.Add(time.Hour), model.SeenShodan), svc(model.AuthRequired, model.High, t0, model.SeenCensys), model.AuthRequired, false},
		{"high confidence beats low", svc(model.AuthOpen, model.Low, t0.Add(time.Hour), model.SeenShodan), svc(model.AuthRequired, model.High, t0, model.SeenCensys), model.AuthRequired, true},
		{"newer beats older (remediated)", svc(model.AuthOpen, model.High, t0, model.SeenShodan), svc(model.AuthRequired, model.High, t0.Add(time.Hour), model.SeenCensys), model.AuthRequired, true},
		{"newer beats older (regressed)", svc(model.AuthRequired, model.High, t0, model.SeenShodan), svc(model.AuthOpen, model.High, t0.Add(time.Hour), model.SeenCensys), model.AuthOpen, true},
		{"auth_required beats open on a tie", svc(model.AuthOpen, model.High, t0, model.SeenShodan), svc(model.AuthRequired, model.High, t0, model.SeenCensys), model.AuthRequired, true},
		// Proof beats an inference from defaults, whatever the time or
		// confidence; an inference beats a banner that says nothing.
		{"open beats likely open", svc(model.AuthLikelyOpen, model.High, t0.Add(time.Hour), model.SeenShodan), svc(model.AuthOpen, model.Low, t0, model.SeenCensys), model.AuthOpen, false},
		{"auth_required beats likely open", svc(model.AuthLikelyOpen, model.High, t0.Add(time.Hour), model.SeenShodan), svc(model.AuthRequired, model.Low, t0, model.SeenCensys), model.AuthRequired, false},
		{"likely open beats unknown", svc(model.AuthUnknown, model.High, t0.Add(time.Hour), model.SeenShodan), svc(model.AuthLikelyOpen, model.Low, t0, model.SeenCensys), model.AuthLikelyOpen, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []model.Service{Merge(tt.a, tt.b), Merge(tt.b, tt.a)} {
				if m.Auth != tt.want || m.AuthConflict != tt.conflict {
					t.Errorf("auth %s conflict %v, want %s %v", m.Auth, m.AuthConflict, tt.want, tt.conflict)
				}
				if m.Engines != tt.a.Engines|tt.b.Engines {
					t.Errorf("engines %v", m.Engines)
				}
				if !m.FirstSeen.Equal(t0) {
					t.Errorf("first seen %v", m.FirstSeen)
				}
			}
		})
	}
}

func TestMergeEmptyProductNeverWins(t *testing.T) {
	a := svc(model.AuthRequired, model.High, t0.Add(time.Hour), model.SeenShodan)
	a.Product = ""
	b := svc(model.AuthUnknown, model.High, t0, model.SeenCensys)
	b.Version = "v1.29.1"
	m := Merge(a, b)
	if m.Product != "kubernetes-api" || m.Version != "v1.29.1" {
		t.Errorf("product %q version %q", m.Product, m.Version)
	}
}

func TestMergeCloudPrefersRanges(t *testing.T) {
	a := svc(model.AuthRequired, model.High, t0, model.SeenShodan)
	a.Cloud = model.CloudTag{Provider: "aws", Region: "us-east-1", Source: "engine:shodan"}
	b := svc(model.AuthRequired, model.High, t0, model.SeenCensys)
	b.Cloud = model.CloudTag{Provider: "aws", Region: "us-east-2", Source: "ranges:aws@2026-08-22"}
	c := svc(model.AuthRequired, model.High, t0, model.SeenCensys)
	c.Cloud = model.CloudTag{Provider: "aws", Source: "asn:16509"}
	for _, m := range []model.Service{Merge(Merge(a, b), c), Merge(c, Merge(b, a))} {
		if m.Cloud.Source != "ranges:aws@2026-08-22" || m.Cloud.Region != "us-east-2" {
			t.Errorf("cloud %+v", m.Cloud)
		}
	}
}

// TestMergeOrderIndependent checks that any order of merging gives the
// same service: the snapshot must not depend on scheduling.
func TestMergeOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	auths := []model.Auth{model.AuthOpen, model.AuthRequired, model.AuthUnknown, model.AuthLikelyOpen}
	for trial := 0; trial < 400; trial++ {
		var list []model.Service
		for i := 0; i < 2+r.IntN(5); i++ {
			s := svc(auths[r.IntN(len(auths))], []model.Confidence{model.High, model.Low}[r.IntN(2)],
				t0.Add(time.Duration(r.IntN(4))*time.Hour), model.Engines(1+r.IntN(2)))
			s.Org = []string{"", "Amazon", "Google"}[r.IntN(3)]
			s.Hostnames = []string{[]string{"a", "b", "c"}[r.IntN(3)]}
			s.Version = []string{"", "v1.9.0", "v1.28.3", "1.28.3", "v1.28.3-eks-1"}[r.IntN(5)]
			s.Family = []string{"", "kubernetes"}[r.IntN(2)]
			s.Honeypot = []model.Honeypot{0, model.HoneypotShodanTag, model.HoneypotCensysTarpit}[r.IntN(3)]
			list = append(list, s)
		}
		want := list[0]
		for _, s := range list[1:] {
			want = Merge(want, s)
		}
		for k := 0; k < 5; k++ {
			r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
			got := list[0]
			for _, s := range list[1:] {
				got = Merge(got, s)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("trial %d: merge depends on order:\n got %+v\nwant %+v", trial, got, want)
			}
		}
	}
}

func TestServiceFromObservation(t *testing.T) {
	o := &model.Observation{Engine: model.Censys, Addr: netip.MustParseAddr("2001:db8::1"), Port: 10250, Transport: "tcp",
		Hostnames: []string{"b", "a", "a", ""}, Country: "DE", SeenAt: t0, HTTP: &model.HTTP{Title: "x"}}
	s := Service(o, model.Classification{Product: "kubelet"}, model.CloudTag{Provider: "gcp"})
	if s.Auth != model.AuthUnknown || s.Engines != model.SeenCensys || s.Title != "x" || !reflect.DeepEqual(s.Hostnames, []string{"a", "b"}) {
		t.Errorf("%+v", s)
	}
}

// TestMergeVersionAsVersion: of one product, the greatest version as a
// version is kept, in either order (the string maximum would keep
// v1.9.0), and a provider's suffix survives.
func TestMergeVersionAsVersion(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"v1.9.0", "v1.28.3", "v1.28.3"},
		{"v1.29.8", "v1.29.8-eks-a737599", "v1.29.8-eks-a737599"},
		{"", "v1.29.8-gke.1211000", "v1.29.8-gke.1211000"},
		{"3.4.27", "3.5.9", "3.5.9"},
	} {
		a := svc(model.AuthRequired, model.High, t0.Add(time.Hour), model.SeenShodan)
		a.Version = tt.a
		b := svc(model.AuthUnknown, model.High, t0, model.SeenCensys)
		b.Version = tt.b
		for _, m := range []model.Service{Merge(a, b), Merge(b, a)} {
			if m.Version != tt.want {
				t.Errorf("%q + %q: version %q, want %q", tt.a, tt.b, m.Version, tt.want)
			}
		}
	}
}

// TestMergeHoneypotUnion: a service flagged by any engine stays flagged.
func TestMergeHoneypotUnion(t *testing.T) {
	a := svc(model.AuthOpen, model.High, t0, model.SeenShodan)
	a.Honeypot = model.HoneypotShodanTag
	b := svc(model.AuthOpen, model.High, t0, model.SeenCensys)
	b.Honeypot = model.HoneypotCensysTarpit
	c := svc(model.AuthOpen, model.High, t0, model.SeenCensys)
	for _, m := range []model.Service{Merge(Merge(a, b), c), Merge(c, Merge(b, a)), Merge(a, c)} {
		if m.Honeypot&model.HoneypotShodanTag == 0 {
			t.Errorf("honeypot %v lost the Shodan tag", m.Honeypot)
		}
	}
	if m := Merge(c, c); m.Honeypot != 0 {
		t.Errorf("honeypot %v from none", m.Honeypot)
	}
}

// TestServiceHoneypotMarks: a service takes its observation's engine
// markers, never orchex's own host rule (the store computes that).
func TestServiceHoneypotMarks(t *testing.T) {
	o := &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr("198.18.0.9"), Port: 6443, Transport: "tcp",
		Honeypot: model.HoneypotShodanTag | model.HoneypotManyFamilies}
	s := Service(o, model.Classification{Product: "kubernetes-api", Family: "kubernetes"}, model.CloudTag{})
	if s.Honeypot != model.HoneypotShodanTag || s.Family != "kubernetes" {
		t.Errorf("honeypot %v family %q", s.Honeypot, s.Family)
	}
}

// TestManyFamilies: a Kubernetes node's products are one family; five
// unrelated families on one address are a decoy; Swagger UI and unknown
// families do not count.
func TestManyFamilies(t *testing.T) {
	for _, tt := range []struct {
		name     string
		families []string
		want     bool
	}{
		{"kubernetes node", []string{"kubernetes", "kubernetes", "kubernetes", "kubernetes", "kubernetes"}, false},
		{"openshift cluster node", []string{"openshift", "openshift", "kubernetes", "kubernetes"}, false},
		{"single-node lab", []string{"kubernetes", "rancher", "argocd", "portainer", "swagger"}, false},
		{"docker host with UIs", []string{"docker", "docker", "portainer", "swarmpit"}, false},
		{"unknown families", []string{"", "", "", "", "", "kubernetes"}, false},
		{"five unrelated", []string{"kubernetes", "docker", "mesos", "portainer", "nomad"}, true},
		{"many repeats then five", []string{"kubernetes", "kubernetes", "docker", "docker", "mesos", "kong", "swagger", "rancher"}, true},
		{"none", nil, false},
	} {
		if got := ManyFamilies(tt.families); got != tt.want {
			t.Errorf("%s: ManyFamilies(%q) = %v, want %v", tt.name, tt.families, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ManyFamilies([]string{"a", "b", "c", "d", "e"}) }); n != 0 {
		t.Errorf("ManyFamilies allocates %v times", n)
	}
}
