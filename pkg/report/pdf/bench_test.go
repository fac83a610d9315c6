package pdf

import (
	"fmt"
	"io"
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

// millionView scales the study view to one million services and gives the
// lists that grow with the data thousands of rows (versions, inputs, notes),
// as a year of quarterly collection would.
func millionView() *report.View {
	v := studyView()
	const scale = 1_000_000.0 / 22672
	h := &v.Headline
	for _, p := range []*int{&h.Services, &h.Hosts, &h.Open, &h.AuthRequired, &h.Unknown, &h.KubernetesOpen,
		&h.KubernetesServices, &h.AWSServices, &h.AWSUSServices} {
		*p = int(float64(*p) * scale)
	}
	for i := 0; i < 5000; i++ {
		v.Versions = append(v.Versions, report.VersionRow{Product: "kubernetes-api", Version: fmt.Sprintf("v1.%d.%d", i/100, i%100), Services: 5000 - i, Open: i % 7})
		v.Method.Inputs = append(v.Method.Inputs, report.Input{Name: fmt.Sprintf("shodan-%05d.json.gz", i), Engine: "shodan", Format: "shodan-banner-jsonl", Read: 200, Kept: 199, Bad: 1})
		v.Method.Notes = append(v.Method.Notes, fmt.Sprintf("note %d", i))
	}
	return v
}

// BenchmarkRenderMillion renders the report of a one-million-service
// snapshot. The layout is bounded by the caps, not by the service count:
//
//	go test ./pkg/report/pdf -run '^$' -bench RenderMillion -benchmem
func BenchmarkRenderMillion(b *testing.B) {
	v := millionView()
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, v, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
