package report_test

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
)

func ExampleBuild() {
	services := []model.Service{
		{Key: model.Key{Addr: netip.MustParseAddr("3.5.140.2"), Port: 443, Transport: "tcp"}, Product: "kubernetes-api",
			Auth: model.AuthOpen, Cloud: model.CloudTag{Provider: "aws", Region: "us-east-1"}, Engines: model.SeenShodan},
		{Key: model.Key{Addr: netip.MustParseAddr("3.5.140.2"), Port: 6443, Transport: "tcp"}, Product: "kubernetes-api",
			Auth: model.AuthRequired, Cloud: model.CloudTag{Provider: "aws", Region: "eu-west-1"}, Engines: model.SeenCensys},
		{Key: model.Key{Addr: netip.MustParseAddr("203.0.113.9"), Port: 9000, Transport: "tcp"}, Product: "portainer",
			Auth: model.AuthUnknown, Engines: model.SeenShodan | model.SeenCensys},
	}
	meta := report.Meta{
		Snapshot: "2026Q4",
		Products: []report.ProductInfo{
			{ID: "kubernetes-api", Name: "Kubernetes API server", Family: "kubernetes"},
			{ID: "portainer", Name: "Portainer", Family: "docker"},
		},
	}
	// The store streams services sorted by address; a slice stands in here.
	stream := func(fn func(*model.Service) error) error {
		for i := range services {
			if err := fn(&services[i]); err != nil {
				return err
			}
		}
		return nil
	}
	v, err := report.Build(context.Background(), meta, stream)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := v.Headline
	fmt.Printf("%d services on %d hosts, %d open\n", h.Services, h.Hosts, h.Open)
	fmt.Printf("Kubernetes: %d services, %d open\n", h.KubernetesServices, h.KubernetesOpen)
	fmt.Printf("AWS share %.2f, of which in US regions %.2f\n", h.AWSShare, h.AWSUSShare)
	for _, p := range v.ByProvider {
		fmt.Println(p.Provider, p.Services)
	}
	// Output:
	// 3 services on 2 hosts, 1 open
	// Kubernetes: 2 services, 1 open
	// AWS share 0.67, of which in US regions 0.50
	// aws 2
	// none 1
}
