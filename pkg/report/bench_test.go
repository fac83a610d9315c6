package report_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

// synthetic streams n services over n/2 hosts (two ports each) with a
// realistic spread of products, providers, regions, countries, versions
// and engines. Its own cost is included in the benchmark.
func synthetic(n int) func(fn func(*model.Service) error) error {
	products := []string{"kubernetes-api", "kubernetes-api", "kubernetes-api", "kubelet", "docker-swarm", "portainer", "kong-admin", "swarmpit"}
	auths := []model.Auth{model.AuthRequired, model.AuthRequired, model.AuthUnknown, model.AuthOpen}
	clouds := []model.CloudTag{
		{Provider: "aws", Region: "us-east-1", Source: "ranges:aws@2026-09-29"},
		{Provider: "aws", Region: "us-west-2", Source: "ranges:aws@2026-09-29"},
		{Provider: "aws", Region: "eu-central-1", Source: "ranges:aws@2026-09-29"},
		{Provider: "aws", Source: "asn:16509"},
		{Provider: "gcp", Region: "us-central1", Source: "ranges:gcp@2026-09-30"},
		{Provider: "azure", Region: "eastus", Source: "ranges:azure@2026-09-28"},
		{},
	}
	countries := []string{"US", "DE", "CN", "JP", "IE", "SG", "FR", "KR", "BR", "IN", "GB", "NL", "CA", "AU", "SE", "FI", "RU", "HK", "TW", "ZA", "IT", "ES"}
	versions := make([]string, 300)
	for i := range versions {
		versions[i] = fmt.Sprintf("v1.%d.%d", i/10, i%10)
	}
	seen := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	return func(fn func(*model.Service) error) error {
		var s model.Service
		addr := netip.MustParseAddr("3.0.0.0")
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				addr = addr.Next()
			}
			s = model.Service{
				Key:        model.Key{Addr: addr, Port: uint16(443 + i%2), Transport: "tcp"},
				Product:    products[i%len(products)],
				Version:    versions[(i*7)%len(versions)],
				Auth:       auths[i%len(auths)],
				Confidence: model.High,
				Engines:    model.Engines(1 + i%3),
				FirstSeen:  seen,
				LastSeen:   seen,
				Country:    countries[(i/3)%len(countries)],
				Cloud:      clouds[(i/2)%len(clouds)],
			}
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

// BenchmarkBuild measures one Build over 1,000,000 services:
//
//	go test -run '^$' -bench Build -benchmem ./pkg/report/
func BenchmarkBuild(b *testing.B) {
	const n = 1_000_000
	m := report.Meta{Snapshot: "bench", Products: reporttest.Products()}
	stream := synthetic(n)
	b.ReportAllocs()
	for b.Loop() {
		v, err := report.Build(context.Background(), m, stream)
		if err != nil {
			b.Fatal(err)
		}
		if v.Headline.Services != n {
			b.Fatalf("services = %d", v.Headline.Services)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/service")
}

// BenchmarkBuildSupport is BenchmarkBuild with the support figures
// (the embedded calendars): the cost of counting every service for them.
func BenchmarkBuildSupport(b *testing.B) {
	const n = 1_000_000
	data, err := eol.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	m := report.Meta{Snapshot: "bench", Products: reporttest.Products(), Support: data}
	stream := synthetic(n)
	b.ReportAllocs()
	for b.Loop() {
		v, err := report.Build(context.Background(), m, stream)
		if err != nil {
			b.Fatal(err)
		}
		if v.Support == nil || v.Support.Total.Services != n {
			b.Fatalf("support %+v", v.Support)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/service")
}

// BenchmarkStream measures the synthetic stream alone, to subtract from
// BenchmarkBuild.
func BenchmarkStream(b *testing.B) {
	const n = 1_000_000
	stream := synthetic(n)
	count := 0
	for b.Loop() {
		_ = stream(func(*model.Service) error { count++; return nil })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/service")
}
