package brief_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/scope"
)

// The lab fixture, built from the documented behaviour (issues 15 and 17,
// README "Data model"): a scope with a honeypot host of two services
// (flagged by Shodan's honeypot tag) beside ordinary services, a
// likely-open etcd (an engine's claim, no proof), and an earlier snapshot
// for the changes.
const labScopes = `scopes:
  - name: lab
    cidrs: ["198.51.100.0/24"]
    contacts: ["soc@lab.example"]
`

const (
	honeyAddr   = "198.51.100.66"
	likelyEvid  = "engine reports etcd with authentication disabled"
	openEvid    = "200 API paths list on / (anonymous discovery allowed)"
	requireEvid = "401 Unauthorized"
)

func labService(addr string, port uint16, product string, auth model.Auth, evidence string) model.Service {
	return model.Service{Key: model.Key{Addr: netip.MustParseAddr(addr), Port: port, Transport: "tcp"},
		Product: product, Auth: auth, AuthEvidence: evidence, Confidence: model.High, Engines: model.SeenShodan,
		ASN: 64500, Org: "Lab Org", Country: "DE", FirstSeen: earlier, LastSeen: later.Add(-time.Hour)}
}

// labSnapshots returns the earlier and the current snapshot, sorted.
func labSnapshots() (then, now []model.Service) {
	honey := func(s model.Service) model.Service {
		s.Honeypot = model.HoneypotShodanTag
		return s
	}
	then = []model.Service{
		labService("198.51.100.5", 443, "kubernetes-api", model.AuthOpen, openEvid),
		labService("198.51.100.7", 2379, "etcd", model.AuthUnknown, ""),
		labService("198.51.100.8", 80, "portainer", model.AuthOpen, openEvid), // gone
		labService("198.51.100.10", 8080, "kubelet", model.AuthOpen, openEvid),
		honey(labService(honeyAddr, 2375, "docker-engine", model.AuthOpen, openEvid)),
	}
	now = []model.Service{
		labService("198.51.100.5", 443, "kubernetes-api", model.AuthOpen, openEvid),
		labService("198.51.100.7", 2379, "etcd", model.AuthLikelyOpen, likelyEvid),          // unknown then: no change
		labService("198.51.100.9", 6443, "kubernetes-api", model.AuthRequired, requireEvid), // new
		labService("198.51.100.10", 8080, "kubelet", model.AuthLikelyOpen, likelyEvid),      // open then: open_to_unknown
		honey(labService(honeyAddr, 2375, "docker-engine", model.AuthOpen, openEvid)),
		honey(labService(honeyAddr, 9000, "portainer", model.AuthOpen, openEvid)),
		honey(labService("203.0.113.1", 443, "kubernetes-api", model.AuthOpen, openEvid)), // outside the scope
	}
	sortKeys(then)
	sortKeys(now)
	return then, now
}

// labBrief opens the lab scope's briefing of the lab fixture.
func labBrief(t *testing.T, adjust func(*brief.Config)) *brief.Brief {
	t.Helper()
	set, err := scope.Parse("lab.yaml", []byte(labScopes))
	if err != nil {
		t.Fatal(err)
	}
	then, now := labSnapshots()
	c := brief.Config{Scopes: set, Dir: t.TempDir(), Catalog: embedded(t),
		Now:   brief.Side{Label: "2026Q4", Created: later, Services: stream(now)},
		Since: &brief.Side{Label: "2026Q3", Created: earlier, Services: stream(then)},
		Meta:  report.Meta{Snapshot: "2026Q4", CatalogVersion: "2026.11.1", Engines: []string{"shodan"}}}
	if adjust != nil {
		adjust(&c)
	}
	r, err := brief.Select(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return open(t, r, 0)
}

// labOutputs are the lab briefing's brief.json (decoded and raw),
// services.csv rows and Markdown.
type labOutputs struct {
	j    labJSON
	raw  string
	rows []map[string]string
	md   string
}

type labJSON struct {
	Summary   map[string]int
	Honeypots report.Honeypots
	Changes   map[string]int
	Warnings  []string
	Notes     []string
	Services  []brief.ServiceJSON
	Gone      []brief.ServiceJSON
}

func labWrite(t *testing.T, bf *brief.Brief) labOutputs {
	t.Helper()
	var o labOutputs
	var js, cs, md bytes.Buffer
	if err := bf.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	o.raw = js.String()
	if err := json.Unmarshal(js.Bytes(), &o.j); err != nil {
		t.Fatalf("brief.json: %v", err)
	}
	if err := bf.WriteCSV(&cs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatalf("services.csv: %v", err)
	}
	if !slices.Equal(rows[0], brief.FeedColumns()) || rows[0][len(rows[0])-1] != "honeypot" {
		t.Errorf("services.csv header %q", rows[0])
	}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		o.rows = append(o.rows, m)
	}
	if err := markdown.RenderDocument(&md, bf.Document(brief.DocOptions{})); err != nil {
		t.Fatal(err)
	}
	o.md = md.String()
	return o
}

func (o *labOutputs) service(addr string, port int) *brief.ServiceJSON {
	for i := range o.j.Services {
		if s := &o.j.Services[i]; s.Address == addr && s.Port == port {
			return s
		}
	}
	return nil
}

// TestHoneypotsLeftOut checks the default of issue 15 in a briefing: the
// services of a honeypot host of the scope are in no list and no count
// (brief.json, services.csv, Markdown, webhook message), the earlier
// snapshot's are not "gone", and the notes and brief.json's honeypots
// key count the 2 services on 1 host left out; a honeypot outside the
// scope is not counted.
func TestHoneypotsLeftOut(t *testing.T) {
	bf := labBrief(t, nil)
	if bf.Honeypots != (report.Honeypots{Services: 2, Hosts: 1}) {
		t.Errorf("honeypots %+v, want 2 services on 1 host, left out", bf.Honeypots)
	}
	c := bf.Counts
	if c.Services != 4 || c.Hosts != 4 || c.Open != 1 || c.LikelyOpen != 2 || c.AuthRequired != 1 || c.New != 1 || c.Gone != 1 || c.GoneOpen != 1 {
		t.Errorf("counts %+v", c)
	}
	o := labWrite(t, bf)
	if o.j.Honeypots != (report.Honeypots{Services: 2, Hosts: 1}) || o.j.Summary["services"] != 4 || o.j.Summary["open"] != 1 {
		t.Errorf("brief.json honeypots %+v summary %v", o.j.Honeypots, o.j.Summary)
	}
	if strings.Contains(o.raw, honeyAddr) || strings.Contains(o.md, honeyAddr) {
		t.Error("a honeypot host's address is listed in brief.json or the Markdown")
	}
	for _, s := range o.j.Services {
		if s.Honeypot {
			t.Errorf("%s:%d marked honeypot in a briefing that leaves them out", s.Address, s.Port)
		}
	}
	if len(o.j.Gone) != 1 || o.j.Gone[0].Address != "198.51.100.8" {
		t.Errorf("gone %+v, want 198.51.100.8 only (the earlier honeypot is left out too)", o.j.Gone)
	}
	if len(o.rows) != 4 {
		t.Errorf("services.csv has %d rows, want 4", len(o.rows))
	}
	for _, r := range o.rows {
		if r["ip"] == honeyAddr || r["honeypot"] != "false" {
			t.Errorf("services.csv row %s honeypot %q", r["ip"], r["honeypot"])
		}
	}
	note := "2 services on 1 honeypot host flagged as a honeypot or decoy"
	if !slices.ContainsFunc(o.j.Notes, func(n string) bool {
		return strings.Contains(n, note) && strings.Contains(n, "excluded from every figure")
	}) {
		t.Errorf("brief.json notes lack the honeypot note: %q", o.j.Notes)
	}
	if !strings.Contains(o.md, note) {
		t.Error("the Markdown's notes lack the honeypot note")
	}
	m, ok, err := bf.Message()
	if err != nil || !ok {
		t.Fatalf("message: %v %v", ok, err)
	}
	for _, s := range append(m.New, m.NowOpen...) {
		if s.Address == honeyAddr {
			t.Errorf("the webhook message lists the honeypot service %s:%d", s.Address, s.Port)
		}
	}
}

// TestHoneypotsIncluded checks --include-honeypots in a briefing: the
// honeypot host's services are listed and counted, each with
// "honeypot": true in brief.json, "true" in services.csv's honeypot
// column, "(honeypot)" by its address in the Markdown and its mark in
// the webhook text, and the note says they are included.
func TestHoneypotsIncluded(t *testing.T) {
	bf := labBrief(t, func(c *brief.Config) { c.IncludeHoneypots = true })
	if bf.Honeypots != (report.Honeypots{Included: true, Services: 2, Hosts: 1}) {
		t.Errorf("honeypots %+v", bf.Honeypots)
	}
	c := bf.Counts
	if c.Services != 6 || c.Hosts != 5 || c.Open != 3 || c.New != 2 || c.Persisting != 4 || c.OpenBoth != 2 {
		t.Errorf("counts %+v", c)
	}
	o := labWrite(t, bf)
	for _, port := range []int{2375, 9000} {
		s := o.service(honeyAddr, port)
		if s == nil || !s.Honeypot || s.Auth != "open" {
			t.Errorf("brief.json %s:%d: %+v", honeyAddr, port, s)
		}
	}
	if s := o.service("198.51.100.5", 443); s == nil || s.Honeypot {
		t.Errorf("an ordinary service is marked: %+v", s)
	}
	if !strings.Contains(o.raw, `"honeypot": true`) || !strings.Contains(o.raw, `"honeypot": false`) {
		t.Error("brief.json does not write the honeypot key of every service")
	}
	marked := 0
	for _, r := range o.rows {
		if (r["ip"] == honeyAddr) != (r["honeypot"] == "true") || r["honeypot"] != "true" && r["honeypot"] != "false" {
			t.Errorf("services.csv row %s honeypot %q", r["ip"], r["honeypot"])
		}
		if r["honeypot"] == "true" {
			marked++
		}
	}
	if marked != 2 {
		t.Errorf("services.csv marks %d rows, want 2", marked)
	}
	for _, want := range []string{"| " + honeyAddr + ":2375/tcp (honeypot) |", "| " + honeyAddr + ":9000/tcp (honeypot) |",
		"2 services on 1 honeypot host flagged as a honeypot or decoy are included in every figure"} {
		if !strings.Contains(o.md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	m, ok, err := bf.Message()
	if err != nil || !ok {
		t.Fatalf("message: %v %v", ok, err)
	}
	if !slices.ContainsFunc(m.New, func(s brief.ServiceJSON) bool { return s.Address == honeyAddr && s.Honeypot }) ||
		!strings.Contains(m.Text, "new, honeypot host") {
		t.Errorf("the webhook message does not list the included honeypot service, marked: %+v\n%s", m.New, m.Text)
	}
}

// TestLikelyOpen checks that a likely-open service keeps its verdict:
// auth "likely_open" with its evidence in brief.json and services.csv,
// a likely_open count beside open (never in it), listed right after the
// open services in brief.json and the Markdown, and, between snapshots,
// judged as unknown: unknown → likely_open is no change, open →
// likely_open is open_to_unknown, and neither is newly open.
func TestLikelyOpen(t *testing.T) {
	bf := labBrief(t, nil)
	o := labWrite(t, bf)
	if o.j.Summary["likely_open"] != 2 || o.j.Summary["open"] != 1 || o.j.Summary["unknown"] != 0 {
		t.Errorf("summary %v", o.j.Summary)
	}
	if o.j.Changes["open_to_unknown"] != 1 || o.j.Changes["now_open"] != 0 || o.j.Changes["now_closed"] != 0 {
		t.Errorf("changes %v", o.j.Changes)
	}
	etcd, kubelet := o.service("198.51.100.7", 2379), o.service("198.51.100.10", 8080)
	if etcd == nil || etcd.Auth != "likely_open" || etcd.Evidence != likelyEvid || etcd.AuthBefore != "unknown" || etcd.AuthChange != "" {
		t.Errorf("etcd %+v", etcd)
	}
	if kubelet == nil || kubelet.Auth != "likely_open" || kubelet.AuthBefore != "open" || kubelet.AuthChange != "open_to_unknown" {
		t.Errorf("kubelet %+v", kubelet)
	}
	var order []string
	for _, s := range o.j.Services {
		order = append(order, s.Auth)
	}
	if want := []string{"open", "likely_open", "likely_open", "auth_required"}; !slices.Equal(order, want) {
		t.Errorf("services listed %q, want %q", order, want)
	}
	for _, r := range o.rows {
		if r["ip"] == "198.51.100.7" && (r["auth"] != "likely_open" || r["auth_evidence"] != likelyEvid) {
			t.Errorf("services.csv etcd row auth %q evidence %q", r["auth"], r["auth_evidence"])
		}
	}
	if !strings.Contains(o.md, "1 service answers without authentication.") || !strings.Contains(o.md, "It is listed first, with the evidence of open access") {
		t.Error("the lead of one open service is not in the singular")
	}
	openAt, likelyAt, requiredAt := strings.Index(o.md, "\n## Open services"), strings.Index(o.md, "\n## Likely open services"),
		strings.Index(o.md, "\n## Services demanding credentials")
	if openAt < 0 || likelyAt < openAt || requiredAt < likelyAt {
		t.Fatalf("Markdown sections at %d, %d, %d: likely open must follow open\n%s", openAt, likelyAt, requiredAt, o.md)
	}
	likely := o.md[likelyAt:requiredAt]
	if !strings.Contains(likely, "| 198.51.100.7:2379/tcp |") || !strings.Contains(likely, likelyEvid) || !strings.Contains(likely, "| 198.51.100.10:8080/tcp |") {
		t.Errorf("the likely-open section does not list both services with their evidence:\n%s", likely)
	}
	if strings.Contains(o.md[openAt:likelyAt], "198.51.100.7:") {
		t.Error("a likely-open service is listed under open")
	}
	if !strings.Contains(o.md, "| Likely open (inferred from defaults, not proven) | 2 |") || !strings.Contains(o.md, "2 services are likely open") {
		t.Error("the Markdown summary does not count the likely-open services apart")
	}
	m, _, err := bf.Message()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.NowOpen) != 0 || m.Counts.NowOpen != 0 || m.Counts.Open != 1 {
		t.Errorf("webhook counts %+v now_open %+v: likely open is not open", m.Counts, m.NowOpen)
	}
}

// TestIncompleteEarlierSnapshotWarns checks that a briefing compared
// with an incomplete earlier snapshot warns (brief.json's warnings, the
// Markdown's "Incomplete:" lead), naming that snapshot and its reasons,
// since services it missed count as new; a complete earlier snapshot
// gives no such warning.
func TestIncompleteEarlierSnapshotWarns(t *testing.T) {
	reason := "collect 2026-08-02T10:00:00Z: interrupted"
	for _, incomplete := range []bool{false, true} {
		bf := labBrief(t, func(c *brief.Config) {
			if incomplete {
				c.SinceIncomplete = []string{reason}
			}
		})
		o := labWrite(t, bf)
		warned := slices.ContainsFunc(o.j.Warnings, func(w string) bool {
			return strings.Contains(w, "Snapshot 2026Q3, the earlier snapshot, is incomplete") && strings.Contains(w, reason) && strings.Contains(w, "count as new")
		})
		if warned != incomplete {
			t.Errorf("incomplete %v: brief.json warnings %q", incomplete, o.j.Warnings)
		}
		if got := strings.Contains(o.md, "**Incomplete:** Snapshot 2026Q3, the earlier snapshot, is incomplete"); got != incomplete {
			t.Errorf("incomplete %v: the Markdown's lead warns %v", incomplete, got)
		}
		if !incomplete && len(o.j.Warnings) != 0 {
			t.Errorf("complete snapshots: warnings %q", o.j.Warnings)
		}
	}
}
