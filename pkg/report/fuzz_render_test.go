package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/csvreport"
	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/html/htmltest"
	"github.com/orchex/orchex/pkg/report/jsonreport"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

// FuzzRenderers puts one string in every field a banner, a tag or a file
// name can fill (title, org, city, hostnames, auth evidence, version,
// cloud service, input name, report title; regions are normalized before
// they reach a view) of the Ten fixture and
// renders Markdown, JSON, CSV and HTML with addresses. Whatever the
// string: the Markdown has the same tables, with the same header and row
// cell counts, and the same number of lines as with a plain word (the
// empty string with itself); the JSON is valid; the CSV parses strictly
// with the same records count; the HTML holds no element or attribute
// the renderer does not write (no script, event handler, style attribute
// or link out of the page) and its tables have the same captions and
// cell counts.
func FuzzRenderers(f *testing.F) {
	for _, s := range reporttest.Hostile() {
		f.Add(s)
	}
	f.Add("plain")
	shape := func(t *testing.T, s string) (md string, lines int, cells []int, rows int, page []string) {
		t.Helper()
		m, ss := reporttest.Poisoned(s)
		v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := markdown.Render(&b, v, ""); err != nil {
			t.Fatal(err)
		}
		md = b.String()
		for _, line := range strings.Split(md, "\n") {
			lines++
			if strings.HasPrefix(line, "|") {
				n := 0
				for i := 0; i < len(line); i++ {
					switch line[i] {
					case '\\':
						i++
					case '|':
						n++
					}
				}
				cells = append(cells, n)
			}
		}
		b.Reset()
		if err := jsonreport.Render(&b, v); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b.Bytes()) {
			t.Fatalf("invalid JSON for %q", s)
		}
		b.Reset()
		err = csvreport.Write(&b, func(fn func(*model.Service) error) error { return reporttest.Stream(ss)(fn) }, true)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("CSV for %q: %v", s, err)
		}
		b.Reset()
		if err := html.Render(&b, v); err != nil {
			t.Fatal(err)
		}
		p, err := htmltest.Inspect(&b)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Problems) > 0 {
			t.Fatalf("HTML for %q: %q", s, p.Problems)
		}
		return md, lines, cells, len(recs), p.Shape()
	}
	f.Fuzz(func(t *testing.T, s string) {
		// An empty value is shown as a dash or leaves a row out (an empty
		// version has no row): the empty string is compared with itself,
		// a blank one with a space, any other with a plain word.
		ref := "plain"
		switch {
		case s == "":
			ref = ""
		case strings.TrimSpace(s) == "":
			// Blank is a version row, and no version to judge.
			ref = " "
		}
		if _, ok := eol.ParseVersion(s); ok {
			t.Skip("a version decides the support figures (and their cycle rows)")
		}
		_, wantLines, wantCells, wantRows, wantPage := shape(t, ref)
		md, lines, cells, rows, page := shape(t, s)
		if lines != wantLines || len(cells) != len(wantCells) || rows != wantRows {
			t.Fatalf("%q changed the report's shape: %d lines, %d table rows, %d CSV records; want %d, %d, %d\n%s",
				s, lines, len(cells), rows, wantLines, len(wantCells), wantRows, md)
		}
		for i := range cells {
			if cells[i] != wantCells[i] {
				t.Fatalf("%q: table row %d has %d cells, want %d\n%s", s, i, cells[i], wantCells[i], md)
			}
		}
		if !slices.Equal(page, wantPage) {
			t.Fatalf("%q changed the HTML tables:\n got %q\nwant %q", s, page, wantPage)
		}
	})
}
