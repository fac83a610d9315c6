package eol

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/sharedtest"
	"testing/fstest"
)

// sharedEOL returns ../shared/data/eol beside the module root, or skips
// the test when it is absent (a user's clone); under CI it must exist.
func sharedEOL(t testing.TB) string {
	t.Helper()
	return sharedtest.Dir(t, "data/eol")
}

// TestEmbeddedSharedPages proves that the committed calendars.json is
// exactly what `go generate ./pkg/eol` writes from ../shared/data/eol.
func TestEmbeddedSharedPages(t *testing.T) {
	dir := sharedEOL(t)
	var b bytes.Buffer
	if err := Generate(os.DirFS(dir), &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), embedded) {
		t.Errorf("pkg/eol/calendars.json differs from what the generator writes from %s: run go generate ./pkg/eol", dir)
	}
}

// TestReadSharedPages checks what the real pages say, counted by hand
// from ../shared/data/eol.
func TestReadSharedPages(t *testing.T) {
	d, err := LoadDir(sharedEOL(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"amazon-eks": 19, "argo-cd": 30, "azure-kubernetes-service": 16, "docker-engine": 26, "etcd": 8,
		"google-kubernetes-engine": 20, "kong-gateway": 11, "kubernetes": 21, "nomad": 14, "rancher": 17, "red-hat-openshift": 22}
	got := map[string]int{}
	for _, p := range d.Products {
		got[p.ID] = len(p.Cycles)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cycles per product %v, want %v", got, want)
	}
	if d.Commit != "a70eca337600e7d721dc48112c271f98661d208b" || d.Date != "2026-08-22" || d.Source != "github.com/endoflife-date/endoflife.date" {
		t.Errorf("source %q commit %q date %q", d.Source, d.Commit, d.Date)
	}
	eks, _ := d.Product(CalEKS)
	if c := eks.Cycles[len(eks.Cycles)-1]; c.EOES != nil {
		t.Errorf("oldest EKS cycle %s has eoes %v; the page has none", c.Name, c.EOES)
	}
}

func TestEmbedded(t *testing.T) {
	d, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if d.Origin != "embedded" || d.Date != "2026-08-22" || d.Commit == "" || d.Licence.Name != "MIT" ||
		d.Licence.Copyright != "Copyright 2020 endoflife.date contributors" || !strings.HasPrefix(d.Licence.Text, mitStart) {
		t.Errorf("embedded data: origin %q date %q commit %q licence %+v", d.Origin, d.Date, d.Commit, d.Licence)
	}
	var ids []string
	for _, p := range d.Products {
		ids = append(ids, p.ID)
	}
	if !reflect.DeepEqual(ids, CalendarIDs()) {
		t.Errorf("embedded products %v, want the calendars the rules use %v", ids, CalendarIDs())
	}
	k, _ := d.Product(CalKubernetes)
	if k.Cycles[0].Name != "1.36" || k.Cycles[0].EOL.Date != "2027-06-28" || k.Title != "Kubernetes" {
		t.Errorf("newest kubernetes cycle %+v", k.Cycles[0])
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	d := fixture(t)
	var b bytes.Buffer
	if err := Encode(&b, d); err != nil {
		t.Fatal(err)
	}
	e, err := Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	d.Origin = ""
	if !reflect.DeepEqual(d, e) {
		t.Errorf("round trip changed the data:\n%+v\n%+v", d, e)
	}
	var again bytes.Buffer
	Encode(&again, e)
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("encoding is not deterministic")
	}
}

func TestDecodeRejects(t *testing.T) {
	good := `{"format":"orchex-eol/1","source":"s","licence":{"name":"","copyright":"","text":""},"products":[{"id":"etcd","title":"etcd","cycles":[{"cycle":"3.5","eol":"2027-07-08"}]}]}`
	if _, err := Decode(strings.NewReader(good)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	tests := []struct{ name, old, new, want string }{
		{"format", `orchex-eol/1`, `orchex-eol/2`, `format "orchex-eol/2"`},
		{"unknown field", `"source":"s"`, `"source":"s","extra":1`, `unknown field "extra"`},
		{"bad eol date", `2027-07-08`, `2027-02-30`, `product "etcd" cycle "3.5": eol: "2027-02-30" is not a date`},
		{"no eol", `,"eol":"2027-07-08"`, ``, `product "etcd" cycle "3.5": no eol`},
		{"null eol", `"eol":"2027-07-08"`, `"eol":null`, `product "etcd" cycle "3.5": eol: want a date or a boolean, found null`},
		{"bad eoes", `"eol":"2027-07-08"`, `"eol":"2027-07-08","eoes":"x"`, `product "etcd" cycle "3.5": eoes: "x" is not a date`},
		{"eol not a date", `"eol":"2027-07-08"`, `"eol":"soon"`, `"soon" is not a date`},
		{"eol a number", `"eol":"2027-07-08"`, `"eol":3`, `want a date or a boolean`},
		{"cycle not a version", `"cycle":"3.5"`, `"cycle":"3.5-beta"`, `cycle name "3.5-beta" is not a version`},
		{"duplicate cycle", `{"cycle":"3.5","eol":"2027-07-08"}`, `{"cycle":"3.5","eol":"2027-07-08"},{"cycle":"3.05","eol":true}`, `cycle "3.05" appears twice`},
		{"no cycles", `[{"cycle":"3.5","eol":"2027-07-08"}]`, `[]`, `no release cycles`},
		{"duplicate product", `"products":[`, `"products":[{"id":"etcd","title":"x","cycles":[{"cycle":"1","eol":true}]},`, `product "etcd" appears twice`},
		{"no products", `[{"id":"etcd","title":"etcd","cycles":[{"cycle":"3.5","eol":"2027-07-08"}]}]`, `[]`, `no products`},
		{"bad data date", `"source":"s"`, `"source":"s","date":"22/08/2026"`, `date "22/08/2026"`},
		{"not json", good, `<html>`, `invalid character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(good, tt.old, tt.new, 1)
			if in == good && tt.old != good {
				t.Fatalf("replacement %q not found", tt.old)
			}
			_, err := Decode(strings.NewReader(in))
			if !errors.Is(err, ErrBadData) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrBadData containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDir(dir); !errors.Is(err, ErrNoData) {
		t.Errorf("empty dir: %v, want ErrNoData", err)
	}
	b, _ := os.ReadFile("testdata/calendars.json")
	os.WriteFile(filepath.Join(dir, FileName), b, 0o644)
	d, err := LoadDir(dir)
	if err != nil || d.Origin != filepath.Join(dir, FileName) || len(d.Products) != 11 {
		t.Fatalf("LoadDir: %v, %+v", err, d)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte(`{"format":"orchex-eol/1"`), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, FileName)) {
		t.Errorf("truncated file: %v, want an error naming it", err)
	}
	pages, err := LoadDir("testdata/pages")
	if err != nil || pages.Origin != "testdata/pages" || len(pages.Products) != 2 {
		t.Errorf("pages dir: %v %+v", err, pages)
	}
}

func TestReadPages(t *testing.T) {
	d, err := ReadPages(os.DirFS("testdata/pages"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Data{
		Source: "endoflife.date product pages", // no SOURCES.md
		Products: []Product{
			{ID: "etcd", Title: "etcd", Cycles: []Cycle{
				{Name: "3.10", Release: "2027-01-05", EOL: End{}},
				{Name: "3.6", Release: "2025-05-15", EOL: End{}},
				{Name: "3.5", Release: "2021-06-15", EOL: End{Date: "2027-07-08"}},
				{Name: "3.4", Release: "2019-08-30", EOL: End{Ended: true}},
			}},
			{ID: "kong-gateway", Title: "Kong Gateway", Cycles: []Cycle{
				{Name: "3.4", Release: "2023-08-09", EOL: End{}, EOES: &End{Date: "2026-08-09"}},
				{Name: "2.8", Release: "2022-03-01", EOL: End{Date: "2024-06-24"}, EOES: &End{Date: "2025-03-01"}},
			}},
		},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("ReadPages:\n%+v\nwant\n%+v", d, want)
	}
}

func TestReadPagesErrors(t *testing.T) {
	page := func(releases string) string {
		return "---\ntitle: X\nreleases:\n" + releases + "---\n\nText.\n"
	}
	tests := []struct{ name, body, want string }{
		{"bad eol", page("  - releaseCycle: \"1.0\"\n    eol: someday\n"), `x.md:5: eol "someday" is neither a date`},
		{"bad release date", page("  - releaseCycle: \"1.0\"\n    releaseDate: 2020-13-01\n    eol: true\n"), `x.md:5: releaseDate "2020-13-01"`},
		{"no eol", page("  - releaseCycle: \"1.0\"\n    releaseDate: 2020-01-01\n"), `x.md:4: release "1.0" has no eol`},
		{"no cycle", page("  - eol: true\n"), `x.md:4: a release has no releaseCycle`},
		{"bad eoes", page("  - releaseCycle: \"1.0\"\n    eol: true\n    eoes: [1]\n"), `x.md:6: eoes "" is neither`},
		{"releases not a list", "---\nreleases: 3\n---\n", `x.md:2: releases is not a list`},
		{"yaml", "---\nreleases: [\n---\n", `x.md: front matter`},
		{"cycle not a version", page("  - releaseCycle: \"lts\"\n    eol: true\n"), `cycle name "lts" is not a version`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPages(fstest.MapFS{"x.md": {Data: []byte(tt.body)}})
			if !errors.Is(err, ErrBadData) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrBadData containing %q", err, tt.want)
			}
		})
	}
	// Markdown that is not a product page is skipped; none at all is ErrNoData.
	_, err := ReadPages(fstest.MapFS{"README.md": {Data: []byte("# Hello\n")}, "a.md": {Data: []byte("---\ntitle: no releases\n---\n")}})
	if !errors.Is(err, ErrNoData) {
		t.Errorf("no pages: %v, want ErrNoData", err)
	}
}

func TestGenerateNeedsProvenance(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, id := range CalendarIDs() {
		fsys[id+".md"] = &fstest.MapFile{Data: []byte("---\ntitle: " + id + "\nreleases:\n  - releaseCycle: \"1.0\"\n    eol: true\n---\n")}
	}
	if err := Generate(fsys, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "SOURCES.md") {
		t.Errorf("no SOURCES.md: %v", err)
	}
	fsys["SOURCES.md"] = &fstest.MapFile{Data: []byte("Pages of github.com/endoflife-date/endoflife.date, commit " + strings.Repeat("ab", 20) + " of 2026-01-02.\n")}
	if err := Generate(fsys, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "LICENSE") {
		t.Errorf("no LICENSE: %v", err)
	}
	fsys["LICENSE"] = &fstest.MapFile{Data: []byte("Copyright 2020 someone\n\n" + mitStart + ", to any person.\n")}
	delete(fsys, "etcd.md")
	if err := Generate(fsys, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "no page etcd.md") {
		t.Errorf("missing page: %v", err)
	}
	fsys["etcd.md"] = fsys["nomad.md"]
	fsys["python.md"] = fsys["nomad.md"] // a page orchex does not use is left out
	var b bytes.Buffer
	if err := Generate(fsys, &b); err != nil {
		t.Fatal(err)
	}
	d, err := Decode(&b)
	if err != nil || len(d.Products) != len(CalendarIDs()) || d.Date != "2026-01-02" || d.Licence.Name != "MIT" {
		t.Errorf("generated: %v %+v", err, d)
	}
}
