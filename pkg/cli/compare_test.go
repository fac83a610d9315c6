package cli

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/model"
)

// quarter is one synthetic snapshot: the services the engines saw that
// quarter (the truth), and the address blocks its range feeds publish.
type quarter struct {
	label  string
	svcs   []demo.Service
	blocks []demo.Block
	feedAt time.Time // the range feeds' publication time
}

type svcKey struct {
	addr netip.Addr
	port uint16
}

// importQuarter writes q's Shodan banners (one per service, NDJSON as
// `shodan download` writes them) and range feeds, and imports them into
// snapshot q.label through Main.
func importQuarter(t *testing.T, db, dir string, base *demo.Population, q quarter) {
	t.Helper()
	pop := *base
	pop.Services, pop.Blocks = q.svcs, q.blocks
	pop.Config.At = q.feedAt
	ranges := filepath.Join(dir, "ranges-"+q.label)
	if err := pop.WriteRanges(ranges); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for i := range q.svcs {
		b.Write(q.svcs[i].ShodanBanner(q.svcs[i].SeenAt))
		b.WriteByte('\n')
	}
	file := filepath.Join(dir, "shodan-"+q.label+".json")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", q.label, "--ranges", ranges, file); code != ExitOK {
		t.Fatalf("import %s: exit %d\n%s", q.label, code, stderr)
	}
}

// quarters builds three quarters from one demo population, mutating it
// between quarters: services appear and disappear, change auth state
// (both ways and to unknown) and move region (a range feed reassigns an
// AWS block). Auth changes are made on products whose demo banners show
// both states (the Kubernetes API server and the kubelet).
func quarters(t *testing.T) (*demo.Population, []quarter) {
	t.Helper()
	cat, err := (&globals{}).loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	shodanQs, _ := productQueries(cat)
	pop := demo.Generate(demo.Config{Seed: 2026, Size: 900})
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(string) bool { return false })
	pop.Noise = nil
	flips := func(s *demo.Service) bool { return s.Product == "kubernetes-api" || s.Product == "kubelet" }
	at := pop.Config.At

	// 2026Q2: six in seven services; a few more Kubernetes ones open.
	var q2 []demo.Service
	var held []demo.Service
	for i, s := range pop.Services {
		if i%7 == 0 {
			held = append(held, s)
			continue
		}
		if flips(&s) && i%13 == 0 {
			s.Auth = model.AuthOpen
		}
		q2 = append(q2, s)
	}
	// 2026Q3: some gone, half the held-out ones new, regressions,
	// remediations, changes to and from unknown, and one AWS block moved
	// to another region by the feed.
	var q3 []demo.Service
	for i, s := range q2 {
		if i%11 == 1 {
			continue
		}
		if flips(&s) {
			switch {
			case s.Auth == model.AuthRequired && i%5 == 2:
				s.Auth = model.AuthOpen
			case s.Auth == model.AuthOpen && i%2 == 0:
				s.Auth = model.AuthRequired
			case s.Auth == model.AuthRequired && i%17 == 3:
				s.Auth = model.AuthUnknown
			case s.Auth == model.AuthUnknown && i%2 == 1:
				s.Auth = model.AuthRequired
			}
		}
		q3 = append(q3, s)
	}
	for i, s := range held {
		if i%2 == 0 {
			q3 = append(q3, s)
		}
	}
	blocks3 := slices.Clone(pop.Blocks)
	moved := -1
	for i, b := range blocks3 {
		n := 0
		for _, s := range q3 {
			if b.Prefix.Contains(s.Addr) {
				n++
			}
		}
		if b.Provider == "aws" && n >= 3 && b.Region != "eu-central-1" {
			moved = i
			break
		}
	}
	if moved < 0 {
		t.Fatal("no AWS block with 3 services to move")
	}
	blocks3[moved].Region = "eu-central-1"
	retag := func(svcs []demo.Service) {
		for i := range svcs {
			if blocks3[moved].Prefix.Contains(svcs[i].Addr) {
				svcs[i].Region = "eu-central-1"
			}
		}
	}
	retag(q3)
	// 2026Q4: more gone, the other held-out ones new, more auth changes.
	var q4 []demo.Service
	for i, s := range q3 {
		if i%9 == 4 {
			continue
		}
		if flips(&s) {
			switch {
			case s.Auth == model.AuthRequired && i%6 == 1:
				s.Auth = model.AuthOpen
			case s.Auth == model.AuthOpen && i%3 == 0:
				s.Auth = model.AuthUnknown
			case s.Auth == model.AuthOpen && i%3 == 1:
				s.Auth = model.AuthRequired
			case s.Auth == model.AuthUnknown:
				s.Auth = model.AuthOpen
			}
		}
		q4 = append(q4, s)
	}
	for i, s := range held {
		if i%2 == 1 {
			q4 = append(q4, s)
		}
	}
	retag(q4)
	return pop, []quarter{
		{"2026Q2", q2, pop.Blocks, at},
		{"2026Q3", q3, blocks3, at},
		{"2026Q4", q4, blocks3, at},
	}
}

// seedQuarters imports the three quarters into a new database.
func seedQuarters(t *testing.T) (db, dir string, qs []quarter) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "orchex.db")
	pop, qs := quarters(t)
	for _, q := range qs {
		importQuarter(t, db, dir, pop, q)
	}
	return db, dir, qs
}

// wantDiff computes, from the truth of two quarters, what orchex diff
// must report.
type wantDiff struct {
	newN, gone, persisting, moved                   int
	regr, remed, o2u, r2u, u2o, u2r, unchanged      int
	services, hosts, open, required, unknown        [2]int
	product, provider, awsRegion, country           map[string][2]int
	newKeys, goneKeys, regrKeys, remedKeys, movKeys []string
}

// providerOf is the provider orchex tags s with: the demo's truth (which
// names Hetzner, AS24940, as orchex's ASN table does).
func providerOf(s *demo.Service) string { return cmp.Or(s.Provider, "none") }

func keyOf(s *demo.Service) string { return fmt.Sprintf("%s:%d", s.Addr, s.Port) }

func expectDiff(a, b []demo.Service) wantDiff {
	w := wantDiff{product: map[string][2]int{}, provider: map[string][2]int{}, awsRegion: map[string][2]int{}, country: map[string][2]int{}}
	or := func(s, d string) string { return cmp.Or(s, d) }
	for side, svcs := range [][]demo.Service{a, b} {
		hosts := map[netip.Addr]bool{}
		for _, s := range svcs {
			inc := func(m map[string][2]int, k string) { c := m[k]; c[side]++; m[k] = c }
			w.services[side]++
			hosts[s.Addr] = true
			switch s.Auth {
			case model.AuthOpen:
				w.open[side]++
			case model.AuthRequired:
				w.required[side]++
			default:
				w.unknown[side]++
			}
			inc(w.product, s.Product)
			inc(w.provider, providerOf(&s))
			if s.Provider == "aws" {
				inc(w.awsRegion, or(s.Region, "unknown"))
			}
			inc(w.country, or(s.Country, "unknown"))
		}
		w.hosts[side] = len(hosts)
	}
	inA := map[svcKey]demo.Service{}
	for _, s := range a {
		inA[svcKey{s.Addr, s.Port}] = s
	}
	inB := map[svcKey]bool{}
	for _, s := range b {
		inB[svcKey{s.Addr, s.Port}] = true
		old, ok := inA[svcKey{s.Addr, s.Port}]
		if !ok {
			w.newN++
			w.newKeys = append(w.newKeys, keyOf(&s))
			continue
		}
		w.persisting++
		if old.Provider != s.Provider || old.Region != s.Region {
			w.moved++
			w.movKeys = append(w.movKeys, keyOf(&s))
		}
		switch [2]model.Auth{old.Auth, s.Auth} {
		case [2]model.Auth{model.AuthRequired, model.AuthOpen}:
			w.regr++
			w.regrKeys = append(w.regrKeys, keyOf(&s))
		case [2]model.Auth{model.AuthOpen, model.AuthRequired}:
			w.remed++
			w.remedKeys = append(w.remedKeys, keyOf(&s))
		case [2]model.Auth{model.AuthOpen, model.AuthUnknown}:
			w.o2u++
		case [2]model.Auth{model.AuthRequired, model.AuthUnknown}:
			w.r2u++
		case [2]model.Auth{model.AuthUnknown, model.AuthOpen}:
			w.u2o++
		case [2]model.Auth{model.AuthUnknown, model.AuthRequired}:
			w.u2r++
		default:
			w.unchanged++
		}
	}
	for _, s := range a {
		if !inB[svcKey{s.Addr, s.Port}] {
			w.gone++
			w.goneKeys = append(w.goneKeys, keyOf(&s))
		}
	}
	for _, ks := range [][]string{w.newKeys, w.goneKeys, w.regrKeys, w.remedKeys, w.movKeys} {
		slices.Sort(ks)
	}
	return w
}

func diffJSON(t *testing.T, db string, args ...string) compare.Diff {
	t.Helper()
	out, stderr, code := run(t, nil, append([]string{"--db", db, "diff", "--format", "json"}, args...)...)
	if code != ExitOK {
		t.Fatalf("diff %v: exit %d\n%s", args, code, stderr)
	}
	var d compare.Diff
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("diff JSON: %v\n%s", err, out)
	}
	return d
}

func checkDeltas(t *testing.T, table string, got []compare.Delta, want map[string][2]int) {
	t.Helper()
	gotM := map[string][2]int{}
	for _, r := range got {
		gotM[r.Key] = [2]int{r.Before, r.After}
		if r.Change != r.After-r.Before {
			t.Errorf("%s %s: change %d, want %d", table, r.Key, r.Change, r.After-r.Before)
		}
		switch {
		case r.Before == 0 && r.Percent != nil:
			t.Errorf("%s %s: percent %v with before 0, want null", table, r.Key, *r.Percent)
		case r.Before != 0 && (r.Percent == nil || fmt.Sprintf("%.2f", *r.Percent) != fmt.Sprintf("%.2f", float64(r.Change)*100/float64(r.Before))):
			t.Errorf("%s %s: percent %v, want %.2f", table, r.Key, r.Percent, float64(r.Change)*100/float64(r.Before))
		}
	}
	for k, w := range want {
		if gotM[k] != w {
			t.Errorf("%s %q: before/after %v, want %v", table, k, gotM[k], w)
		}
	}
	for k, g := range gotM {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %q: unexpected row %v", table, k, g)
		}
	}
}

func checkDiff(t *testing.T, d compare.Diff, w wantDiff) {
	t.Helper()
	if got := [3]int{d.Services.New, d.Services.Gone, d.Services.Persisting}; got != [3]int{w.newN, w.gone, w.persisting} {
		t.Errorf("new/gone/persisting = %v, want %v", got, [3]int{w.newN, w.gone, w.persisting})
	}
	if d.Services.Moved != w.moved {
		t.Errorf("moved = %d, want %d", d.Services.Moved, w.moved)
	}
	a := d.Auth
	got := [7]int{a.Regressions, a.Remediations, a.OpenToUnknown, a.AuthRequiredToUnknown, a.UnknownToOpen, a.UnknownToAuthRequired, a.Unchanged}
	want := [7]int{w.regr, w.remed, w.o2u, w.r2u, w.u2o, w.u2r, w.unchanged}
	if got != want {
		t.Errorf("auth changes (regr, remed, o→u, r→u, u→o, u→r, same) = %v, want %v", got, want)
	}
	for _, c := range []struct {
		name string
		got  compare.Delta
		want [2]int
	}{
		{"services", d.Totals.Services, w.services}, {"hosts", d.Totals.Hosts, w.hosts}, {"open", d.Totals.Open, w.open},
		{"auth_required", d.Totals.AuthRequired, w.required}, {"unknown", d.Totals.Unknown, w.unknown},
	} {
		if [2]int{c.got.Before, c.got.After} != c.want || c.got.Change != c.want[1]-c.want[0] {
			t.Errorf("totals %s = %d → %d (%+d), want %v", c.name, c.got.Before, c.got.After, c.got.Change, c.want)
		}
	}
	checkDeltas(t, "by_product", d.ByProduct, w.product)
	checkDeltas(t, "by_provider", d.ByProvider, w.provider)
	checkDeltas(t, "by_aws_region", d.ByAWSRegion, w.awsRegion)
	checkDeltas(t, "by_country", d.ByCountry, w.country)
}

// TestDiffThreeQuarters imports three synthetic quarters with known
// truth and checks every delta of every pair of them.
func TestDiffThreeQuarters(t *testing.T) {
	db, _, qs := seedQuarters(t)
	for _, p := range [][2]int{{0, 1}, {1, 2}, {0, 2}} {
		a, b := qs[p[0]], qs[p[1]]
		t.Run(a.label+"-"+b.label, func(t *testing.T) {
			w := expectDiff(a.svcs, b.svcs)
			// The mutations must exercise every kind of change, or the
			// test proves less than it claims.
			if w.newN == 0 || w.gone == 0 || w.regr == 0 || w.remed == 0 || w.r2u+w.o2u == 0 || w.u2o+w.u2r == 0 {
				t.Fatalf("fixture too tame: %+v", w)
			}
			if p == [2]int{0, 1} && w.moved == 0 {
				t.Fatal("fixture moved no service between 2026Q2 and 2026Q3")
			}
			d := diffJSON(t, db, a.label, b.label)
			if d.A.Snapshot != a.label || d.B.Snapshot != b.label || !d.Comparable || len(d.Differences) != 0 {
				t.Errorf("sides %s → %s comparable=%v differences=%v", d.A.Snapshot, d.B.Snapshot, d.Comparable, d.Differences)
			}
			if d.Addresses != nil || d.AddressesIncluded {
				t.Error("addresses listed without --include-addresses")
			}
			checkDiff(t, d, w)
		})
	}
}

// TestDiffIncludeAddresses checks the per-service lists against the
// truth, and that flags may follow the two snapshots.
func TestDiffIncludeAddresses(t *testing.T) {
	db, _, qs := seedQuarters(t)
	w := expectDiff(qs[0].svcs, qs[1].svcs)
	d := diffJSON(t, db, qs[0].label, qs[1].label, "--include-addresses")
	if d.Addresses == nil {
		t.Fatal("no addresses with --include-addresses")
	}
	keys := func(rows []compare.ServiceChange, change string) []string {
		var out []string
		for _, r := range rows {
			if change == "" || r.Change == change {
				out = append(out, fmt.Sprintf("%s:%d", r.Address, r.Port))
			}
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"new", keys(d.Addresses.New, "new"), w.newKeys},
		{"gone", keys(d.Addresses.Gone, "gone"), w.goneKeys},
		{"regressions", keys(d.Addresses.AuthChanged, "regression"), w.regrKeys},
		{"remediations", keys(d.Addresses.AuthChanged, "remediation"), w.remedKeys},
		{"moved", keys(d.Addresses.Moved, "moved"), w.movKeys},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %d listed, want %d\n got %v\nwant %v", c.name, len(c.got), len(c.want), c.got, c.want)
		}
	}
	for _, r := range d.Addresses.AuthChanged {
		if r.Change == "regression" && (r.AuthBefore != "auth_required" || r.AuthAfter != "open") {
			t.Errorf("regression %s:%d shows %s → %s", r.Address, r.Port, r.AuthBefore, r.AuthAfter)
		}
	}
	for _, r := range d.Addresses.Moved {
		if r.RegionAfter != "eu-central-1" || r.RegionBefore == r.RegionAfter {
			t.Errorf("moved %s:%d: %s → %s", r.Address, r.Port, r.RegionBefore, r.RegionAfter)
		}
	}
	md, stderr, code := run(t, nil, "--db", db, "diff", qs[0].label, "--include-addresses", qs[1].label, "-f", "md")
	if code != ExitOK {
		t.Fatalf("diff md: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(md, "### Authentication changed") || !strings.Contains(md, w.regrKeys[0][:strings.LastIndex(w.regrKeys[0], ":")]) {
		t.Errorf("Markdown lists no regression address:\n%s", md)
	}
	plain, _, _ := run(t, nil, "--db", db, "diff", qs[0].label, qs[1].label)
	for _, k := range w.newKeys {
		addr := k[:strings.LastIndex(k, ":")]
		if strings.Contains(plain, "| "+addr+" |") {
			t.Fatalf("diff without --include-addresses shows address %s", addr)
		}
	}
}

// TestDiffDeterministic runs every output twice: byte-identical.
func TestDiffDeterministic(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	for _, args := range [][]string{
		{"diff", "--include-addresses", qs[0].label, qs[2].label},
		{"diff", "--format", "json", "--include-addresses", qs[0].label, qs[2].label},
		{"report", "--snapshot", qs[2].label, "--compare", qs[1].label},
		{"report", "--snapshot", qs[2].label, "--compare", qs[1].label, "--format", "json"},
		{"trend"},
		{"trend", "--format", "json"},
	} {
		first, _, code := run(t, nil, append([]string{"--db", db}, args...)...)
		second, _, _ := run(t, nil, append([]string{"--db", db}, args...)...)
		if code != ExitOK || first != second || first == "" {
			t.Errorf("%v: exit %d, outputs equal: %v", args, code, first == second)
		}
	}
	for _, args := range [][]string{
		{"trend", "--format", "pdf"},
		{"report", "--snapshot", qs[2].label, "--compare", qs[1].label, "--format", "pdf"},
	} {
		var files [2][]byte
		for i := range files {
			out := filepath.Join(dir, fmt.Sprintf("out-%d.pdf", i))
			if _, stderr, code := run(t, nil, append([]string{"--db", db}, append(args, "--out", out)...)...); code != ExitOK {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			var err error
			if files[i], err = os.ReadFile(out); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.HasPrefix(files[0], []byte("%PDF-")) || !bytes.HasPrefix(files[1], []byte("%PDF-")) {
			t.Errorf("%v: not a PDF", args)
		}
		// The report PDF (pkg/report/pdf) is not byte-identical from run
		// to run: fpdf's font subsetting picks one of the runes that share
		// a glyph in map order. The trend PDF keeps to runes with glyphs
		// of their own (see compare.pdfText), so it is.
		if args[0] == "trend" && !bytes.Equal(files[0], files[1]) {
			t.Errorf("%v: PDFs differ", args)
		}
	}
}

// TestReportCompare checks that report --compare carries the earlier
// value and the change of the headline figures and the table rows.
func TestReportCompare(t *testing.T) {
	db, _, qs := seedQuarters(t)
	a, b := qs[0], qs[1]
	w := expectDiff(a.svcs, b.svcs)
	out, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", b.label, "--compare", a.label, "--format", "json")
	if code != ExitOK {
		t.Fatalf("report --compare: exit %d\n%s", code, stderr)
	}
	type change struct { // report.Change as JSON
		Before  *int     `json:"before"`
		After   int      `json:"after"`
		Change  *int     `json:"change"`
		Percent *float64 `json:"change_percent"`
	}
	var doc struct {
		Compare *struct {
			Snapshot string                     `json:"snapshot"`
			Headline map[string]json.RawMessage `json:"headline"`
			Product  []struct {
				Product  string `json:"product"`
				Services change `json:"services"`
				Open     change `json:"open"`
			} `json:"by_product"`
			AWSRegion []struct {
				Region   string `json:"region"`
				Services change `json:"services"`
			} `json:"by_aws_region"`
			Differences []string `json:"method_differences"`
		} `json:"compare"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Compare
	if c == nil || c.Snapshot != a.label {
		t.Fatalf("no compare object for %s:\n%.2000s", a.label, out)
	}
	check := func(what string, got change, want [2]int) {
		t.Helper()
		if got.Before == nil || got.Change == nil || *got.Before != want[0] || got.After != want[1] || *got.Change != want[1]-want[0] {
			t.Errorf("%s: %+v, want %d → %d", what, got, want[0], want[1])
		}
		if want[0] != 0 && (got.Percent == nil || fmt.Sprintf("%.2f", *got.Percent) != fmt.Sprintf("%.2f", float64(want[1]-want[0])*100/float64(want[0]))) {
			t.Errorf("%s: percent %v", what, got.Percent)
		}
	}
	for _, f := range []struct {
		key  string
		want [2]int
	}{{"services", w.services}, {"hosts", w.hosts}, {"open", w.open}, {"auth_required", w.required}, {"unknown", w.unknown}} {
		var got change
		if err := json.Unmarshal(c.Headline[f.key], &got); err != nil {
			t.Fatalf("compare.headline.%s: %v", f.key, err)
		}
		check("headline "+f.key, got, f.want)
	}
	seen := 0
	for _, r := range c.Product {
		if want, ok := w.product[r.Product]; ok {
			check("product "+r.Product, r.Services, want)
			seen++
		}
	}
	if seen != len(w.product) {
		t.Errorf("%d of %d products compared", seen, len(w.product))
	}
	for _, r := range c.AWSRegion {
		check("AWS region "+r.Region, r.Services, w.awsRegion[r.Region])
	}
	md, _, code := run(t, nil, "--db", db, "report", "--snapshot", b.label, "--compare", a.label)
	if code != ExitOK {
		t.Fatal("report --compare md failed")
	}
	wantRow := fmt.Sprintf("| Exposed services | %s | %s | %+d", num(w.services[1]), num(w.services[0]), w.services[1]-w.services[0])
	if !strings.Contains(md, wantRow) || !strings.Contains(md, "| Product | Family | Category | Services | In 2026Q2 | Change |") {
		t.Errorf("Markdown lacks the comparison (want %q):\n%.3000s", wantRow, md)
	}
	// --compare of csv is refused; comparing a snapshot with itself too.
	if _, _, code := run(t, nil, "--db", db, "report", "--snapshot", b.label, "--compare", a.label, "--format", "csv"); code != ExitUsage {
		t.Errorf("report --compare --format csv: exit %d, want %d", code, ExitUsage)
	}
	if _, _, code := run(t, nil, "--db", db, "report", "--snapshot", b.label, "--compare", b.label); code != ExitUsage {
		t.Errorf("report --compare itself: exit %d, want %d", code, ExitUsage)
	}
}

func num(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestTrend checks the trend's figures against the truth of each quarter,
// its order and --from/--to.
func TestTrend(t *testing.T) {
	db, _, qs := seedQuarters(t)
	out, stderr, code := run(t, nil, "--db", db, "trend", "--format", "json")
	if code != ExitOK {
		t.Fatalf("trend: exit %d\n%s", code, stderr)
	}
	var tr compare.Trend
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Order != compare.ByQuarter || len(tr.Snapshots) != 3 || len(tr.MethodChanges) != 0 {
		t.Fatalf("order %q, %d snapshots, %d method changes", tr.Order, len(tr.Snapshots), len(tr.MethodChanges))
	}
	for i, q := range qs {
		p := tr.Snapshots[i]
		w := expectDiff(q.svcs, nil)
		h := p.Headline
		if p.Snapshot != q.label || h.Services != w.services[0] || h.Hosts != w.hosts[0] || h.Open != w.open[0] ||
			h.AuthRequired != w.required[0] || h.Unknown != w.unknown[0] {
			t.Errorf("point %d: %s %+v, want %s services %d hosts %d open %d", i, p.Snapshot, h, q.label, w.services[0], w.hosts[0], w.open[0])
		}
		for _, c := range p.Products {
			if c.Services != w.product[c.Product][0] {
				t.Errorf("%s product %s: %d, want %d", q.label, c.Product, c.Services, w.product[c.Product][0])
			}
		}
		if len(p.Products) != len(tr.Products) {
			t.Errorf("%s: %d product counts, want %d", q.label, len(p.Products), len(tr.Products))
		}
	}
	md, _, _ := run(t, nil, "--db", db, "trend", "--from", "2026Q3", "--to", "2026Q4")
	if strings.Contains(md, "2026Q2") || !strings.Contains(md, "| Figure | 2026Q3 | 2026Q4 |") {
		t.Errorf("trend --from 2026Q3 --to 2026Q4:\n%s", md)
	}
	for _, args := range [][]string{{"--from", "2026Q4", "--to", "2026Q2"}, {"--from", "1999Q1"}, {"--format", "pdf"}} {
		if _, _, code := run(t, nil, append([]string{"--db", db, "trend"}, args...)...); code != ExitUsage {
			t.Errorf("trend %v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}

// TestComparabilityWarning imports a quarter tagged with range feeds of
// another date: diff, report --compare and trend warn on stderr and list
// the difference in their method sections.
func TestComparabilityWarning(t *testing.T) {
	db, dir, qs := seedQuarters(t)
	pop, _ := quarters(t)
	q := quarter{label: "2027Q1", svcs: qs[2].svcs, blocks: qs[2].blocks, feedAt: qs[2].feedAt.AddDate(0, 3, 0)}
	importQuarter(t, db, dir, pop, q)

	out, stderr, code := run(t, nil, "--db", db, "diff", "2026Q4", "2027Q1")
	if code != ExitOK {
		t.Fatalf("diff: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: snapshots 2026Q4 and 2027Q1 were made with different methods") ||
		!strings.Contains(stderr, "range feed aws") || !strings.Contains(stderr, "not a change in the internet") {
		t.Errorf("no comparability warning on stderr:\n%s", stderr)
	}
	if !strings.Contains(out, "The methods differ") || !strings.Contains(out, "- range feed aws: ") {
		t.Errorf("method section lists no difference:\n%s", out)
	}
	// Same services, different feed date: nothing changed but the method.
	d := diffJSON(t, db, "2026Q4", "2027Q1")
	if d.Comparable || d.Services.New != 0 || d.Services.Gone != 0 || d.Auth.Regressions != 0 {
		t.Errorf("comparable=%v new=%d gone=%d", d.Comparable, d.Services.New, d.Services.Gone)
	}
	if _, stderr, _ := run(t, nil, "--db", db, "diff", "2026Q3", "2026Q4"); strings.Contains(stderr, "warning") {
		t.Errorf("warning for snapshots made the same way:\n%s", stderr)
	}
	md, stderr, _ := run(t, nil, "--db", db, "report", "--snapshot", "2027Q1", "--compare", "2026Q4")
	if !strings.Contains(stderr, "warning:") || !strings.Contains(md, "the method changed") || !strings.Contains(md, "range feed aws: ") {
		t.Errorf("report --compare: no method difference\nstderr: %s\n%s", stderr, md)
	}
	md, stderr, _ = run(t, nil, "--db", db, "trend")
	if !strings.Contains(stderr, "warning: snapshots 2026Q4 and 2027Q1") || !strings.Contains(md, "2026Q4 → 2027Q1: range feed aws: ") {
		t.Errorf("trend: no method change\nstderr: %s\n%s", stderr, md)
	}
}

func TestDiffUsage(t *testing.T) {
	db, _, _ := seedQuarters(t)
	for _, args := range [][]string{
		{"diff"}, {"diff", "2026Q2"}, {"diff", "2026Q2", "2026Q2"},
		{"diff", "--format", "pdf", "2026Q2", "2026Q3"}, {"diff", "2026Q2", "2026Q3", "extra"},
		{"diff", "2026Q2", "2026Q3", "--bogus"},
	} {
		if _, _, code := run(t, nil, append([]string{"--db", db}, args...)...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
	if _, stderr, code := run(t, nil, "--db", db, "diff", "2026Q2", "1999Q1"); code != ExitFailure || !strings.Contains(stderr, "1999Q1") {
		t.Errorf("unknown snapshot: exit %d\n%s", code, stderr)
	}
}
