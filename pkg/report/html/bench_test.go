package html_test

import (
	"context"
	"io"
	"net/netip"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

// BenchmarkRender renders the Ten fixture's page, compared with an
// earlier snapshot: the cost of a published report, charts included.
func BenchmarkRender(b *testing.B) {
	v := tenView(b, false, true)
	b.ReportAllocs()
	for b.Loop() {
		if err := html.Render(io.Discard, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderAddresses renders a page that lists 10,000 services
// (--include-addresses): the cost per row of the services table.
func BenchmarkRenderAddresses(b *testing.B) {
	ten := reporttest.Ten()
	ss := make([]model.Service, 0, 10000)
	addr := netip.MustParseAddr("198.18.0.1")
	for i := range 10000 {
		s := ten[i%len(ten)]
		s.Addr = addr
		addr = addr.Next()
		ss = append(ss, s)
	}
	m := reporttest.Meta()
	m.IncludeAddresses = true
	v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := html.Render(io.Discard, v); err != nil {
			b.Fatal(err)
		}
	}
}
