package store

import (
	"context"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// BenchmarkReportReads measures what orchex report reads from the store
// for a snapshot of 1,000,000 items (about 970,000 services, 1% of them
// on honeypot hosts): the snapshot's counts, its service groups and the
// hosts per product ("base", what a report read before honeypots), and
// the same with the honeypot hosts overall and per product read from the
// partial index ("with honeypots"). Filling the database takes about a
// minute; run it alone:
//
//	go test ./pkg/store -run '^$' -bench BenchmarkReportReads -benchtime 5x
func BenchmarkReportReads(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	s := openTemp(b)
	items := importItems(n)
	for i := range items {
		if i%100 == 0 {
			items[i].Obs.Honeypot = model.HoneypotShodanTag
			items[i].Service.Honeypot = model.HoneypotShodanTag
		}
	}
	for i := 0; i < len(items); i += 5000 {
		if _, err := s.Put(ctx, "2026Q4", items[i:min(i+5000, len(items))], nil); err != nil {
			b.Fatal(err)
		}
	}
	items = nil
	base := func(b *testing.B) int {
		sn, err := s.Snapshot(ctx, "2026Q4")
		if err != nil {
			b.Fatal(err)
		}
		groups := 0
		if err := s.Groups(ctx, "2026Q4", func(*model.ServiceGroup) error { groups++; return nil }); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ProductHosts(ctx, "2026Q4"); err != nil {
			b.Fatal(err)
		}
		return sn.Services
	}
	b.Run("base", func(b *testing.B) {
		for b.Loop() {
			base(b)
		}
	})
	b.Run("with honeypots", func(b *testing.B) {
		for b.Loop() {
			base(b)
			hosts, services, err := s.HoneypotCounts(ctx, "2026Q4")
			if err != nil || hosts == 0 || services < hosts {
				b.Fatalf("honeypots %d hosts %d services %v", hosts, services, err)
			}
			if _, err := s.HoneypotProductHosts(ctx, "2026Q4"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
