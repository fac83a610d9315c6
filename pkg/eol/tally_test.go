package eol

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// readServices reads testdata/services.jsonl: one service a line, with
// the fields a report has of a service.
func readServices(t *testing.T, path string) []Facts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Facts
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var s struct {
			Product, Version string
			Auth             model.Auth
			Hostnames        []string
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, Facts{Product: s.Product, Version: s.Version, Auth: s.Auth, Names: s.Hostnames})
	}
	return out
}

// TestTallyServicesFile: a small file of services with known versions,
// seen on a known day, gives these exact counts (worked out by hand from
// testdata/calendars.json, whose cycles end the day before, the day of and
// the day after the as-of day).
func TestTallyServicesFile(t *testing.T) {
	tl, err := NewTally(fixture(t), asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range readServices(t, "testdata/services.jsonl") {
		tl.Add(f, 1)
	}
	s := tl.Support()
	type row struct {
		product                                                        string
		calendar                                                       string
		services, withVersion, supported, eol, openEOL, unknown, noCal int
	}
	want := []row{
		{"docker-engine", "docker-engine", 5, 5, 1, 3, 2, 1, 0},
		{"docker-swarm", "", 1, 0, 0, 0, 0, 0, 0},
		{"etcd", "etcd", 3, 3, 1, 2, 1, 0, 0},
		{"kong-admin", "kong-gateway", 2, 2, 1, 1, 1, 0, 0},
		{"kubernetes-api", "kubernetes, amazon-eks, azure-kubernetes-service, google-kubernetes-engine", 9, 8, 3, 4, 2, 1, 0},
		{"mesos-master", "", 1, 0, 0, 0, 0, 0, 0},
		{"openshift-api", "red-hat-openshift", 1, 1, 0, 1, 0, 0, 0},
		{"portainer", "", 2, 1, 0, 0, 0, 0, 1},
	}
	var got []row
	for _, f := range s.Products {
		got = append(got, row{f.Product, f.Calendar, f.Services, f.WithVersion, f.Supported, f.EndOfLife, f.OpenEndOfLife, f.UnknownCycle, f.NoCalendar})
		if f.WithVersion != f.Supported+f.EndOfLife+f.UnknownCycle+f.NoCalendar {
			t.Errorf("%s: with_version %d is not the sum of its parts", f.Product, f.WithVersion)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("figures:\n%v\nwant\n%v", got, want)
	}
	tot := s.Total
	if tot.Services != 24 || tot.WithVersion != 20 || tot.Supported != 6 || tot.EndOfLife != 11 || tot.OpenEndOfLife != 6 || tot.UnknownCycle != 2 || tot.NoCalendar != 1 {
		t.Errorf("total %+v", tot)
	}
	if !reflect.DeepEqual(s.NoCalendar, []string{"mesos-master", "portainer"}) {
		t.Errorf("no calendar: %v", s.NoCalendar)
	}
	if s.AsOf != "2026-06-15" || s.Date != "2026-06-01" || s.Source == "" || s.DataLag != 14 {
		t.Errorf("as of %q, data %q %q, lag %d", s.AsOf, s.Date, s.Source, s.DataLag)
	}

	share := map[string]float64{}
	for _, f := range s.Products {
		if v, ok := f.Share(); ok {
			share[f.Product] = v
		}
	}
	wantShare := map[string]float64{"docker-engine": 0.6, "etcd": 2.0 / 3, "kong-admin": 0.5, "kubernetes-api": 0.5, "openshift-api": 1}
	if !reflect.DeepEqual(share, wantShare) {
		t.Errorf("shares %v, want %v (none for a product without calendar or version)", share, wantShare)
	}

	k8s := s.Products[4]
	wantCal := []CalendarFigures{{CalKubernetes, 4, 2}, {CalEKS, 2, 1}, {CalAKS, 1, 1}, {CalGKE, 1, 0}}
	if !reflect.DeepEqual(k8s.Calendars, wantCal) {
		t.Errorf("kubernetes-api calendars %+v", k8s.Calendars)
	}
	wantCycles := []CycleFigures{
		{CalEKS, "1.32", PhaseEOES, Supported, "", "2026-06-16", 1, 0},
		{CalEKS, "1.31", PhaseEOES, EndOfLife, "2026-06-15", "", 1, 1},
		{CalAKS, "1.30", PhaseEOL, EndOfLife, "2026-06-14", "", 1, 0},
		{CalGKE, "1.32", PhaseEOL, Supported, "", "2026-06-16", 1, 1},
		{CalKubernetes, "1.32", PhaseEOL, Supported, "", "2026-06-16", 1, 1},
		{CalKubernetes, "1.31", PhaseEOL, EndOfLife, "2026-06-15", "", 1, 0},
		{CalKubernetes, "1.30", PhaseEOL, EndOfLife, "2026-06-14", "", 1, 1},
	}
	if !reflect.DeepEqual(k8s.Cycles, wantCycles) {
		t.Errorf("kubernetes-api cycles:\n%+v\nwant\n%+v", k8s.Cycles, wantCycles)
	}
	kong := s.Products[3]
	wantKong := []CycleFigures{
		{CalKong, "3.4", PhaseEOES, EndOfLife, "2026-06-15", "", 1, 1},
		{CalKong, "3.4", PhaseEOL, Supported, "", "", 1, 1},
	}
	if !reflect.DeepEqual(kong.Cycles, wantKong) {
		t.Errorf("kong-admin cycles:\n%+v\nwant\n%+v", kong.Cycles, wantKong)
	}
}

// TestTallyGroups: a group of n identical services counts n times, and
// the result does not depend on the order services arrive in.
func TestTallyGroups(t *testing.T) {
	d := fixture(t)
	services := readServices(t, "testdata/services.jsonl")
	one, _ := NewTally(d, asOf)
	for _, f := range services {
		for range 3 {
			one.Add(f, 1)
		}
	}
	grouped, _ := NewTally(d, asOf)
	for i := len(services) - 1; i >= 0; i-- {
		grouped.Add(services[i], 3)
		grouped.Add(services[i], 0) // counts nothing
	}
	if a, b := one.Support(), grouped.Support(); !reflect.DeepEqual(a, b) {
		t.Errorf("groups of 3 in reverse order differ from 3 single services:\n%+v\n%+v", a, b)
	}
	if s := grouped.Support(); s.Total.Services != 72 || s.Total.EndOfLife != 33 {
		t.Errorf("total %+v", s.Total)
	}
}

func TestNewTallyNeedsAsOf(t *testing.T) {
	if _, err := NewTally(fixture(t), time.Time{}); !errors.Is(err, ErrNoAsOf) {
		t.Errorf("zero as-of: %v", err)
	}
}

// TestTallyOldQuarter: the same services judged at an older snapshot's
// date give that quarter's figures, whatever the data's own date.
func TestTallyOldQuarter(t *testing.T) {
	d := fixture(t)
	d.Date = "2026-09-01" // data newer than the snapshot
	tl, _ := NewTally(d, time.Date(2026, 6, 13, 23, 59, 0, 0, time.UTC))
	for _, f := range readServices(t, "testdata/services.jsonl") {
		tl.Add(f, 1)
	}
	if lag := tl.Support().DataLag; lag != 0 {
		t.Errorf("data of 2026-09-01 judged on 2026-06-13: lag %d, want 0", lag)
	}
	for _, f := range tl.Support().Products {
		if f.Product == "kubernetes-api" && (f.EndOfLife != 0 || f.Supported != 7) {
			t.Errorf("on 2026-06-13 no Kubernetes cycle of the fixture had ended: %+v", f)
		}
	}
}

// BenchmarkTallyAdd adds a million-service-like stream: a few hundred
// distinct versions over many services, as a snapshot has.
func BenchmarkTallyAdd(b *testing.B) {
	d, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	var facts []Facts
	for minor := 10; minor < 40; minor++ {
		for patch := 0; patch < 8; patch++ {
			v := "v1." + strconv.Itoa(minor) + "." + strconv.Itoa(patch)
			facts = append(facts, Facts{Product: "kubernetes-api", Version: v, Auth: model.AuthUnknown},
				Facts{Product: "kubernetes-api", Version: v + "-eks-a737599", Auth: model.AuthRequired},
				Facts{Product: "kubelet", Version: v + "-gke.1200", Auth: model.AuthOpen})
		}
	}
	for major := 17; major < 30; major++ {
		facts = append(facts, Facts{Product: "docker-engine", Version: strconv.Itoa(major) + ".0.3", Auth: model.AuthOpen})
	}
	tl, _ := NewTally(d, time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		tl.Add(facts[i%len(facts)], 1)
	}
}

// BenchmarkJudge is one judgement without the Tally's memory.
func BenchmarkJudge(b *testing.B) {
	d, _ := Embedded()
	at := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	f := Facts{Product: "kubernetes-api", Version: "v1.29.8-eks-a737599"}
	b.ReportAllocs()
	for range b.N {
		d.Judge(f, at)
	}
}

// TestTallyJudgedAndAKS: counting verdicts judged by another tally gives
// the same figures as judging them, and Facts.AKS stands for an AKS host
// name (a group of services counted without their names).
func TestTallyJudgedAndAKS(t *testing.T) {
	d := fixture(t)
	direct, _ := NewTally(d, asOf)
	judge, _ := NewTally(d, asOf)
	counted, _ := NewTally(d, asOf)
	flagged, _ := NewTally(d, asOf)
	for _, f := range readServices(t, "testdata/services.jsonl") {
		direct.Add(f, 1)
		counted.AddJudged(f, judge.Judge(f), 1)
		g := f
		if IsAKS(g.Names) {
			g.Names, g.AKS = nil, true
		}
		flagged.Add(g, 1)
	}
	want := direct.Support()
	if got := counted.Support(); !reflect.DeepEqual(got, want) {
		t.Errorf("AddJudged:\n%+v\nwant\n%+v", got, want)
	}
	if got := flagged.Support(); !reflect.DeepEqual(got, want) {
		t.Errorf("Facts.AKS:\n%+v\nwant\n%+v", got, want)
	}
	if len(judge.Support().Products) != 0 {
		t.Error("Judge counted services")
	}
	// The AKS flag changes the verdict: v1.30.7 is AKS 1.30, not upstream.
	v := judge.Judge(Facts{Product: "kubernetes-api", Version: "v1.30.7", AKS: true})
	if v.Calendar != CalAKS {
		t.Errorf("Facts.AKS judged by %s", v.Calendar)
	}
}
