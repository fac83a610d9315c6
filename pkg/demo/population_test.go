package demo

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

func TestGenerateDefaultResemblesStudy(t *testing.T) {
	p := Generate(Config{Seed: DefaultSeed})
	tr := p.Truth()
	t.Logf("truth: %+v", tr)
	if tr.Services != DefaultSize {
		t.Fatalf("services = %d, want %d", tr.Services, DefaultSize)
	}
	if tr.Open < 150 || tr.Open > 500 {
		t.Errorf("open = %d, want a few hundred like the study's 305", tr.Open)
	}
	if k := float64(tr.KubernetesServices) / float64(tr.Services); k <= 0.75 {
		t.Errorf("kubernetes share = %.3f, want more than three quarters", k)
	}
	if a := float64(tr.AWS) / float64(tr.Services); a < 0.90 {
		t.Errorf("AWS share = %.3f, want over 0.9", a)
	}
	if u := float64(tr.AWSUS) / float64(tr.AWS); u <= 0.5 {
		t.Errorf("AWS US share = %.3f, want more than half", u)
	}
	if tr.Hosts >= tr.Services || tr.Hosts < tr.Services*3/4 {
		t.Errorf("hosts = %d for %d services: want some hosts with several services", tr.Hosts, tr.Services)
	}
	if len(p.Noise) == 0 {
		t.Error("no noise")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(Config{Seed: 7, Size: 500}), Generate(Config{Seed: 7, Size: 500})
	for i := range a.Services {
		if !bytes.Equal(a.Services[i].ShodanBanner(a.Services[i].SeenAt), b.Services[i].ShodanBanner(b.Services[i].SeenAt)) {
			t.Fatalf("service %d differs between two runs with one seed", i)
		}
	}
	c := Generate(Config{Seed: 8, Size: 500})
	if a.Services[0].Addr == c.Services[0].Addr && a.Services[0].Product == c.Services[0].Product && a.Services[1].Port == c.Services[1].Port && a.Services[2].Auth == c.Services[2].Auth && a.Services[3].SeenAt == c.Services[3].SeenAt {
		t.Error("two seeds gave the same population")
	}
}

func TestAddressesAreDocumentationSpace(t *testing.T) {
	p := Generate(Config{Seed: 1, Size: 3000})
	for _, list := range [][]Service{p.Services, p.Noise} {
		for _, s := range list {
			a := s.Addr
			ok := (a.Is4() && a.As4()[0] == 198 && (a.As4()[1] == 18 || a.As4()[1] == 19)) ||
				(a.Is6() && a.As16()[0] == 0x20 && a.As16()[1] == 0x01 && a.As16()[2] == 0x0d && a.As16()[3] == 0xb8)
			if !ok {
				t.Fatalf("address %s is outside 198.18.0.0/15 and 2001:db8::/32", a)
			}
		}
	}
}

func TestBannersAreJSON(t *testing.T) {
	p := Generate(Config{Seed: 3, Size: 400})
	for i := range p.Services {
		s := &p.Services[i]
		var v map[string]any
		if err := json.Unmarshal(s.ShodanBanner(s.SeenAt), &v); err != nil {
			t.Fatalf("%s: %v", s.Product, err)
		}
		if v["port"].(float64) != float64(s.Port) {
			t.Fatalf("port mismatch")
		}
		var h map[string]any
		if err := json.Unmarshal(CensysHost([]*Service{s}, s.SeenAt), &h); err != nil {
			t.Fatalf("%s: %v", s.Product, err)
		}
	}
}

// TestEarlier checks that the earlier population is nine tenths of the
// population, at the same addresses and ports, observed EarlierBy
// sooner, with Kubernetes API servers that became open and that were
// fixed between the two.
func TestEarlier(t *testing.T) {
	cfg := Config{Seed: 5, Size: 2000}
	now, then := Generate(cfg), Earlier(cfg)
	if len(then.Services) != 1800 || len(then.Noise) != 0 || !then.Config.At.Equal(now.Config.At.Add(-EarlierBy)) {
		t.Fatalf("%d services, %d noise, at %v", len(then.Services), len(then.Noise), then.Config.At)
	}
	becameOpen, fixed, moved := 0, 0, 0
	for i, s := range then.Services {
		n := now.Services[i]
		if s.Port == n.Port+1 {
			moved++
			n.Port++
		}
		if s.Addr != n.Addr || s.Port != n.Port || s.Product != n.Product || !s.SeenAt.Equal(n.SeenAt.Add(-EarlierBy)) {
			t.Fatalf("service %d differs: %+v vs %+v", i, s, n)
		}
		switch {
		case s.Auth == model.AuthUnknown && n.Auth == model.AuthOpen:
			becameOpen++
		case s.Auth == model.AuthOpen && n.Auth == model.AuthRequired:
			fixed++
		case s.Auth != n.Auth:
			t.Errorf("service %d: %s then, %s now", i, s.Auth, n.Auth)
		}
	}
	if becameOpen == 0 || fixed == 0 || moved == 0 {
		t.Errorf("%d became open, %d fixed, %d moved to another port", becameOpen, fixed, moved)
	}
}
