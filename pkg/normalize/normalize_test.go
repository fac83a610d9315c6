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
	auths := []model.Auth{model.AuthOpen, model.AuthRequired, model.AuthUnknown}
	for trial := 0; trial < 200; trial++ {
		var list []model.Service
		for i := 0; i < 2+r.IntN(5); i++ {
			s := svc(auths[r.IntN(3)], []model.Confidence{model.High, model.Low}[r.IntN(2)],
				t0.Add(time.Duration(r.IntN(4))*time.Hour), model.Engines(1+r.IntN(2)))
			s.Org = []string{"", "Amazon", "Google"}[r.IntN(3)]
			s.Hostnames = []string{[]string{"a", "b", "c"}[r.IntN(3)]}
			s.Version = []string{"", "v1", "v2"}[r.IntN(3)]
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
