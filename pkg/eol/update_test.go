package eol_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/eol/eoltest"
)

// newFakeAPI starts the fake API on the embedded data.
func newFakeAPI(t *testing.T, generated string, body map[string][]byte, status map[string]int) *eoltest.Server {
	t.Helper()
	emb, err := eol.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	s := eoltest.NewServer(emb, generated)
	for k, v := range body {
		s.Body[k] = v
	}
	for k, v := range status {
		s.Status[k] = v
	}
	t.Cleanup(s.Close)
	return s
}

func opts(s *eoltest.Server) eol.UpdateOptions {
	return eol.UpdateOptions{Client: s.Client(), BaseURL: s.API(), UserAgent: "orchex-test",
		Now: func() time.Time { return time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC) }}
}

func fixture(t testing.TB) *eol.Data {
	t.Helper()
	f, err := os.Open("testdata/calendars.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := eol.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dirState returns every file of dir with its bytes.
func dirState(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out[e.Name()] = string(b)
	}
	return out
}

func TestUpdate(t *testing.T) {
	api := newFakeAPI(t, "2026-09-01", nil, nil)
	dir := filepath.Join(t.TempDir(), "cache", "eol")
	d, err := eol.Update(context.Background(), dir, opts(api))
	if err != nil {
		t.Fatal(err)
	}
	if d.Date != "2026-09-01" || d.Source != api.API()+"/products/" || d.Origin != filepath.Join(dir, eol.FileName) {
		t.Errorf("data: date %q source %q origin %q", d.Date, d.Source, d.Origin)
	}
	got, err := eol.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	emb, _ := eol.Embedded()
	if !reflect.DeepEqual(got.Products, emb.Products) {
		t.Error("the calendars that went through the API's shape differ from the embedded ones")
	}
	if got.Licence != emb.Licence {
		t.Errorf("licence not recorded: %+v", got.Licence)
	}
	var want []string
	for _, id := range eol.CalendarIDs() {
		want = append(want, "/api/v1/products/"+id+"/")
	}
	if !reflect.DeepEqual(api.Paths(), want) {
		t.Errorf("requests %v, want %v", api.Paths(), want)
	}
	for _, a := range api.UserAgents() {
		if a != "orchex-test" {
			t.Errorf("User-Agent %q", a)
		}
	}
	if files := dirState(t, dir); len(files) != 1 {
		t.Errorf("files left in %s: %v", dir, files)
	}
}

// TestUpdateLiteralAnswer reads a hand-written answer in the API's exact
// shape: dates win over flags, isEol without a date is "ended".
func TestUpdateLiteralAnswer(t *testing.T) {
	b, err := os.ReadFile("testdata/api/etcd.json")
	if err != nil {
		t.Fatal(err)
	}
	api := newFakeAPI(t, "2026-08-30", map[string][]byte{"etcd": b}, nil)
	dir := t.TempDir()
	d, err := eol.Update(context.Background(), dir, opts(api))
	if err != nil {
		t.Fatal(err)
	}
	if d.Date != "2026-09-01" { // the newest generated_at of all answers
		t.Errorf("date %q", d.Date)
	}
	etcd, _ := d.Product(eol.CalEtcd)
	want := []eol.Cycle{
		{Name: "3.7", Release: "2026-07-08", EOL: eol.End{}},
		{Name: "3.6", Release: "2025-05-15", EOL: eol.End{}},
		{Name: "3.5", Release: "2021-06-15", EOL: eol.End{Date: "2027-07-08"}},
		{Name: "3.4", Release: "2019-08-30", EOL: eol.End{Date: "2026-06-01"}},
		{Name: "3.3", Release: "2018-02-01", EOL: eol.End{Date: "2021-10-15"}},
		{Name: "3.2", Release: "2017-06-09", EOL: eol.End{Date: "2021-03-28"}},
		{Name: "3.1", Release: "2017-01-20", EOL: eol.End{Ended: true}},
	}
	if etcd.Title != "etcd" || !reflect.DeepEqual(etcd.Cycles, want) {
		t.Errorf("etcd:\n%+v\nwant\n%+v", etcd.Cycles, want)
	}
}

// TestUpdateKeepsPrevious: when one product fails or answers something
// implausible, nothing in the directory changes and the error says which.
func TestUpdateKeepsPrevious(t *testing.T) {
	emb, _ := eol.Embedded()
	k8s, _ := emb.Product(eol.CalKubernetes)
	short := *k8s
	short.Cycles = short.Cycles[:3]
	badDate := strings.Replace(string(eoltest.Answer(*k8s, "2026-09-01")), `"eolFrom":"2027-06-28"`, `"eolFrom":"2027-06-31"`, 1)
	noFlag := strings.Replace(string(eoltest.Answer(*k8s, "2026-09-01")), `"isEol":false,`, ``, 1)
	noFlag = strings.Replace(noFlag, `"eolFrom":"2027-06-28"`, `"eolFrom":null`, 1)
	tests := []struct {
		name   string
		body   map[string][]byte
		status map[string]int
		want   string
	}{
		{"server error", nil, map[string]int{"nomad": 500}, "nomad (" + "%URL%/api/v1/products/nomad/): HTTP status 500"},
		{"not found", nil, map[string]int{"argo-cd": 404}, "argo-cd (%URL%/api/v1/products/argo-cd/): HTTP status 404"},
		{"html", map[string][]byte{"etcd": []byte("<html>maintenance</html>")}, nil, "etcd (%URL%/api/v1/products/etcd/): not an endoflife.date API answer"},
		{"truncated", map[string][]byte{"kubernetes": eoltest.Answer(short, "2026-09-01")}, nil, "kubernetes (%URL%/api/v1/products/kubernetes/): only 3 release cycles, fewer than the 8 expected"},
		{"bad date", map[string][]byte{"kubernetes": []byte(badDate)}, nil, `release "1.36": eol: "2027-06-31" is not a date`},
		{"no eol at all", map[string][]byte{"kubernetes": []byte(noFlag)}, nil, `release "1.36": neither isEol nor eolFrom`},
		{"wrong product", map[string][]byte{"rancher": eoltest.Answer(*k8s, "2026-09-01")}, nil, `rancher (%URL%/api/v1/products/rancher/): answer is for product "kubernetes"`},
		{"schema 2", map[string][]byte{"etcd": []byte(`{"schema_version":"2.0.0","result":{"name":"etcd","releases":[]}}`)}, nil, `schema_version "2.0.0"`},
		{"bad cycle name", map[string][]byte{"kubernetes": []byte(strings.Replace(string(eoltest.Answer(*k8s, "2026-09-01")), `"name":"1.36"`, `"name":"latest"`, 1))}, nil, `cycle name "latest" is not a version`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, "2026-09-01", tt.body, tt.status)
			dir := t.TempDir()
			old, _ := os.ReadFile("testdata/calendars.json")
			os.WriteFile(filepath.Join(dir, eol.FileName), old, 0o644)
			before := dirState(t, dir)
			_, err := eol.Update(context.Background(), dir, opts(api))
			want := strings.ReplaceAll(tt.want, "%URL%", api.URL)
			if err == nil || !strings.Contains(err.Error(), "nothing replaced") || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v\nwant one containing %q", err, want)
			}
			if after := dirState(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("the directory changed: %v", after)
			}
		})
	}
}

func TestUpdateRefusesOlder(t *testing.T) {
	api := newFakeAPI(t, "2026-09-01", nil, nil)
	dir := t.TempDir()
	d := fixture(t)
	d.Date = "2026-10-01"
	var b bytes.Buffer
	eol.Encode(&b, d)
	os.WriteFile(filepath.Join(dir, eol.FileName), b.Bytes(), 0o644)
	before := dirState(t, dir)
	_, err := eol.Update(context.Background(), dir, opts(api))
	if !errors.Is(err, eol.ErrOlder) || !strings.Contains(err.Error(), "2026-10-01") {
		t.Errorf("error %v, want ErrOlder naming the copy's date", err)
	}
	if !reflect.DeepEqual(before, dirState(t, dir)) {
		t.Error("the directory changed")
	}
}

func TestUpdateCancelled(t *testing.T) {
	api := newFakeAPI(t, "2026-09-01", nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "eol")
	if _, err := eol.Update(ctx, dir, opts(api)); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled update created %s", dir)
	}
}

// TestUpdateNoGenerationDate: an answer without generated_at is dated by
// the clock.
func TestUpdateNoGenerationDate(t *testing.T) {
	body := map[string][]byte{}
	emb, _ := eol.Embedded()
	for _, p := range emb.Products {
		body[p.ID] = eoltest.Answer(p, "")
	}
	api := newFakeAPI(t, "", body, nil)
	d, err := eol.Update(context.Background(), t.TempDir(), opts(api))
	if err != nil || d.Date != "2026-09-30" {
		t.Errorf("%v, date %q, want the clock's 2026-09-30", err, d.Date)
	}
}
