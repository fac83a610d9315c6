package catalog_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
)

// FuzzLoad feeds any YAML to the catalog loader as a catalog of two files
// (catalog.yaml with the version and shared rules, products.yaml with the
// products) and checks: no panic, no hang; Load and Check agree on whether
// the catalog is valid; every problem names one of the two files with a
// line; and a catalog that loads classifies a banner without panicking.
//
// The seeds are the embedded catalog (queries/), the loader's good and bad
// fixtures (testdata/) and YAML bombs; `go test` runs them.
func FuzzLoad(f *testing.F) {
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	goodHead := read("testdata/good/catalog.yaml")
	f.Add(goodHead, read("testdata/good/products.yaml"))
	bad, _ := filepath.Glob("testdata/bad/*.yaml")
	for _, p := range bad {
		f.Add(goodHead, read(p))
	}
	embedded, _ := filepath.Glob("../../queries/*.yaml")
	var head []byte
	for _, p := range embedded {
		if filepath.Base(p) == "catalog.yaml" {
			head = read(p)
		}
	}
	for _, p := range embedded {
		if filepath.Base(p) != "catalog.yaml" {
			f.Add(head, read(p))
		}
	}
	f.Add([]byte("version: x\n"), []byte("a: &a [*a, *a]\n"))
	f.Add([]byte("version: x\n"), []byte(strings.Repeat("- ", 5000)+"x\n"))
	f.Add([]byte("version: x\n"), []byte("products:\n  - id: \"\\x1b[31m\"\n    name: \"\u202e\"\n"))
	f.Add([]byte("\xff\xfe"), []byte(": : :\n\t- ["))
	f.Fuzz(func(t *testing.T, head, products []byte) {
		fsys := fstest.MapFS{
			"catalog.yaml":  {Data: head},
			"products.yaml": {Data: products},
		}
		c, err := catalog.Load(fsys)
		problems := catalog.Check(fsys)
		if (err == nil) != (len(problems) == 0) {
			t.Fatalf("Load error %v but Check found %d problems: %v", err, len(problems), problems)
		}
		for _, p := range problems {
			msg := p.Error()
			if !strings.HasPrefix(msg, "catalog.yaml:") && !strings.HasPrefix(msg, "products.yaml:") {
				t.Fatalf("problem names no file: %q", msg)
			}
		}
		if err != nil {
			if c != nil {
				t.Fatal("Load returned a catalog with an error")
			}
			return
		}
		if c.Version() == "" {
			t.Fatal("a valid catalog without a version")
		}
		o := &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr("198.51.100.7"), Port: 6443, Transport: "tcp",
			Module: "https", HTTP: &model.HTTP{Status: 401, Title: "Kubernetes", Body: `{"kind":"Status","code":401}`,
				Headers: []model.Header{{Name: "WWW-Authenticate", Value: "Basic"}}}, Banner: "HTTP/1.1 401 Unauthorized"}
		if cl, ok := c.Classify(o); ok {
			if _, known := c.Product(cl.Product); !known {
				t.Fatalf("classified as unknown product %q", cl.Product)
			}
		}
	})
}
