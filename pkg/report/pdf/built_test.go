package pdf

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

// buildView builds a view with report.Build from a reporttest fixture, the
// way the CLI does from the store.
func buildView(t *testing.T, m report.Meta, ss func(fn func(*model.Service) error) error) *report.View {
	t.Helper()
	v, err := report.Build(context.Background(), m, ss)
	if err != nil {
		t.Fatalf("report.Build: %v", err)
	}
	return v
}

// jsonNumbers walks a decoded JSON document and returns every number in it
// with its path, skipping the keys listed in skip.
func jsonNumbers(path string, x any, skip map[string]bool, out map[string]float64) {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			if !skip[k] {
				jsonNumbers(path+"."+k, v, skip, out)
			}
		}
	case []any:
		for i, v := range x {
			jsonNumbers(path+"["+strconv.Itoa(i)+"]", v, skip, out)
		}
	case json.Number:
		f, _ := x.Float64()
		out[path] = f
	}
}

// TestRenderHasEveryJSONNumber renders the JSON report and the PDF of the
// same built view and checks that every number in the JSON report appears
// in the PDF text: counts as the PDF prints them (22,672), shares as
// percentages with one decimal.
func TestRenderHasEveryJSONNumber(t *testing.T) {
	v := buildView(t, reporttest.Meta(), reporttest.Stream(reporttest.Ten()))
	var js bytes.Buffer
	if err := jsonreport.Render(&js, v); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&js)
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	nums := map[string]float64{}
	// schema_version describes the JSON file itself, not the snapshot.
	jsonNumbers("", doc, map[string]bool{"schema_version": true}, nums)
	if len(nums) < 40 {
		t.Fatalf("only %d numbers in the JSON report; the fixture changed?", len(nums))
	}
	text := strings.Join(strings.Fields(pdfText(t, render(t, v, Options{}))), " ")
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '(' || r == ')' || r == ';' }) {
		words[strings.TrimRight(w, ",.")] = true
	}
	paths := make([]string, 0, len(nums))
	for p := range nums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f := nums[p]
		want := num(int(f))
		if strings.Contains(p, "share") {
			want = p1(f)
		} else if f != float64(int(f)) {
			t.Errorf("%s = %v: a count that is not an integer", p, f)
			continue
		}
		if !words[want] {
			t.Errorf("JSON %s = %v: %q not in the PDF text", p, f, want)
		}
	}
}

// TestRenderBuiltHostile renders the hostile fixture through report.Build:
// the file stays valid and its tables keep their columns.
func TestRenderBuiltHostile(t *testing.T) {
	v := buildView(t, reporttest.HostileMeta(), reporttest.Stream(reporttest.HostileServices()))
	b := render(t, v, Options{})
	info := pdfInfo(t, b)
	if n, err := strconv.Atoi(info["Pages"]); err != nil || n < 6 {
		t.Errorf("Pages = %q, want a full report", info["Pages"])
	}
	text := pdfText(t, b)
	for _, bad := range []string{"\x1b", "\u202e", "\u2066", "\u200f", "\ufeff", "\x07"} {
		if strings.Contains(text, bad) {
			t.Errorf("PDF text contains %q", bad)
		}
	}
	if _, ok := findRow(text, "All products", num(v.Headline.Services)); !ok {
		t.Error("products total row not intact")
	}
}
