package report_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

// honeypotTen is the Ten fixture plus a honeypot host answering as four
// products (Shodan's tag on it), and a likely-open Marathon.
func honeypotTen() []model.Service {
	ss := reporttest.Ten()
	for i, p := range []string{"kubernetes-api", "docker-swarm", "portainer", "kong-admin"} {
		s := ss[0]
		s.Addr = netip.MustParseAddr("3.5.140.99")
		s.Port = uint16(1000 + i)
		s.Product, s.Version, s.Auth = p, "v9.9.9", model.AuthOpen
		s.Honeypot = model.HoneypotShodanTag
		ss = append(ss, s)
	}
	m := ss[1]
	m.Addr, m.Port, m.Product, m.Auth, m.Version = netip.MustParseAddr("3.5.140.3"), 8080, "kubernetes-api", model.AuthLikelyOpen, ""
	return append(ss, m)
}

// TestBuildHoneypotsExcluded: a honeypot host's services count in no
// figure (headline, hosts, products, versions, countries, the services
// list) and the method says how many were left out; with
// IncludeHoneypots they count everywhere and the list marks them.
func TestBuildHoneypotsExcluded(t *testing.T) {
	ss := honeypotTen()
	m := reporttest.Meta()
	m.IncludeAddresses = true
	base := build(t, m, reporttest.Ten())
	v := build(t, m, ss)
	if v.Headline.Services != base.Headline.Services+1 || v.Headline.Hosts != base.Headline.Hosts+1 || v.Headline.Open != base.Headline.Open {
		t.Errorf("headline with the honeypot left out: %+v; without it %+v (plus one likely-open service)", v.Headline, base.Headline)
	}
	for _, r := range v.Versions {
		if r.Version == "v9.9.9" {
			t.Errorf("a honeypot's version is counted: %+v", r)
		}
	}
	for _, r := range v.Services {
		if r.Address == "3.5.140.99" || r.Honeypot {
			t.Errorf("a honeypot's service is listed: %+v", r)
		}
	}
	if hp := v.Method.Honeypots; hp != (report.Honeypots{Services: 4, Hosts: 1}) {
		t.Errorf("method honeypots %+v, want 4 services on 1 host, left out", hp)
	}
	if !hasNote(v.Method.Notes, "4 services on 1 honeypot host flagged as a honeypot or decoy") {
		t.Errorf("no note on the excluded honeypots: %q", v.Method.Notes)
	}

	m.IncludeHoneypots = true
	w := build(t, m, ss)
	if w.Headline.Services != v.Headline.Services+4 || w.Headline.Hosts != v.Headline.Hosts+1 || w.Headline.Open != v.Headline.Open+4 {
		t.Errorf("headline with honeypots included: %+v", w.Headline)
	}
	marked := 0
	for _, r := range w.Services {
		if r.Honeypot {
			marked++
		}
	}
	if marked != 4 || !w.Method.Honeypots.Included {
		t.Errorf("%d services marked honeypot, included %v", marked, w.Method.Honeypots.Included)
	}
}

// TestBuildLikelyOpenApart: a likely-open verdict is its own figure,
// beside open and never added to it, in the headline, the product and
// provider rows, the Kubernetes figures and the summary.
func TestBuildLikelyOpenApart(t *testing.T) {
	v := build(t, reporttest.Meta(), honeypotTen())
	h := v.Headline
	if h.LikelyOpen != 1 || h.Open != 3 || h.KubernetesLikelyOpen != 1 || h.KubernetesOpen != 1 {
		t.Errorf("headline %+v: want 1 likely open (Kubernetes), 3 open", h)
	}
	if h.Open+h.LikelyOpen+h.AuthRequired+h.Unknown != h.Services {
		t.Errorf("the four auth states do not partition the services: %+v", h)
	}
	if h.LikelyOpenShare != float64(h.LikelyOpen)/float64(h.Services) {
		t.Errorf("likely_open_share %v", h.LikelyOpenShare)
	}
	for _, r := range v.ByProduct {
		if r.Product == "kubernetes-api" && (r.LikelyOpen != 1 || r.Open != 1) {
			t.Errorf("kubernetes-api row %+v", r)
		}
	}
	if !strings.Contains(v.Summary[0], "1 (") || !strings.Contains(v.Summary[0], "were likely open (inferred from the product's default configuration, not proven)") {
		t.Errorf("summary %q does not state the likely-open figure", v.Summary[0])
	}
	if !hasNote(v.Method.Notes, "1 service is likely open") {
		t.Errorf("notes %q", v.Method.Notes)
	}
}

// TestBuildIncomplete: an incomplete snapshot's view says so before any
// figure, with every reason.
func TestBuildIncomplete(t *testing.T) {
	m := reporttest.Meta()
	if v := build(t, m, reporttest.Ten()); !v.Completeness.Complete || len(v.Warnings) != 0 {
		t.Errorf("complete snapshot: %+v, warnings %q", v.Completeness, v.Warnings)
	}
	m.Incomplete = []string{"import of k8s.json.gz: k8s.json.gz:5121: the gzip stream is truncated", "collection: query etcd/shodan/1 did not run"}
	v := build(t, m, reporttest.Ten())
	if v.Completeness.Complete || len(v.Completeness.Reasons) != 2 {
		t.Fatalf("completeness %+v", v.Completeness)
	}
	if len(v.Warnings) != 1 || !strings.HasPrefix(v.Warnings[0], "This snapshot is incomplete: runs that filled it did not finish (import of k8s.json.gz") ||
		!strings.Contains(v.Warnings[0], "query etcd/shodan/1 did not run") || !strings.Contains(v.Warnings[0], "lower bounds") {
		t.Errorf("warnings %q", v.Warnings)
	}
}

// TestShownFitsTheData: a snapshot with nothing on AWS prints no AWS
// sentence or section and one engine's data no overlap table; each says
// so in one line.
func TestShownFitsTheData(t *testing.T) {
	var ss []model.Service
	for _, s := range reporttest.Ten() {
		if s.Cloud.Provider != "aws" {
			s.Engines = model.SeenShodan
			ss = append(ss, s)
		}
	}
	m := reporttest.Meta()
	m.Engines = []string{"shodan"}
	v := build(t, m, ss)
	if v.Shown.AWS || v.Shown.AWSLine != "No service was tagged as hosted on AWS." {
		t.Errorf("AWS shown %v, line %q", v.Shown.AWS, v.Shown.AWSLine)
	}
	for _, s := range v.Summary {
		if strings.Contains(s, "AWS") {
			t.Errorf("summary speaks of AWS with nothing on it: %q", s)
		}
	}
	if v.Shown.Overlap || !strings.Contains(v.Shown.OverlapLine, "Shodan") {
		t.Errorf("overlap shown %v, line %q", v.Shown.Overlap, v.Shown.OverlapLine)
	}
	if !v.Shown.Regions || !v.Shown.Versions {
		t.Errorf("regions %v versions %v: the GCP region and Portainer version are data", v.Shown.Regions, v.Shown.Versions)
	}
	full := build(t, reporttest.Meta(), reporttest.Ten())
	if !full.Shown.AWS || !full.Shown.Overlap || full.Shown.AWSLine != "" {
		t.Errorf("the full fixture: %+v", full.Shown)
	}
	none := build(t, m, nil)
	if none.Shown.AWS || none.Shown.Regions || none.Shown.Versions || none.Shown.Overlap {
		t.Errorf("an empty snapshot shows %+v", none.Shown)
	}
}

// TestFeedLabel: a feed without a date is never printed as an empty cell
// or a dangling comma.
func TestFeedLabel(t *testing.T) {
	for _, tt := range []struct{ date, token, want string }{
		{"2026-11-15", "1731628800", "2026-11-15"}, {"", "348", "change 348"}, {" ", "", "undated"},
	} {
		if got := report.FeedLabel(tt.date, tt.token); got != tt.want {
			t.Errorf("FeedLabel(%q, %q) = %q, want %q", tt.date, tt.token, got, tt.want)
		}
	}
}
