package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
)

// compared builds the fixture's two views and attaches the earlier one to
// the later, as orchex report --compare does.
func compared(t *testing.T) *report.View {
	t.Helper()
	a, b := fixture()
	// 21 countries in A, so that its top-20 list leaves one out and a
	// country absent from it is not known to have had 0.
	for i := range 21 {
		a = append(a, svc(fmt.Sprintf("203.0.114.%d", i+1), 443, "kubernetes-api", model.AuthRequired, "", "", fmt.Sprintf("C%02d", i)))
	}
	b = append(b, svc("203.0.114.200", 443, "kubernetes-api", model.AuthRequired, "", "", "ZZ"))
	for _, ss := range [][]model.Service{a, b} {
		slices.SortFunc(ss, func(x, y model.Service) int { return x.Key.Compare(y.Key) })
	}
	products := []report.ProductInfo{{ID: "kubernetes-api", Name: "Kubernetes API server", Family: "kubernetes"}, {ID: "nomad", Name: "Nomad"}}
	build := func(label string, ss []model.Service) *report.View {
		v, err := report.Build(context.Background(), report.Meta{Snapshot: label, Products: products}, stream(ss))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := build("2026Q3", b)
	v.Compare = report.NewComparison(build("2026Q2", a), []string{"catalog version: 1 → 2 <b>|"})
	return v
}

// TestReportCompareMarkdown renders a report with a comparison through the
// embedded template: every table keeps its column count, the earlier
// values and changes are there, hostile strings stay escaped.
func TestReportCompareMarkdown(t *testing.T) {
	v := compared(t)
	var out bytes.Buffer
	if err := markdown.Render(&out, v, ""); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"Every figure is compared with snapshot 2026Q2",
		"| Figure | Value | In 2026Q2 | Change |",
		"| Exposed services | 9 | 28 | -19 (-67.9%) |",
		"| No authentication (open) | 5 (55.6%) | 3 (10.7%) | +2 (+66.7%); +44.8 pp |",
		"| Kubernetes API server | kubernetes | – | 3 | 24 | -21 (-87.5%) |",
		"| eu-central-1 | no | 1 | 0 | +1 (new) |",
		"| ZZ | 1 | n/a | n/a |",
		"| US | 4 | 4 | 0 (0%) |",
		"- catalog version: 1 → 2 &lt;b&gt;\\|",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	header := 0
	for i, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		if header == 0 {
			header = cells(line)
		} else if n := cells(line); n != header {
			t.Errorf("line %d has %d cells, its table %d: %q", i+1, n, header, line)
		}
	}
	if strings.Contains(s, "<script") || strings.Contains(s, "\u202e") {
		t.Error("hostile string unescaped")
	}
}

func TestReportCompareJSON(t *testing.T) {
	v := compared(t)
	var out bytes.Buffer
	if err := jsonreport.Render(&out, v); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Compare struct {
			Snapshot    string   `json:"snapshot"`
			Differences []string `json:"method_differences"`
			Headline    struct {
				Services  json.RawMessage `json:"services"`
				OpenShare json.RawMessage `json:"open_share"`
			} `json:"headline"`
			ByProduct []struct {
				Product  string          `json:"product"`
				Services json.RawMessage `json:"services"`
			} `json:"by_product"`
			ByCountry []struct {
				Country  string          `json:"country"`
				Services json.RawMessage `json:"services"`
			} `json:"by_country"`
			ByAWSRegion []struct {
				Region   string          `json:"region"`
				Services json.RawMessage `json:"services"`
			} `json:"by_aws_region"`
		} `json:"compare"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Compare
	if c.Snapshot != "2026Q2" || len(c.Differences) != 1 {
		t.Errorf("compare snapshot %q, differences %v", c.Snapshot, c.Differences)
	}
	if got := compact(c.Headline.Services); got != `{"before":28,"after":9,"change":-19,"change_percent":-67.86}` {
		t.Errorf("headline services %s", got)
	}
	if got := compact(c.Headline.OpenShare); !strings.Contains(got, `"change":0.448412698`) || strings.Contains(got, "points") {
		t.Errorf("open share %s", got)
	}
	find := func(rows map[string]string, k, want string) {
		t.Helper()
		if rows[k] != want {
			t.Errorf("%s: %s, want %s", k, rows[k], want)
		}
	}
	products, countries, regions := map[string]string{}, map[string]string{}, map[string]string{}
	for _, r := range c.ByProduct {
		products[r.Product] = compact(r.Services)
	}
	for _, r := range c.ByCountry {
		countries[r.Country] = compact(r.Services)
	}
	for _, r := range c.ByAWSRegion {
		regions[r.Region] = compact(r.Services)
	}
	find(products, "nomad", `{"before":0,"after":0,"change":0,"change_percent":null}`)
	find(products, "portainer", `{"before":0,"after":1,"change":1,"change_percent":null}`)
	find(countries, "ZZ", `{"before":null,"after":1,"change":null,"change_percent":null}`)
	// eu-west-1 is only in the earlier snapshot: listed, with after 0.
	find(regions, "eu-west-1", `{"before":1,"after":0,"change":-1,"change_percent":-100}`)

	v.Compare = nil
	var plain bytes.Buffer
	if err := jsonreport.Render(&plain, v); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plain.Bytes(), []byte(`"compare"`)) {
		t.Error("compare key present without a comparison")
	}
}

func TestChangeString(t *testing.T) {
	for _, c := range []struct {
		before, after int
		want          string
	}{
		{0, 0, "0"}, {0, 1500, "+1,500 (new)"}, {2, 0, "-2 (-100.0%)"}, {8, 9, "+1 (+12.5%)"}, {4, 4, "0 (0%)"}, {3000, 3001, "+1 (+<0.1%)"},
	} {
		if got := report.NewChange(c.before, c.after).String(); got != c.want {
			t.Errorf("NewChange(%d, %d) = %q, want %q", c.before, c.after, got, c.want)
		}
	}
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return err.Error()
	}
	return b.String()
}

// cells counts the cells of a Markdown table row: unescaped pipes - 1.
func cells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}
