package jsonreport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata")

func render(t *testing.T, m report.Meta, ss []model.Service) []byte {
	t.Helper()
	v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	var b bytes.Buffer
	if err := jsonreport.Render(&b, v); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.Bytes()
}

func TestRenderGolden(t *testing.T) {
	got := render(t, reporttest.Meta(), reporttest.Ten())
	path := filepath.Join("..", "testdata", "report.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./pkg/report/jsonreport -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; review and run with -update:\n%s", path, got)
	}
}

// The keys documented in docs/report-json.md are there, with the Ten
// fixture's known values.
func TestRenderKeys(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(render(t, reporttest.Meta(), reporttest.Ten()), &doc); err != nil {
		t.Fatal(err)
	}
	top := []string{"schema_version", "title", "snapshot", "generated", "completeness", "headline", "by_product", "by_provider", "by_region",
		"by_aws_region", "aws_subtotals", "by_country", "country_other", "engine_overlap", "versions", "support", "method", "addresses_included"}
	if got := keys(doc); !slices.Equal(got, sorted(top)) {
		t.Errorf("top-level keys:\n got %v\nwant %v", got, sorted(top))
	}
	if doc["schema_version"] != 2.0 || doc["snapshot"] != "2026Q4" || doc["generated"] != "2026-10-02T12:00:00Z" {
		t.Errorf("schema_version %v, snapshot %v, generated %v", doc["schema_version"], doc["snapshot"], doc["generated"])
	}
	h := doc["headline"].(map[string]any)
	for k, want := range map[string]float64{
		"services": 10, "hosts": 8, "open": 3, "auth_required": 4, "unknown": 3, "likely_open": 0, "kubernetes_open": 1,
		"kubernetes_services": 6, "aws_services": 7, "aws_us_services": 4,
		"aws_share": 0.7, "aws_us_share": 4.0 / 7, "kubernetes_share": 0.6, "open_share": 0.3,
	} {
		if h[k] != want {
			t.Errorf("headline.%s = %v, want %v", k, h[k], want)
		}
	}
	checkRow(t, doc, "by_product", []string{"product", "name", "family", "category", "services", "hosts", "open", "likely_open", "auth_required", "unknown"})
	checkRow(t, doc, "by_provider", []string{"provider", "services", "share", "open", "likely_open", "auth_required", "unknown"})
	if c := doc["completeness"].(map[string]any); c["complete"] != true || len(c["reasons"].([]any)) != 0 {
		t.Errorf("completeness %v", c)
	}
	checkRow(t, doc, "by_region", []string{"provider", "region", "us", "services", "share"})
	checkRow(t, doc, "by_aws_region", []string{"region", "us", "services", "share"})
	checkRow(t, doc, "by_country", []string{"country", "services", "share", "open"})
	checkRow(t, doc, "versions", []string{"product", "version", "services", "open"})
	sup := doc["support"].(map[string]any)
	if got := keys(sup); !slices.Equal(got, sorted([]string{"as_of", "source", "commit", "date", "embedded", "data_lag_days", "products", "no_calendar", "total"})) {
		t.Errorf("support keys %v", got)
	}
	checkRow(t, sup, "products", []string{"product", "name", "calendar", "services", "with_version", "end_of_life", "share", "open_end_of_life",
		"supported", "unknown_cycle", "no_calendar", "calendars", "cycles"})
	// Ten, judged on 2026-10-01 by the embedded calendars: Kubernetes
	// 1.27 and 1.28 and Docker 24.0 are past their end of life.
	if p := sup["products"].([]any)[0].(map[string]any); sup["as_of"] != "2026-10-01" || p["product"] != "kubernetes-api" ||
		p["with_version"] != 3.0 || p["end_of_life"] != 3.0 || p["share"] != 1.0 || p["open_end_of_life"] != 1.0 || p["calendar"] != "kubernetes" {
		t.Errorf("support as_of %v, products[0] = %v", sup["as_of"], p)
	}
	if p := doc["by_product"].([]any)[0].(map[string]any); p["product"] != "kubernetes-api" || p["services"] != 5.0 || p["open"] != 1.0 {
		t.Errorf("by_product[0] = %v", p)
	}
	if got := keys(doc["engine_overlap"].(map[string]any)); !slices.Equal(got, []string{"both", "censys_only", "neither", "shodan_only"}) {
		t.Errorf("engine_overlap keys %v", got)
	}
	if got := doc["aws_subtotals"].(map[string]any); got["us"] != 4.0 || got["non_us"] != 1.0 || got["no_region"] != 2.0 || got["total"] != 7.0 {
		t.Errorf("aws_subtotals = %v", got)
	}
	m := doc["method"].(map[string]any)
	for _, k := range []string{"catalog_version", "products", "engines", "inputs", "records_read", "records_bad", "records_skipped",
		"observations", "duplicates_merged", "auth_conflicts", "low_confidence", "first_seen", "last_seen", "cloud_sources",
		"cloud_feeds", "cloud_disagreements", "truncations", "notes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("method.%s missing", k)
		}
	}
	if m["duplicates_merged"] != 4.0 {
		t.Errorf("method.duplicates_merged = %v", m["duplicates_merged"])
	}
}

func checkRow(t *testing.T, doc map[string]any, key string, want []string) {
	t.Helper()
	rows, ok := doc[key].([]any)
	if !ok || len(rows) == 0 {
		t.Errorf("%s: not a non-empty array: %v", key, doc[key])
		return
	}
	if got := keys(rows[0].(map[string]any)); !slices.Equal(got, sorted(want)) {
		t.Errorf("%s[0] keys:\n got %v\nwant %v", key, got, sorted(want))
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

func TestRenderAddresses(t *testing.T) {
	plain := render(t, reporttest.Meta(), reporttest.Ten())
	if bytes.Contains(plain, []byte(`"services": [`)) || bytes.Contains(plain, []byte("3.5.140.2")) || bytes.Contains(plain, []byte("example.net")) {
		t.Error("JSON without addresses lists services")
	}
	m := reporttest.Meta()
	m.IncludeAddresses = true
	var doc struct {
		AddressesIncluded bool               `json:"addresses_included"`
		Services          []map[string]any   `json:"services"`
		Headline          map[string]float64 `json:"headline"`
	}
	if err := json.Unmarshal(render(t, m, reporttest.Ten()), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.AddressesIncluded || len(doc.Services) != 10 {
		t.Fatalf("addresses_included %v, %d services", doc.AddressesIncluded, len(doc.Services))
	}
	s := doc.Services[0]
	if s["address"] != "3.5.140.2" || s["port"] != 443.0 || s["auth"] != "open" {
		t.Errorf("services[0] = %v", s)
	}
	if h, ok := doc.Services[1]["hostnames"].([]any); !ok || len(h) != 0 {
		t.Errorf("a service with no hostnames must have [] not null: %v", doc.Services[1]["hostnames"])
	}
}

func TestRenderEmpty(t *testing.T) {
	out := render(t, report.Meta{Snapshot: "empty"}, nil)
	if bytes.Contains(out, []byte("null")) {
		t.Errorf("empty report has a null:\n%s", out)
	}
}

func TestRenderHostile(t *testing.T) {
	m := reporttest.HostileMeta()
	m.IncludeAddresses = true
	out := render(t, m, append(reporttest.Ten(), reporttest.HostileServices()...))
	if !utf8.Valid(out) || !json.Valid(out) {
		t.Fatal("hostile report is not valid UTF-8 JSON")
	}
	for _, bad := range []string{"<script", "\x1b", "\x07"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("output holds %q raw", bad)
		}
	}
	var doc struct {
		Services []struct {
			Title string `json:"title"`
		} `json:"services"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	// JSON carries the data faithfully (escaped, not cleaned): a
	// consumer gets what the banner said.
	found := false
	for _, s := range doc.Services {
		if strings.HasPrefix(s.Title, "<script>") {
			found = true
		}
	}
	if !found {
		t.Error("the <script> title did not survive the round trip")
	}
}

func TestRenderDeterministic(t *testing.T) {
	m := reporttest.HostileMeta()
	m.IncludeAddresses = true
	ss := append(reporttest.Ten(), reporttest.HostileServices()...)
	a, b := render(t, m, ss), render(t, m, ss)
	if !bytes.Equal(a, b) {
		t.Error("two renders differ")
	}
	if !bytes.HasSuffix(a, []byte("}\n")) {
		t.Error("no trailing newline")
	}
}
