package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
)

// TestServicesNamed: the services of one snapshot whose host names
// contain the text, case ignored, and no others: not another snapshot's,
// not a name that only resembles it (LIKE's wildcards are escaped).
func TestServicesNamed(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	obs := func(addr string, names ...string) model.Observation {
		o := shodanObs(addr, 6443, t0)
		o.Hostnames = names
		return o
	}
	put := func(label string, o model.Observation) {
		t.Helper()
		if _, err := s.Put(ctx, label, []ingest.Item{item(o, k8sOpen, awsTag)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	put("2026Q4", obs("203.0.113.1", "aks-1a2b.hcp.westeurope.azmk8s.io"))
	put("2026Q4", obs("203.0.113.2", "API.EASTUS.AZMK8S.IO."))
	put("2026Q4", obs("203.0.113.3", "ec2-3-5-140-2.compute.amazonaws.com"))
	put("2026Q4", obs("203.0.113.4", "azmk8sxio.example")) // "." is not a wildcard
	put("2026Q4", obs("203.0.113.5"))
	if _, err := s.EnsureSnapshot(ctx, "2027Q1", t0.Add(90*24*time.Hour), Meta{}); err != nil {
		t.Fatal(err)
	}
	put("2027Q1", obs("203.0.113.9", "other.northeurope.azmk8s.io"))

	for _, tt := range []struct {
		label, text string
		want        []string
	}{
		{"2026Q4", "azmk8s.io", []string{"203.0.113.1", "203.0.113.2"}},
		{"2027Q1", "azmk8s.io", []string{"203.0.113.9"}},
		{"2026Q4", "azmk8s_io", nil},
		{"2026Q4", "%", nil},
	} {
		var got []string
		err := s.ServicesNamed(ctx, tt.label, tt.text, func(sv *model.Service) error {
			if sv.Product != "kubernetes-api" || sv.Version != "v1.29.4" || sv.Auth != model.AuthOpen || len(sv.Hostnames) == 0 {
				t.Errorf("%s: service %+v lacks what a report judges", tt.label, sv)
			}
			got = append(got, sv.Addr.String())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s named *%s*: %v, want %v", tt.label, tt.text, got, tt.want)
		}
	}
	if err := s.ServicesNamed(ctx, "2025Q1", "azmk8s.io", func(*model.Service) error { return nil }); err == nil {
		t.Error("an unknown snapshot gave no error")
	}
}

// BenchmarkServicesNamed measures the read a report from service groups
// adds when Kubernetes versions need their host names (the AKS API
// servers): the rows of a snapshot of 1,000,000 items (about 970,000
// services) scanned for a name in azmk8s.io. Filling the database takes
// about a minute; run it alone:
//
//	go test ./pkg/store -run '^$' -bench BenchmarkServicesNamed -benchtime 5x
func BenchmarkServicesNamed(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	s := openTemp(b)
	items := importItems(n)
	for i := 0; i < len(items); i += 5000 {
		if _, err := s.Put(ctx, "2026Q4", items[i:min(i+5000, len(items))], nil); err != nil {
			b.Fatal(err)
		}
	}
	items = nil
	for b.Loop() {
		if err := s.ServicesNamed(ctx, "2026Q4", "azmk8s.io", func(*model.Service) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
