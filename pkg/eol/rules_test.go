package eol

import (
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
)

// TestEveryCatalogProductHasARule: a product added to queries/*.yaml
// needs a decision here (and in docs/support.md) about its calendar.
func TestEveryCatalogProductHasARule(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range cat.Products() {
		ids[p.ID] = true
		if _, ok := RuleFor(p.ID); !ok {
			t.Errorf("catalog product %q has no support-calendar rule in pkg/eol/rules.go", p.ID)
		}
	}
	for _, r := range Rules() {
		if !ids[r.Product] {
			t.Errorf("rule for %q, which is not a catalog product", r.Product)
		}
	}
}

func TestRules(t *testing.T) {
	rules := Rules()
	if !slices.IsSortedFunc(rules, func(a, b Rule) int { return strings.Compare(a.Product, b.Product) }) {
		t.Error("Rules must be sorted by product (RuleFor searches them)")
	}
	emb, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if (r.Calendar == "") != (r.Reading == "") || r.Why == "" {
			t.Errorf("rule %+v: a calendar needs a reading, every rule a reason", r)
		}
		if _, ok := emb.Product(r.Calendar); r.Calendar != "" && !ok {
			t.Errorf("rule %s: calendar %q is not in the embedded data", r.Product, r.Calendar)
		}
	}
	if got := len(CalendarIDs()); got != 11 {
		t.Errorf("%d calendars: %v", got, CalendarIDs())
	}
}

func TestOpenShiftFor(t *testing.T) {
	for minor, want := range map[int]string{13: "4.1", 14: "4.2", 15: "", 16: "4.3", 25: "4.12", 27: "4.14", 31: "4.18", 33: "4.20", 34: "", 12: ""} {
		got, ok := OpenShiftFor(minor)
		if got != want || ok != (want != "") {
			t.Errorf("OpenShiftFor(%d) = %q %v, want %q", minor, got, ok, want)
		}
	}
}

// TestNamesMatter: only a Kubernetes version without a provider suffix,
// of a product read as Kubernetes, can be moved to the AKS calendar by a
// host name; IsAKS reads the names as Judge does.
func TestNamesMatter(t *testing.T) {
	for _, tt := range []struct {
		product, version string
		want             bool
	}{
		{"kubernetes-api", "v1.31.8", true},
		{"kubelet", "v1.30.1+k3s1", true},
		{"kubernetes-healthz", "1.33.0", true},
		{"kubernetes-api", "v1.31.5-eks-bc4871b", false},
		{"kubernetes-api", "v1.31.6-gke.1000", false},
		{"kubernetes-api", "", false},
		{"kubernetes-api", "unknown", false},
		{"openshift-api", "v1.28.15", false},
		{"docker-engine", "26.1.3", false},
		{"portainer", "2.19.4", false},
	} {
		if got := NamesMatter(tt.product, tt.version); got != tt.want {
			t.Errorf("NamesMatter(%s, %s) = %v, want %v", tt.product, tt.version, got, tt.want)
		}
	}
	for names, want := range map[string]bool{
		"aks-1a2b.hcp.westeurope.azmk8s.io":    true,
		"AKS.HCP.EASTUS.AZMK8S.IO.":            true,
		" x.privatelink.westeurope.azmk8s.io ": true,
		"azmk8s.io.example.com":                false,
		"notazmk8s.io":                         false,
		"":                                     false,
	} {
		if got := IsAKS([]string{"ec2.example", names}); got != want {
			t.Errorf("IsAKS(%q) = %v, want %v", names, got, want)
		}
	}
}
