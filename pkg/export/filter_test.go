package export

import (
	"context"
	"net/netip"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// TestFiltered: only the kept services, and only the observations of the
// kept services, reach the export.
func TestFiltered(t *testing.T) {
	key := func(a string) model.Key { return model.Key{Addr: netip.MustParseAddr(a), Port: 6443, Transport: "tcp"} }
	src := &fakeStore{
		services:     []model.Service{{Key: key("192.0.2.1"), ASN: 64500}, {Key: key("192.0.2.2"), ASN: 64501}, {Key: key("192.0.2.3"), ASN: 64500}},
		observations: []store.Observation{{Key: key("192.0.2.1")}, {Key: key("192.0.2.2")}, {Key: key("192.0.2.3")}, {Key: key("192.0.2.3")}},
	}
	f := Filtered(src, func(s *model.Service) bool { return s.ASN == 64500 })
	ctx := context.Background()
	var services, observations []string
	if err := f.Services(ctx, "Q", func(s *model.Service) error { services = append(services, s.Key.Addr.String()); return nil }); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the keys are read once, then reused
		observations = nil
		if err := f.Observations(ctx, "Q", func(o *store.Observation) error { observations = append(observations, o.Key.Addr.String()); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(services) != 2 || services[1] != "192.0.2.3" || len(observations) != 3 || observations[0] != "192.0.2.1" {
		t.Errorf("services %q, observations %q", services, observations)
	}
}
