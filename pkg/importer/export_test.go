package importer

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

func exportServices() []model.Service {
	t0 := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	return []model.Service{
		{
			Key:     model.Key{Addr: netip.MustParseAddr("52.15.3.7"), Port: 6443, Transport: "tcp"},
			Product: "kubernetes-api", ProductEvidence: "403 system:anonymous on /", Version: "v1.31.4",
			Auth: model.AuthRequired, AuthEvidence: "403 system:anonymous on /", Confidence: model.High,
			AuthSeenAt: t0.Add(48 * time.Hour), AuthConflict: true, Engines: model.SeenShodan | model.SeenCensys,
			FirstSeen: t0, LastSeen: t0.Add(48 * time.Hour),
			Hostnames: []string{"a.example.com", "b.example.com"}, Org: "Amazon.com, Inc.", ASN: 16509,
			Country: "US", City: "Columbus", Title: "| pipe `tick` <b>x</b>\u202e",
			Cloud: model.CloudTag{Provider: "aws", Region: "us-east-2", Service: "EC2", Source: "engine:shodan"},
		},
		{
			Key:     model.Key{Addr: netip.MustParseAddr("2001:db8::5"), Port: 2379, Transport: "tcp"},
			Product: "etcd", Auth: model.AuthOpen, AuthEvidence: "v2 auth disabled", Confidence: model.Low,
			AuthSeenAt: t0, Engines: model.SeenCensys, FirstSeen: t0, LastSeen: t0,
		},
	}
}

func TestExportRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	want := exportServices()
	for i := range want {
		if err := WriteExport(&buf, &want[i]); err != nil {
			t.Fatal(err)
		}
	}
	if n := bytes.Count(buf.Bytes(), []byte("\n")); n != 2 || !bytes.Contains(buf.Bytes(), []byte(`"orchex":"service/v1"`)) {
		t.Fatalf("export:\n%s", buf.Bytes())
	}
	// Deterministic: the same services give the same bytes.
	var again bytes.Buffer
	for i := range want {
		_ = WriteExport(&again, &want[i])
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("export is not deterministic")
	}
	path := filepath.Join(t.TempDir(), "export.ndjson")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, gzipCopy(t, path)} {
		res, obs, err := collect(t, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != OrchexExport || res.Engine != EngineOrchex || res.Read != 2 || res.Kept != 5 {
			t.Errorf("result %+v (want 2 records: 2 engines x 2 times, then 1)", res)
		}
		merged := map[model.Key]model.Service{}
		for i := range obs {
			o := &obs[i]
			if o.Known == nil {
				t.Fatal("observation without Known classification")
			}
			tag := model.CloudTag{}
			if o.KnownCloud != nil {
				tag = *o.KnownCloud
			}
			s := normalize.Service(o, *o.Known, tag)
			if m, ok := merged[s.Key]; ok {
				s = normalize.Merge(m, s)
			}
			merged[s.Key] = s
		}
		for _, w := range want {
			got := merged[w.Key]
			w.AuthSeenAt = w.LastSeen // documented: not carried
			if !reflect.DeepEqual(got, w) {
				t.Errorf("round trip of %v:\n got  %+v\n want %+v", w.Key, got, w)
			}
		}
	}
}

func TestExportRejects(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"orchex":"service/v2","addr":"192.0.2.1","port":80,"transport":"tcp","product":"x","auth":"open","engines":["shodan"]}`, `export version "service/v2"`},
		{`{"orchex":"service/v1","port":80,"transport":"tcp","product":"x","auth":"open","engines":["shodan"]}`, "no valid addr"},
		{`{"orchex":"service/v1","addr":"192.0.2.1","port":80,"transport":"sctp","product":"x","auth":"open","engines":["shodan"]}`, `transport "sctp"`},
		{`{"orchex":"service/v1","addr":"192.0.2.1","port":80,"transport":"tcp","product":"x","auth":"maybe","engines":["shodan"]}`, `auth "maybe"`},
		{`{"orchex":"service/v1","addr":"192.0.2.1","port":80,"transport":"tcp","product":"x","auth":"open","engines":["bing"]}`, `unknown engine "bing"`},
		{`{"orchex":"service/v1","addr":"192.0.2.1","port":80,"transport":"tcp","product":"x","auth":"open","engines":[]}`, "lists no engine"},
		{`{"orchex":"service/v1","addr":"192.0.2.1","port":80,"transport":"tcp","auth":"open","engines":["shodan"]}`, "no product"},
		{`{"orchex":"service/v1","addr":"not-ip","port":80}`, "orchex export line"},
	}
	for _, tt := range tests {
		if _, err := decodeExport([]byte(tt.line)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.line, err, tt.want)
		}
	}
}
