package report_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

func build(t *testing.T, m report.Meta, ss []model.Service) *report.View {
	t.Helper()
	v, err := report.Build(context.Background(), m, reporttest.Stream(ss))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return v
}

func TestBuildHeadline(t *testing.T) {
	v := build(t, reporttest.Meta(), reporttest.Ten())
	want := report.Headline{
		Services: 10, Hosts: 8, Open: 3, AuthRequired: 4, Unknown: 3,
		KubernetesOpen: 1, KubernetesServices: 6,
		AWSServices: 7, AWSUSServices: 4,
		AWSShare: 0.7, AWSUSShare: 4.0 / 7, KubernetesShare: 0.6, OpenShare: 0.3,
	}
	if v.Headline != want {
		t.Errorf("headline:\n got %+v\nwant %+v", v.Headline, want)
	}
	if v.AWSUS != 4 || v.AWSNonUS != 1 || v.AWSNoRegion != 2 {
		t.Errorf("AWS subtotals = %d/%d/%d, want 4/1/2", v.AWSUS, v.AWSNonUS, v.AWSNoRegion)
	}
	if want := (report.Overlap{ShodanOnly: 5, CensysOnly: 3, Both: 2}); v.EngineOverlap != want {
		t.Errorf("overlap = %+v, want %+v", v.EngineOverlap, want)
	}
	if v.Title != "Exposed container-orchestration and API-management panels, snapshot 2026Q4" {
		t.Errorf("title = %q", v.Title)
	}
}

func TestBuildTables(t *testing.T) {
	v := build(t, reporttest.Meta(), reporttest.Ten())

	type prod struct {
		id                    string
		svc, hosts, o, ar, un int
	}
	var gotP []prod
	for _, r := range v.ByProduct {
		gotP = append(gotP, prod{r.Product, r.Services, r.Hosts, r.Open, r.AuthRequired, r.Unknown})
	}
	wantP := []prod{
		{"kubernetes-api", 5, 5, 1, 2, 2},
		{"portainer", 2, 2, 0, 1, 1},
		{"docker-swarm", 1, 1, 1, 0, 0},
		{"kong-admin", 1, 1, 1, 0, 0},
		{"kubelet", 1, 1, 0, 1, 0},
		{"swarmpit", 0, 0, 0, 0, 0}, // in the catalog, nothing found
	}
	if !reflect.DeepEqual(gotP, wantP) {
		t.Errorf("by product:\n got %v\nwant %v", gotP, wantP)
	}
	if v.ByProduct[0].Name != "Kubernetes API server" || v.ByProduct[0].Family != "kubernetes" {
		t.Errorf("product info not carried: %+v", v.ByProduct[0])
	}

	wantProv := []report.ProviderRow{
		{Provider: "aws", Name: "AWS", Services: 7, Share: 0.7, Open: 2, AuthRequired: 3, Unknown: 2},
		{Provider: "none", Name: "none", Services: 2, Share: 0.2, Open: 0, AuthRequired: 1, Unknown: 1},
		{Provider: "gcp", Name: "Google Cloud", Services: 1, Share: 0.1, Open: 1},
	}
	if !reflect.DeepEqual(v.ByProvider, wantProv) {
		t.Errorf("by provider:\n got %+v\nwant %+v", v.ByProvider, wantProv)
	}

	wantAWS := []report.RegionRow{
		{Provider: "aws", ProviderName: "AWS", Region: "unknown", Place: report.PlaceUnknown, Services: 2, Share: 2.0 / 7}, // ties go by name
		{Provider: "aws", ProviderName: "AWS", Region: "us-east-1", US: true, Place: report.PlaceUS, Services: 2, Share: 2.0 / 7},
		{Provider: "aws", ProviderName: "AWS", Region: "eu-north-1", Place: report.PlaceNonUS, Services: 1, Share: 1.0 / 7},
		{Provider: "aws", ProviderName: "AWS", Region: "us-gov-west-1", US: true, Place: report.PlaceUS, Services: 1, Share: 1.0 / 7},
		{Provider: "aws", ProviderName: "AWS", Region: "us-west-2", US: true, Place: report.PlaceUS, Services: 1, Share: 1.0 / 7},
	}
	if !reflect.DeepEqual(v.AWSRegions, wantAWS) {
		t.Errorf("AWS regions:\n got %+v\nwant %+v", v.AWSRegions, wantAWS)
	}
	if len(v.ByRegion) != 6 || v.ByRegion[5].Provider != "gcp" || v.ByRegion[5].Share != 1 {
		t.Errorf("by region = %+v, want the 5 AWS rows then gcp asia-northeast3 at share 1", v.ByRegion)
	}

	wantC := []report.CountryRow{
		{Country: "US", Services: 6, Share: 0.6, Open: 2},
		{Country: "DE", Services: 2, Share: 0.2},
		{Country: "KR", Services: 1, Share: 0.1, Open: 1},
		{Country: "SE", Services: 1, Share: 0.1},
	}
	if !reflect.DeepEqual(v.ByCountry, wantC) || v.CountryOther != 0 {
		t.Errorf("by country:\n got %+v (other %d)\nwant %+v", v.ByCountry, v.CountryOther, wantC)
	}

	wantV := []report.VersionRow{
		{Product: "docker-swarm", Name: "Docker Swarm manager", Version: "24.0.5", Services: 1, Open: 1},
		{Product: "kubernetes-api", Name: "Kubernetes API server", Version: "v1.27.3", Services: 2, Open: 1},
		{Product: "kubernetes-api", Name: "Kubernetes API server", Version: "v1.28.0", Services: 1},
		{Product: "portainer", Name: "Portainer", Version: "2.19.4", Services: 1},
	}
	if !reflect.DeepEqual(v.Versions, wantV) {
		t.Errorf("versions:\n got %+v\nwant %+v", v.Versions, wantV)
	}
	if v.Services != nil {
		t.Errorf("services listed without IncludeAddresses: %d rows", len(v.Services))
	}
}

func TestBuildMethod(t *testing.T) {
	v := build(t, reporttest.Meta(), reporttest.Ten())
	m := v.Method
	if m.RecordsRead != 18 || m.RecordsBad != 1 || m.RecordsSkipped != 3 {
		t.Errorf("records read/bad/skipped = %d/%d/%d, want 18/1/3", m.RecordsRead, m.RecordsBad, m.RecordsSkipped)
	}
	if m.Observations != 14 || m.DuplicatesMerged != 4 {
		t.Errorf("observations %d, merged %d; want 14, 4", m.Observations, m.DuplicatesMerged)
	}
	if m.LowConfidence != 1 || m.AuthConflicts != 1 || m.CloudDisagreements != 1 {
		t.Errorf("low %d, conflicts %d, disagreements %d; want 1, 1, 1", m.LowConfidence, m.AuthConflicts, m.CloudDisagreements)
	}
	if got := strings.Join(m.Engines, ","); got != "censys,shodan" {
		t.Errorf("engines = %s", got)
	}
	if got := strings.Join(m.Products, ","); got != "docker-swarm,kong-admin,kubelet,kubernetes-api,portainer,swarmpit" {
		t.Errorf("products = %s", got)
	}
	if m.Inputs[0].Name != "k8s.json.gz" {
		t.Errorf("inputs not in time order: %s first", m.Inputs[0].Name)
	}
	if len(m.Truncations) != 1 || m.Truncations[0] != "k8s.json.gz: gzip stream ended after record 12" {
		t.Errorf("truncations = %q", m.Truncations)
	}
	if m.CloudFeeds[0].Provider != "aws" {
		t.Errorf("feeds not sorted: %+v", m.CloudFeeds)
	}
	wantSrc := []report.CloudSource{{Source: "ranges:aws@2026-09-29", Services: 5}, {Source: "asn", Services: 2}, {Source: "none", Services: 2}, {Source: "ranges:gcp@2026-09-29", Services: 1}}
	if !reflect.DeepEqual(m.CloudSources, wantSrc) {
		t.Errorf("cloud sources:\n got %+v\nwant %+v", m.CloudSources, wantSrc)
	}
	if !m.FirstSeen.Equal(reporttest.Day().AddDate(0, 0, -3)) || !m.LastSeen.Equal(reporttest.Day()) {
		t.Errorf("seen %v .. %v", m.FirstSeen, m.LastSeen)
	}
	if !hasNote(m.Notes, "2 AWS services have no known region") {
		t.Errorf("notes lack the AWS no-region caveat: %q", m.Notes)
	}
	if hasNote(m.Notes, "No official IP-range feed") {
		t.Errorf("feeds were loaded, yet a note says none was: %q", m.Notes)
	}

	noFeeds := reporttest.Meta()
	noFeeds.CloudFeeds = nil
	if v := build(t, noFeeds, reporttest.Ten()); !hasNote(v.Method.Notes, "No official IP-range feed") {
		t.Errorf("without feeds, the notes must say so: %q", v.Method.Notes)
	}
}

func hasNote(notes []string, prefix string) bool {
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

func TestBuildAddresses(t *testing.T) {
	m := reporttest.Meta()
	m.IncludeAddresses = true
	v := build(t, m, reporttest.Ten())
	if len(v.Services) != 10 || !v.IncludeAddresses {
		t.Fatalf("services = %d rows, want 10", len(v.Services))
	}
	first := v.Services[0]
	if first.Address != "3.5.140.2" || first.Port != 443 || first.Auth != "open" || first.Provider != "aws" ||
		strings.Join(first.Engines, ",") != "shodan" || len(first.Hostnames) != 1 {
		t.Errorf("first row = %+v", first)
	}
	if last := v.Services[9]; last.Address != "2600:1f18::1" {
		t.Errorf("last row %s, want the IPv6 address (sorted after IPv4)", last.Address)
	}
}

func TestBuildEmpty(t *testing.T) {
	v := build(t, report.Meta{Snapshot: "empty"}, nil)
	if v.Headline != (report.Headline{}) {
		t.Errorf("headline of an empty snapshot = %+v", v.Headline)
	}
	if v.ByProduct == nil || v.ByProvider == nil || v.ByCountry == nil || v.Versions == nil || v.Method.Notes == nil {
		t.Error("empty snapshot gives nil slices; renderers would print null")
	}
}

func TestBuildProductHosts(t *testing.T) {
	a := netip.MustParseAddr("10.0.0.1")
	b := netip.MustParseAddr("10.0.0.2")
	ss := []model.Service{
		{Key: model.Key{Addr: a, Port: 443, Transport: "tcp"}, Product: "kubernetes-api", Auth: model.AuthOpen},
		{Key: model.Key{Addr: a, Port: 6443, Transport: "tcp"}, Product: "kubernetes-api", Auth: model.AuthOpen},
		{Key: model.Key{Addr: a, Port: 10250, Transport: "tcp"}, Product: "kubelet"},
		{Key: model.Key{Addr: b, Port: 6443, Transport: "tcp"}, Product: "kubernetes-api"},
		{Key: model.Key{Addr: b, Port: 6443, Transport: "udp"}, Product: ""},
	}
	v := build(t, report.Meta{Products: reporttest.Products()}, ss)
	if v.Headline.Hosts != 2 {
		t.Errorf("hosts = %d, want 2", v.Headline.Hosts)
	}
	got := map[string][2]int{}
	for _, r := range v.ByProduct {
		got[r.Product] = [2]int{r.Services, r.Hosts}
	}
	for id, want := range map[string][2]int{"kubernetes-api": {3, 2}, "kubelet": {1, 1}, "unknown": {1, 1}} {
		if got[id] != want {
			t.Errorf("%s services/hosts = %v, want %v", id, got[id], want)
		}
	}
	// A service with no auth recorded counts as unknown, never as open.
	if v.Headline.Open != 2 || v.Headline.Unknown != 3 {
		t.Errorf("open/unknown = %d/%d, want 2/3", v.Headline.Open, v.Headline.Unknown)
	}
}

func TestBuildUnsorted(t *testing.T) {
	ss := reporttest.Ten()
	stream := func(fn func(*model.Service) error) error {
		for i := range ss { // fixture order, not sorted
			if err := fn(&ss[i]); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := report.Build(context.Background(), reporttest.Meta(), stream)
	if err == nil || !strings.Contains(err.Error(), "must be sorted by address") || !strings.Contains(err.Error(), "2026Q4") {
		t.Fatalf("unsorted stream: err = %v, want an error naming the snapshot and the order", err)
	}
}

func TestBuildErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := report.Build(context.Background(), reporttest.Meta(), func(func(*model.Service) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("stream error not wrapped: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = report.Build(ctx, reporttest.Meta(), reporttest.Stream(reporttest.Ten()))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestBuildDeterministic(t *testing.T) {
	m := reporttest.Meta()
	m.IncludeAddresses = true
	a := build(t, m, reporttest.Ten())
	for i := 0; i < 5; i++ { // map iteration order differs between runs
		if b := build(t, m, reporttest.Ten()); !reflect.DeepEqual(a, b) {
			t.Fatalf("build %d differs from the first", i+2)
		}
	}
}

// Hostile values are counted, clipped, and cannot grow the tables without
// bound.
func TestBuildBoundedTables(t *testing.T) {
	const n = 20000
	long := strings.Repeat("é", 200) // 400 bytes
	addr := netip.MustParseAddr("10.0.0.0")
	i := 0
	stream := func(fn func(*model.Service) error) error {
		for i = 0; i < n; i++ {
			addr = addr.Next()
			s := model.Service{
				Key: model.Key{Addr: addr, Port: 443, Transport: "tcp"}, Product: "kubernetes-api", Auth: model.AuthRequired,
				Version: fmt.Sprintf("%d%s", i, long), Country: fmt.Sprint(i),
			}
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
	v, err := report.Build(context.Background(), report.Meta{Products: reporttest.Products(), TopVersions: 3}, stream)
	if err != nil {
		t.Fatal(err)
	}
	if v.Headline.Services != n || v.Headline.Hosts != n {
		t.Errorf("services/hosts = %d/%d, want %d", v.Headline.Services, v.Headline.Hosts, n)
	}
	if len(v.Versions) != 3 {
		t.Errorf("versions = %d rows, want TopVersions=3", len(v.Versions))
	}
	for _, r := range v.Versions {
		if len(r.Version) > 128 || !utf8.ValidString(r.Version) {
			t.Errorf("version key not clipped on a rune boundary: %d bytes", len(r.Version))
		}
	}
	if len(v.ByCountry) != report.TopCountries {
		t.Errorf("countries = %d rows, want %d", len(v.ByCountry), report.TopCountries)
	}
	if sum := v.CountryOther + report.TopCountries; sum != n {
		t.Errorf("top countries + other = %d, want %d", sum, n)
	}
	if !hasNote(v.Method.Notes, "The countries table holds at most") || !hasNote(v.Method.Notes, "The versions table holds at most") {
		t.Errorf("notes do not report the capped tables: %q", v.Method.Notes)
	}
}

// TestBuildUSRule checks that the view places regions by the one
// US-region rule, cloud.InUS: the regions the report's old default rule
// got wrong (Azure eastus, AWS us-isob-*) are US, and a global or unknown
// region is neither US nor non-US.
func TestBuildUSRule(t *testing.T) {
	ss := reporttest.Ten()
	at := func(addr, provider, region string) model.Service {
		s := ss[0]
		s.Key.Addr = netip.MustParseAddr(addr)
		s.Cloud = model.CloudTag{Provider: provider, Region: region, Source: "ranges:" + provider + "@2026-09-29"}
		return s
	}
	ss = append(ss,
		at("198.18.0.1", "aws", "us-isob-east-1"),
		at("198.18.0.2", "aws", "GLOBAL"),
		at("198.18.0.3", "azure", "eastus"),
		at("198.18.0.4", "hetzner", "fsn1"),
	)
	v := build(t, reporttest.Meta(), ss)
	// Ten: AWS US 4, non-US 1, no region 2.
	if v.AWSUS != 5 || v.AWSNonUS != 1 || v.AWSNoRegion != 3 || v.Headline.AWSUSServices != 5 {
		t.Errorf("AWS US %d, non-US %d, no region %d; want 5, 1, 3", v.AWSUS, v.AWSNonUS, v.AWSNoRegion)
	}
	want := map[[2]string]report.Place{
		{"aws", "us-isob-east-1"}: report.PlaceUS, {"aws", "GLOBAL"}: report.PlaceUnknown,
		{"aws", "eu-north-1"}: report.PlaceNonUS, {"aws", report.UnknownKey}: report.PlaceUnknown,
		{"azure", "eastus"}: report.PlaceUS, {"hetzner", "fsn1"}: report.PlaceUnknown,
		{"gcp", "asia-northeast3"}: report.PlaceNonUS,
	}
	for _, r := range v.ByRegion {
		w, ok := want[[2]string{r.Provider, r.Region}]
		if !ok {
			continue
		}
		delete(want, [2]string{r.Provider, r.Region})
		if r.Place != w || r.US != (w == report.PlaceUS) {
			t.Errorf("%s %s: place %q, US %v; want %q", r.Provider, r.Region, r.Place, r.US, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("regions missing from the view: %v", want)
	}
}

// TestBuildPresentation checks what the view carries for a reader:
// display names of providers and products and the summary sentences.
func TestBuildPresentation(t *testing.T) {
	v := build(t, reporttest.Meta(), reporttest.Ten())
	names := map[string]string{}
	for _, r := range v.ByProvider {
		names[r.Provider] = r.Name
	}
	if names["aws"] != "AWS" || names["gcp"] != "Google Cloud" || names["none"] != "none" {
		t.Errorf("provider names %v", names)
	}
	for _, r := range v.ByRegion {
		if r.ProviderName == "" {
			t.Errorf("region %s %s has no provider name", r.Provider, r.Region)
		}
	}
	for _, r := range v.Versions {
		if r.Product == "kubernetes-api" && r.Name != "Kubernetes API server" {
			t.Errorf("version row of %s named %q", r.Product, r.Name)
		}
	}
	for _, f := range v.Method.CloudFeeds {
		if f.Provider == "gcp" && f.ProviderName != "Google Cloud" {
			t.Errorf("feed %s named %q", f.Provider, f.ProviderName)
		}
	}
	want := []string{
		"Of 10 exposed services on 8 hosts, 3 (30.0%) required no authentication, 4 (40.0%) demanded credentials and the banners of 3 (30.0%) did not tell.",
		"1 of 6 Kubernetes-family services answered without authentication.",
		"70.0% of the services were hosted on AWS, and 57.1% of those in AWS US regions.",
		"Kubernetes-family services make up 60.0% of the total.",
		"Of 5 services whose banner named a version, 4 (80.0%) ran a release past its end of life on 2026-10-01, 2 of them open.",
	}
	if !slices.Equal(v.Summary, want) {
		t.Errorf("summary %q, want %q", v.Summary, want)
	}
	if e := build(t, report.Meta{}, nil); len(e.Summary) != 1 || e.Summary[0] != "The snapshot holds no exposed services." {
		t.Errorf("empty summary %q", e.Summary)
	}
}

func TestCleanText(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		limit    int
		want     string
	}{
		{"plain", "Kubernetes Dashboard", 0, "Kubernetes Dashboard"},
		{"newlines", "a\nb\r\n\tc  d ", 0, "a b c d"},
		{"ansi", "\x1b[1;31mred\x1b[0m", 0, "red"},
		{"osc", "x\x1b]0;pwned\x07y", 0, "xy"},
		{"bidi", "a\u202Eb\u2066c\u2069\u200E\u200F\u061Cd", 0, "abcd"},
		{"zero width", "a\u200Bb\uFEFF", 0, "ab"},
		{"c0 c1", "a\x00b\x7fc\u0085d\u009be", 0, "abc de"},
		{"invalid utf8", "a\xffb", 0, "a\uFFFDb"},
		{"cap", "abcdefghij", 5, "abcd…"},
		{"cap exact", "abcde", 5, "abcde"},
		{"cap runes", "ééééé", 3, "éé…"},
		{"cap after clean", "a\x1b[31m\x1b[0mb", 2, "ab"},
		{"cap no trailing space", "abc defg", 5, "abc…"},
		{"empty", "", 3, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.CleanText(tt.in, tt.limit); got != tt.want {
				t.Errorf("CleanText(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
		})
	}
}

func FuzzCleanText(f *testing.F) {
	for _, h := range reporttest.Hostile() {
		f.Add(h, 40)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit = limit % 1000
		got := report.CleanText(s, limit)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out: %q", got)
		}
		if limit > 0 && utf8.RuneCountInString(got) > limit {
			t.Fatalf("%d runes, cap %d", utf8.RuneCountInString(got), limit)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("control %U left in %q", r, got)
			}
		}
		if again := report.CleanText(got, limit); again != got && limit <= 0 {
			t.Fatalf("not idempotent: %q → %q", got, again)
		}
	})
}

// TestBuildGroupedEqualsBuild checks that the view built from service
// groups (what orchex report reads from the store) equals the view built
// from the services, with and without addresses, on the fixtures, the
// hostile fixtures and a random snapshot with many groups.
func TestBuildGroupedEqualsBuild(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	var random []model.Service
	products := []string{"kubernetes-api", "kubelet", "portainer", "docker-engine", ""}
	for i := range 3000 {
		// Addresses of several services (i/3), a sixth of them honeypots
		// (every service of such an address is flagged).
		a := netip.AddrFrom4([4]byte{3, byte(i >> 10), byte(i >> 2), byte(i / 3)})
		s := model.Service{
			Key:     model.Key{Addr: a, Port: []uint16{443, 6443, 2375}[i%3], Transport: "tcp"},
			Product: products[r.IntN(len(products))], Version: []string{"", "v1.29.4", "2.19.4", "v1.30.0", "v1.31.8", "v1.9.11"}[r.IntN(6)],
			Auth:         []model.Auth{model.AuthOpen, model.AuthRequired, model.AuthUnknown, "", model.AuthLikelyOpen}[r.IntN(5)],
			AuthConflict: r.IntN(9) == 0, Confidence: []model.Confidence{model.High, model.Low}[r.IntN(2)],
			Engines: model.Engines(r.IntN(4)), Country: []string{"US", "DE", "", "IE"}[r.IntN(4)],
			Cloud: []model.CloudTag{{}, {Provider: "aws", Region: "us-east-1", Source: "ranges:aws@x"},
				{Provider: "aws", Source: "asn:16509"}, {Provider: "gcp", Region: "europe-west1", Source: "engine:shodan"}}[r.IntN(4)],
		}
		if r.IntN(7) != 0 {
			s.FirstSeen = reporttest.Day().Add(time.Duration(r.IntN(5000)) * time.Minute)
			s.LastSeen = s.FirstSeen.Add(time.Duration(r.IntN(5000)) * time.Minute)
		}
		if (i/3)%6 == 0 {
			s.Honeypot = model.HoneypotShodanTag
		}
		// AKS API servers are known by their names, which groups do not
		// keep: BuildGrouped reads them from Grouped.Named.
		if r.IntN(5) == 0 {
			s.Hostnames = []string{"aks-" + strconv.Itoa(i) + ".hcp.westeurope.azmk8s.io"}
		}
		random = append(random, s)
	}
	slices.SortFunc(random, func(x, y model.Service) int { return x.Key.Compare(y.Key) })
	for name, ss := range map[string][]model.Service{"ten": reporttest.Ten(), "hostile": reporttest.HostileServices(), "random": random, "empty": nil} {
		for _, addrs := range []bool{false, true} {
			for _, honey := range []bool{false, true} {
				m := reporttest.Meta()
				m.IncludeAddresses, m.IncludeHoneypots = addrs, honey
				want := build(t, m, ss)
				got, err := report.BuildGrouped(context.Background(), m, reporttest.Grouped(ss))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s (addresses %v, honeypots %v): grouped view differs:\n got %+v\nwant %+v", name, addrs, honey, got, want)
				}
				if name == "random" && !honey && !addrs {
					// Without the names, the AKS servers are judged by the
					// upstream calendar: the figures differ.
					g := reporttest.Grouped(ss)
					g.Named = nil
					unnamed, err := report.BuildGrouped(context.Background(), m, g)
					if err != nil {
						t.Fatal(err)
					}
					aks := 0
					for _, p := range want.Support.Products {
						for _, c := range p.Calendars {
							if c.Calendar == eol.CalAKS {
								aks += c.WithVersion
							}
						}
					}
					if aks == 0 || reflect.DeepEqual(unnamed.Support, want.Support) {
						t.Errorf("the AKS servers' names changed nothing (%d judged by AKS): %+v", aks, want.Support.Products)
					}
				}
			}
		}
	}
}
