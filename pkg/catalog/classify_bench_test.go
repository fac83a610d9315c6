package catalog_test

import (
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
)

// BenchmarkClassifyStage is the classification stage of an import over a
// mix like a `shodan download` of Kubernetes queries: matches (a 403
// apiserver, a Portainer page) and a non-match (nginx). It reports
// records/s and allocations per record.
func BenchmarkClassifyStage(b *testing.B) {
	c, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	mix := []*model.Observation{
		obs{port: 6443, status: 403, body: k8s403, tls: apiserverCert, headers: []string{"Audit-Id: 1", "Content-Type: application/json"}}.build(),
		obs{port: 9000, status: 200, title: "Portainer", body: `<html ng-app="portainer"><title>Portainer</title>`,
			headers: []string{"Server: nginx", "Content-Type: text/html"}}.build(),
		obs{port: 443, status: 200, title: "Welcome to nginx!", body: strings.Repeat("<p>Welcome to nginx! lorem ipsum</p>\n", 55),
			headers: []string{"Server: nginx/1.25.3", "Content-Type: text/html"}}.build(),
	}
	b.ReportAllocs()
	i, matched := 0, 0
	for b.Loop() {
		if _, ok := c.Classify(mix[i%len(mix)]); ok {
			matched++
		}
		i++
	}
	if matched == 0 {
		b.Fatal("nothing matched")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
