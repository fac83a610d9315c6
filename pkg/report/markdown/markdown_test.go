package markdown_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata")

func view(t *testing.T, m report.Meta, ss []model.Service) *report.View {
	t.Helper()
	v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return v
}

func render(t *testing.T, v *report.View, tmpl string) string {
	t.Helper()
	var b bytes.Buffer
	if err := markdown.Render(&b, v, tmpl); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

// golden compares got with ../testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/report/markdown -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got %q\nwant %q\n(go test ./pkg/report/markdown -update rewrites it after review)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tt := range []struct {
		name      string
		addresses bool
	}{
		{"report.md", false},
		{"report-addresses.md", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := reporttest.Meta()
			m.IncludeAddresses = tt.addresses
			got := render(t, view(t, m, reporttest.Ten()), "")
			golden(t, tt.name, got)
		})
	}
}

// The headline paragraph carries the Ten fixture's known figures.
func TestRenderHeadline(t *testing.T) {
	got := render(t, view(t, reporttest.Meta(), reporttest.Ten()), "")
	for _, want := range []string{
		"Of 10 exposed services on 8 hosts, 3 (30.0%) required no authentication, 4 (40.0%) demanded credentials",
		"1 of 6 Kubernetes-family services answered without authentication.",
		"70.0% of the services were hosted on AWS, and 57.1% of those in AWS US regions.",
		"Kubernetes-family services make up 60.0% of the total.",
		"| US regions | 4 | 57.1% |",
		"| Non-US regions | 1 | 14.3% |",
		"| Region unknown | 2 | 28.6% |",
		"| Shodan only | 5 | 50.0% |",
		"| Kubernetes API server | kubernetes | orchestration | 5 | 5 | 1 | 2 | 2 | 20.0% |",
		"| Swarmpit | docker | orchestration | 0 | 0 | 0 | 0 | 0 | 0% |",
		"| none | 2 | 20.0% | 0 | 1 | 1 |",
		"Observations stored: 14; duplicates merged into services: 4.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, leak := range []string{"3.5.140.2", "2600:1f18::1", "example.net", "kubernetes-api panel"} {
		if strings.Contains(got, leak) {
			t.Errorf("report without --include-addresses contains %q", leak)
		}
	}
}

func TestRenderEmpty(t *testing.T) {
	v := view(t, report.Meta{Snapshot: "empty"}, nil)
	got := render(t, v, "")
	if !strings.Contains(got, "The snapshot holds no exposed services.") {
		t.Errorf("empty report:\n%s", got)
	}
	checkTables(t, got, 0)
}

// Hostile strings in every banner-derived field, the title, the notes and
// the inputs must not change the report's structure.
func TestRenderHostile(t *testing.T) {
	m := reporttest.HostileMeta()
	m.IncludeAddresses = true
	ss := append(reporttest.Ten(), reporttest.HostileServices()...)
	v := view(t, m, ss)
	got := render(t, v, "")

	// The same report with harmless strings has the same shape.
	plain := reporttest.HostileMeta()
	plain.IncludeAddresses = true
	plain.Title, plain.Snapshot, plain.CatalogVersion = "t", "s", "c"
	plainSS := reporttest.Ten()
	for i, s := range reporttest.HostileServices() {
		if s.Product == "" { // the empty hostile string stays empty
			plainSS = append(plainSS, s)
			continue
		}
		s.Product, s.Version, s.Country, s.Title = fmt.Sprint("p", i), fmt.Sprint("v", i), fmt.Sprint("c", i), "t"
		s.Cloud.Provider, s.Cloud.Region, s.Cloud.Source = fmt.Sprint("h", i), fmt.Sprint("r", i), fmt.Sprint("x", i)
		s.Hostnames = []string{"h"}
		s.Port = uint16(1000 + i)
		plainSS = append(plainSS, s)
	}
	want := render(t, view(t, plain, plainSS), "")

	if g, w := strings.Count(got, "\n"), strings.Count(want, "\n"); g != w {
		t.Errorf("hostile report has %d lines, harmless one %d", g, w)
	}
	checkTables(t, got, len(ss))
	for _, bad := range []string{"<script", "<b>", "\x1b", "\u202E", "\u2066", "\u200F", "\u061C", "\u200B", "\x07", "\r"} {
		if strings.Contains(got, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	if !utf8.ValidString(got) {
		t.Error("report is not valid UTF-8")
	}
	for i, line := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(line); n > 4000 {
			t.Errorf("line %d is %d runes: the 10,000-character title was not capped", i+1, n)
		}
		if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "## ") {
			t.Errorf("line %d starts a heading the template did not write: %q", i+1, line)
		}
	}
	if strings.Count(got, "\n## ") != strings.Count(want, "\n## ") || strings.Count(got, "\n# ") != 0 {
		t.Errorf("headings changed")
	}
}

// checkTables asserts that every table row has as many unescaped pipes
// as its header, and that a report listing addresses has one row per
// service in its Services table.
func checkTables(t *testing.T, doc string, services int) {
	t.Helper()
	lines := strings.Split(doc, "\n")
	pipes := -1
	rows := 0
	inServices := false
	for i, line := range lines {
		if line == "## Services" {
			inServices = true
		}
		if !strings.HasPrefix(line, "|") {
			pipes = -1
			continue
		}
		n := cellPipes(line)
		if pipes == -1 {
			pipes = n
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "|---") {
				t.Errorf("line %d: a table row with no header separator after it: %q", i+1, line)
			}
		} else if n != pipes {
			t.Errorf("line %d has %d cell pipes, its table %d: %q", i+1, n, pipes, line)
		} else if inServices && !strings.HasPrefix(line, "|---") {
			rows++
		}
		if !strings.HasSuffix(line, "|") {
			t.Errorf("line %d does not end its row: %q", i+1, line)
		}
	}
	if services > 0 && rows != services {
		t.Errorf("services table has %d rows, want %d", rows, services)
	}
}

// cellPipes counts the pipes that delimit cells: those not escaped by an
// odd number of backslashes.
func cellPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] != '|' {
			continue
		}
		bs := 0
		for j := i - 1; j >= 0 && line[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			n++
		}
	}
	return n
}

func TestRenderDeterministic(t *testing.T) {
	m := reporttest.HostileMeta()
	m.IncludeAddresses = true
	ss := append(reporttest.Ten(), reporttest.HostileServices()...)
	a := render(t, view(t, m, ss), "")
	b := render(t, view(t, m, ss), "")
	if a != b {
		t.Error("two renders of the same snapshot differ")
	}
}

func TestRenderCustomTemplate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "brief.md.tmpl")
	if err := os.WriteFile(path, []byte("{{num .Headline.Services}} services, {{pct .Headline.OpenShare}} open; first product {{md (index .ByProduct 0).Name}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl, err := markdown.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := render(t, view(t, reporttest.Meta(), reporttest.Ten()), tmpl)
	if want := "10 services, 30.0% open; first product Kubernetes API server\n"; got != want {
		t.Errorf("custom template gave %q, want %q", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tmpl")
	if err := os.WriteFile(bad, []byte("line one\n{{nosuchfunc .Title}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := markdown.Load(bad); err == nil || !strings.Contains(err.Error(), "bad.tmpl:2") || !strings.Contains(err.Error(), "nosuchfunc") {
		t.Errorf("syntax error: err = %v, want file:line and the function name", err)
	}
	if _, err := markdown.Load(filepath.Join(dir, "missing.tmpl")); err == nil || !strings.Contains(err.Error(), "missing.tmpl") {
		t.Errorf("missing file: err = %v", err)
	}
	var b bytes.Buffer
	err := markdown.Render(&b, view(t, reporttest.Meta(), reporttest.Ten()), "{{.NoSuchField}}")
	if err == nil || !strings.Contains(err.Error(), "NoSuchField") || strings.Contains(err.Error(), "report.md.tmpl") {
		t.Errorf("execution error: err = %v (a user's template is not the embedded one)", err)
	}
	err = markdown.RenderNamed(&b, view(t, reporttest.Meta(), reporttest.Ten()), "mine.tmpl", "line one\n{{.NoSuchField}}")
	if err == nil || !strings.Contains(err.Error(), "mine.tmpl:2:") {
		t.Errorf("execution error of a named template: err = %v, want mine.tmpl:2", err)
	}
}

func TestEscape(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"Kubernetes Dashboard", "Kubernetes Dashboard"},
		{"a|b", `a\|b`},
		{"`code`", "\\`code\\`"},
		{"*b* _i_ ~s~", `\*b\* \_i\_ \~s\~`},
		{"[x](http://e) ![i](j)", `\[x\](http://e) \!\[i\](j)`},
		{"<script>&", "&lt;script&gt;&amp;"},
		{"# h", `\# h`},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"12. item", `12\. item`},
		{"3) item", `3\) item`},
		{"v1.2.3", "v1.2.3"},
		{"1.2.3", "1.2.3"},
		{"1.", `1\.`},
		{`back\slash`, `back\\slash`},
		{"$x$", `\$x\$`},
		{"a\nb", "a b"},
		{"\u202Eevil", "evil"},
		{"\xff", "\uFFFD"},
	} {
		if got := markdown.Escape(tt.in, 0); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := markdown.Escape(strings.Repeat("x", 10000), 50); utf8.RuneCountInString(got) != 50 || !strings.HasSuffix(got, "…") {
		t.Errorf("cap: %d runes, %q", utf8.RuneCountInString(got), got[len(got)-8:])
	}
}

func TestNumPct(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 22672: "22,672", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := markdown.Num(n); got != want {
			t.Errorf("Num(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{0, "0%"}, {1, "100%"}, {305.0 / 22672, "1.3%"}, {0.58, "58.0%"}, {0.0001, "<0.1%"},
		{0.99999, ">99.9%"}, {0.9994, "99.9%"}, {0.0005, "0.1%"},
	} {
		if got := markdown.Pct(tt.f); got != tt.want {
			t.Errorf("Pct(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, h := range reporttest.Hostile() {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := markdown.Escape(s, markdown.CellMax)
		row := "| " + got + " | x |"
		if cellPipes(row) != 3 {
			t.Fatalf("%q breaks a table row: %q", s, row)
		}
		if strings.ContainsAny(got, "<>\n\r") {
			t.Fatalf("%q escaped to %q", s, got)
		}
	})
}

// TestCellUnprintable checks that a banner value made only of characters
// that escaping removes (an ANSI sequence, bidi and zero-width marks)
// shows as a dash in its table cell, not as an empty cell, while an
// empty value stays empty for the template to word.
func TestCellUnprintable(t *testing.T) {
	fm := markdown.Funcs()
	md := fm["md"].(func(string) string)
	mdn := fm["mdn"].(func(int, string) string)
	for _, s := range []string{"\x1b[31m\x1b[0m", "\u202e\u200b", "\x00\x07"} {
		if got := md(s); got != "–" {
			t.Errorf("md(%q) = %q, want –", s, got)
		}
		if got := mdn(10, s); got != "–" {
			t.Errorf("mdn(10, %q) = %q, want –", s, got)
		}
	}
	if got := md(""); got != "" {
		t.Errorf(`md("") = %q, want ""`, got)
	}
	if got := md("v1.29*"); got != `v1.29\*` {
		t.Errorf("md = %q", got)
	}
	v := reporttest.Ten()
	v[0].Version = "\x1b[2J\u202e"
	m := reporttest.Meta()
	view, err := report.Build(context.Background(), m, reporttest.Stream(v))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := markdown.Render(&b, view, ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "|  |") || strings.Contains(b.String(), "||") {
		t.Errorf("an empty table cell in:\n%s", b.String())
	}
}
