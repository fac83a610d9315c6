package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// FuzzImport feeds any bytes to Import as a file, in every engine mode and
// with a small record cap, and checks what holds for every format: no
// panic, no hang; the counters agree (bad records are among those read,
// at most MaxErrors are listed, each names the file and a line); every
// observation has a valid address and a transport, and its strings keep the
// caps of package model; and a file that a strict import accepts imports
// with no bad record and emits the same observations.
//
// The seeds are every fixture of testdata/ (each format Import detects),
// their gzip copies and a few hand-made breakages; `go test` runs them.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json*")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0), false)
		f.Add(b[:len(b)/2], uint8(1), false)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(b)
		zw.Close()
		f.Add(z.Bytes(), uint8(0), true)
	}
	for _, s := range []string{
		"", "\n\n", "[]", "{}", "null", `[{"ip_str":"1.2.3.4","port":6443}]`,
		`{"ip_str":"1.2.3.4","port":6443,"transport":"tcp","product":12,"data":"x"}`,
		strings.Repeat("[", 10000),
		`{"result":{"hits":[{"host_v1":{"resource":{"ip":"10.0.0.1","services":[{"port":"x"}]}}}]}}`,
		"\x1f\x8b\x08\x00garbage",
	} {
		f.Add([]byte(s), uint8(0), false)
	}
	engines := []string{"", EngineShodan, EngineCensys, EngineOrchex}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8, small bool) {
		path := filepath.Join(t.TempDir(), "in.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		opts := Options{Engine: engines[int(mode)%len(engines)]}
		if small {
			opts.MaxRecord = 512
		}
		ctx := context.Background()
		var got []string
		res, err := Import(ctx, path, opts, func(o *model.Observation) error {
			checkObservation(t, o)
			got = append(got, o.Addr.String()+" "+o.Transport)
			return nil
		})
		if err != nil && !errors.Is(err, ErrUnknownFormat) && res.Read == 0 && res.Bad == 0 && !res.Truncated {
			// An error before any record is fine (unknown format,
			// broken gzip); it must name the file.
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
		if res.Bad > res.Read || res.Bad < 0 || res.Kept != len(got) {
			t.Fatalf("counters: read %d bad %d kept %d, %d emitted", res.Read, res.Bad, res.Kept, len(got))
		}
		// The list holds the bad records and, for a file that ended
		// early, the break.
		limit := res.Bad
		if res.Truncated {
			limit++
		}
		if len(res.Errors) > MaxErrors || len(res.Errors) > limit {
			t.Fatalf("%d errors listed, %d bad, truncated %v", len(res.Errors), res.Bad, res.Truncated)
		}
		for _, re := range res.Errors {
			if re.Line < 1 || !strings.Contains(re.Error(), "in.json:") {
				t.Fatalf("record error without file:line: %q (line %d)", re.Error(), re.Line)
			}
		}
		if err != nil {
			return
		}
		opts.Strict = true
		var strict []string
		_, serr := Import(ctx, path, opts, func(o *model.Observation) error {
			strict = append(strict, o.Addr.String()+" "+o.Transport)
			return nil
		})
		if serr != nil {
			if res.Bad == 0 && !res.Truncated {
				t.Fatalf("strict import fails (%v) where the lenient one saw nothing bad", serr)
			}
			if len(strict) != 0 {
				t.Fatalf("strict import failed (%v) after emitting %d observations", serr, len(strict))
			}
			return
		}
		if res.Bad != 0 || res.Truncated {
			t.Fatalf("strict import accepts a file with %d bad records (truncated %v)", res.Bad, res.Truncated)
		}
		if strings.Join(strict, "\n") != strings.Join(got, "\n") {
			t.Fatalf("strict and lenient imports emit different observations:\n%v\n%v", strict, got)
		}
	})
}

// checkObservation asserts the decoders' caps (package model) on one
// observation.
func checkObservation(t *testing.T, o *model.Observation) {
	t.Helper()
	if !o.Addr.IsValid() {
		t.Fatalf("observation without a valid address: %+v", o)
	}
	if o.Transport != "tcp" && o.Transport != "udp" {
		t.Fatalf("transport %q", o.Transport)
	}
	capped := func(what, s string, max int) {
		if len(s) > max {
			t.Fatalf("%s is %d bytes, cap %d", what, len(s), max)
		}
	}
	capped("banner", o.Banner, model.MaxBanner)
	capped("org", o.Org, model.MaxText)
	capped("product", o.Product, model.MaxText)
	capped("version", o.Version, model.MaxText)
	capped("city", o.City, model.MaxText)
	if len(o.Hostnames) > model.MaxList || len(o.Labels) > model.MaxList || len(o.Software) > model.MaxList {
		t.Fatalf("lists over the cap: %d hostnames, %d labels, %d software", len(o.Hostnames), len(o.Labels), len(o.Software))
	}
	for _, h := range o.Hostnames {
		capped("hostname", h, model.MaxText)
	}
	if h := o.HTTP; h != nil {
		capped("title", h.Title, model.MaxTitle)
		capped("body", h.Body, model.MaxBody)
		if len(h.Headers) > model.MaxHeaders {
			t.Fatalf("%d headers", len(h.Headers))
		}
		for _, x := range h.Headers {
			capped("header name", x.Name, model.MaxHeaderName)
			capped("header value", x.Value, model.MaxHeaderValue)
		}
	}
	if o.TLS != nil && len(o.TLS.SANs) > model.MaxSANs {
		t.Fatalf("%d SANs", len(o.TLS.SANs))
	}
}
