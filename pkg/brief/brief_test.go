package brief_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/model"
)

// TestCountsEqualTruth checks every scope's figures, with and without an
// earlier snapshot, against a direct count over the fixture's truth:
// services, hosts, open, auth_required, unknown, new, gone and every
// auth change.
func TestCountsEqualTruth(t *testing.T) {
	a, b := snapshots(1, 3000)
	for _, since := range []bool{false, true} {
		r := run(t, a, b, since, nil)
		if r.Len() != len(truth) {
			t.Fatalf("%d scopes, want %d", r.Len(), len(truth))
		}
		for k := range r.Len() {
			name := r.Scope(k).Name
			w := want(name, a, b)
			if !since {
				w = brief.Counts{Services: w.Services, Hosts: w.Hosts, Open: w.Open, AuthRequired: w.AuthRequired, Unknown: w.Unknown}
			}
			if got := r.Counts(k); got != w {
				t.Errorf("since=%v scope %s:\n got %+v\nwant %+v", since, name, got, w)
			}
			if name != "empty" && (w.Services == 0 || w.Open == 0 || since && (w.New == 0 || w.Gone == 0 || w.NowOpen == 0)) {
				t.Errorf("scope %s: the fixture exercises too little: %+v", name, w)
			}
		}
	}
}

// briefJSON is what the tests read of brief.json.
type briefJSON struct {
	Scope    string  `json:"scope"`
	Snapshot string  `json:"snapshot"`
	Since    *string `json:"since"`
	Contacts []string
	Summary  struct {
		Services, Hosts, Open, Unknown int
		AuthRequired                   int `json:"auth_required"`
	}
	Changes *struct {
		New, Gone int
		NowOpen   int `json:"now_open"`
		NowClosed int `json:"now_closed"`
	}
	Owners []struct {
		Owner     string
		Services  int
		Netblocks []struct{ Netblock string }
	}
	Remediation []struct {
		Product string
		Text    string
		Links   []struct{ URL string }
	}
	Notes    []string
	Services []brief.ServiceJSON
	Gone     []brief.ServiceJSON
}

func open(t *testing.T, r *brief.Run, k int) *brief.Brief {
	t.Helper()
	bf, err := r.Brief(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bf.Close() })
	return bf
}

func decodeJSON(t *testing.T, bf *brief.Brief) (briefJSON, []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := bf.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var j briefJSON
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("brief.json does not decode: %v\n%.2000s", err, out.String())
	}
	return j, out.Bytes()
}

func key(s brief.ServiceJSON) string { return fmt.Sprintf("%s %d %s", s.Address, s.Port, s.Transport) }

// TestJSONListsEveryService checks brief.json of every scope: the
// summary and changes equal the truth, services[] lists exactly the
// scope's services (each once), with the fields of the issue, every
// open service carries its evidence, change and auth_before say what
// happened, and gone[] lists exactly the scope's gone services.
func TestJSONListsEveryService(t *testing.T) {
	a, b := snapshots(2, 2000)
	r := run(t, a, b, true, nil)
	then := map[model.Key]model.Service{}
	for _, s := range a {
		then[s.Key] = s
	}
	for k := range r.Len() {
		bf := open(t, r, k)
		name := bf.Scope.Name
		j, raw := decodeJSON(t, bf)
		w := want(name, a, b)
		if j.Scope != name || j.Snapshot != "2026Q4" || j.Since == nil || *j.Since != "2026Q3" {
			t.Errorf("%s: head %q %q %v", name, j.Scope, j.Snapshot, j.Since)
		}
		if j.Summary.Services != w.Services || j.Summary.Hosts != w.Hosts || j.Summary.Open != w.Open ||
			j.Summary.AuthRequired != w.AuthRequired || j.Summary.Unknown != w.Unknown {
			t.Errorf("%s: summary %+v, want %+v", name, j.Summary, w)
		}
		if j.Changes == nil || j.Changes.New != w.New || j.Changes.Gone != w.Gone || j.Changes.NowOpen != w.NowOpen || j.Changes.NowClosed != w.NowClosed {
			t.Errorf("%s: changes %+v, want %+v", name, j.Changes, w)
		}
		wantKeys := map[string]model.Service{}
		for _, s := range b {
			if truth[name](&s) {
				wantKeys[fmt.Sprintf("%s %d %s", s.Addr, s.Port, s.Transport)] = s
			}
		}
		if len(j.Services) != len(wantKeys) {
			t.Errorf("%s: %d services listed, want %d", name, len(j.Services), len(wantKeys))
		}
		seen := map[string]bool{}
		section := 0
		for _, s := range j.Services {
			kk := key(s)
			src, ok := wantKeys[kk]
			if !ok || seen[kk] {
				t.Errorf("%s: service %s listed but not in the scope, or twice", name, kk)
				continue
			}
			seen[kk] = true
			if s.Auth != string(src.Auth) || s.Product != src.Product || s.Version != src.Version || s.Org != src.Org ||
				!slices.Equal(s.Hostnames, append([]string{}, src.Hostnames...)) || s.Title != src.Title {
				t.Errorf("%s: %s fields %+v, from %+v", name, kk, s, src)
			}
			if (src.ASN == 0) != (s.ASN == nil) || s.ASN != nil && *s.ASN != src.ASN || s.FirstSeen == nil || !s.FirstSeen.Equal(src.FirstSeen) ||
				s.LastSeen == nil || !s.LastSeen.Equal(src.LastSeen) || len(s.Engines) == 0 || s.Owner == "" || s.Netblock == "" {
				t.Errorf("%s: %s asn, seen, engines, owner or netblock: %+v", name, kk, s)
			}
			if wp := orNone(src.Cloud.Provider); s.Provider != wp || s.Region != src.Cloud.Region {
				t.Errorf("%s: %s cloud %q %q, want %q %q", name, kk, s.Provider, s.Region, wp, src.Cloud.Region)
			}
			if s.Auth == "open" && (s.Evidence == "" || s.Evidence != src.AuthEvidence) {
				t.Errorf("%s: open service %s without its evidence: %q", name, kk, s.Evidence)
			}
			// Open services first, then auth_required, then unknown.
			rank := map[string]int{"open": 0, "auth_required": 1, "unknown": 2}[s.Auth]
			if rank < section {
				t.Errorf("%s: %s (%s) listed after a later section", name, kk, s.Auth)
			}
			section = rank
			old, was := then[src.Key]
			switch {
			case was && truth[name](&old):
				if s.Change != "persisting" || s.AuthBefore != string(old.Auth) {
					t.Errorf("%s: %s change %q before %q, want persisting %q", name, kk, s.Change, s.AuthBefore, old.Auth)
				}
			case s.Change != "new" || s.AuthBefore != "":
				t.Errorf("%s: %s change %q before %q, want new", name, kk, s.Change, s.AuthBefore)
			}
		}
		if len(j.Gone) != w.Gone {
			t.Errorf("%s: %d gone listed, want %d", name, len(j.Gone), w.Gone)
		}
		for _, g := range j.Gone {
			if g.Change != "gone" || g.AuthBefore == "" {
				t.Errorf("%s: gone row %+v", name, g)
			}
		}
		// The owners' services add up to the scope's.
		n := 0
		for _, o := range j.Owners {
			n += o.Services
		}
		if n != w.Services {
			t.Errorf("%s: owners hold %d services, want %d", name, n, w.Services)
		}
		if w.Services > 0 && len(j.Remediation) == 0 {
			t.Errorf("%s: no remediation", name)
		}
		if !slices.Contains(j.Notes, "A snapshot note.") {
			t.Errorf("%s: notes %q lack the snapshot's note", name, j.Notes)
		}
		if bytes.Contains(raw, []byte("<script")) || bytes.Contains(raw, []byte("\u202e")) {
			t.Errorf("%s: brief.json holds raw HTML or a bidi control", name)
		}
	}
}

func orNone(p string) string {
	if p == "" {
		return "none"
	}
	return p
}

// TestWithoutSince checks that a briefing without an earlier snapshot
// has no changes: "since" and "changes" are null, no service carries a
// change, gone[] is empty.
func TestWithoutSince(t *testing.T) {
	a, b := snapshots(3, 500)
	r := run(t, a, b, false, nil)
	for k := range r.Len() {
		j, _ := decodeJSON(t, open(t, r, k))
		if j.Since != nil || j.Changes != nil || len(j.Gone) != 0 {
			t.Errorf("%s: since %v changes %v gone %d", j.Scope, j.Since, j.Changes, len(j.Gone))
		}
		for _, s := range j.Services {
			if s.Change != "" || s.AuthBefore != "" {
				t.Errorf("%s: %s has change %q", j.Scope, key(s), s.Change)
			}
		}
	}
}

// TestSpillPaths checks that the briefing does not depend on how the
// spill was buffered or read: a 1 KiB buffer (many flushes) and reading
// from the disk record by record give the same bytes as the defaults.
func TestSpillPaths(t *testing.T) {
	a, b := snapshots(4, 1500)
	write := func(r *brief.Run) []byte {
		var out bytes.Buffer
		for k := range r.Len() {
			bf := open(t, r, k)
			if err := bf.WriteJSON(&out); err != nil {
				t.Fatal(err)
			}
			if err := bf.WriteCSV(&out); err != nil {
				t.Fatal(err)
			}
		}
		return out.Bytes()
	}
	base := write(run(t, a, b, true, nil))
	small := write(run(t, a, b, true, func(c *brief.Config) { c.Buffer = 1 << 10; c.InMemory = 1 }))
	if !bytes.Equal(base, small) {
		t.Error("a small buffer and disk reads change the briefings")
	}
	if again := write(run(t, a, b, true, nil)); !bytes.Equal(base, again) {
		t.Error("two runs differ")
	}
}

// TestSelectSome briefs two scopes of the file only, named out of order.
func TestSelectSome(t *testing.T) {
	a, b := snapshots(5, 500)
	r := run(t, a, b, true, func(c *brief.Config) { c.Select = []int{4, 1} })
	if r.Len() != 2 || r.Scope(0).Name != "country" || r.Scope(1).Name != "by-org" {
		t.Fatalf("scopes %d: %s", r.Len(), r.Scope(0).Name)
	}
	if got, w := r.Counts(1), want("by-org", a, b); got != w {
		t.Errorf("by-org %+v, want %+v", got, w)
	}
}

// TestCSVFeed checks services.csv: the documented header, one row per
// service with the Shadowserver-named columns filled, the scope's
// contacts on every row, timestamps in UTC ISO 8601, and cells a
// spreadsheet would run as formulas quoted.
func TestCSVFeed(t *testing.T) {
	a, b := snapshots(6, 800)
	r := run(t, a, b, true, nil)
	for k := range r.Len() {
		bf := open(t, r, k)
		var out bytes.Buffer
		if err := bf.WriteCSV(&out); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatalf("%s: services.csv does not parse: %v", bf.Scope.Name, err)
		}
		if !slices.Equal(rows[0], brief.FeedColumns()) {
			t.Errorf("header %q", rows[0])
		}
		if len(rows)-1 != bf.Counts.Services {
			t.Errorf("%s: %d rows, want %d", bf.Scope.Name, len(rows)-1, bf.Counts.Services)
		}
		col := map[string]int{}
		for i, c := range rows[0] {
			col[c] = i
		}
		for _, row := range rows[1:] {
			if _, err := time.Parse(time.RFC3339, row[col["timestamp"]]); err != nil || !strings.HasSuffix(row[col["timestamp"]], "Z") {
				t.Errorf("timestamp %q", row[col["timestamp"]])
			}
			if _, err := netip.ParseAddr(row[col["ip"]]); err != nil || row[col["protocol"]] != "tcp" || row[col["port"]] == "" || row[col["tag"]] == "" {
				t.Errorf("row %q", row)
			}
			if row[col["scope"]] != bf.Scope.Name || row[col["contacts"]] != strings.ReplaceAll(strings.Join(bf.Scope.Contacts, " "), "=", "'=") {
				t.Errorf("%s: scope %q contacts %q", bf.Scope.Name, row[col["scope"]], row[col["contacts"]])
			}
			for _, cell := range row {
				if c := strings.TrimLeft(cell, " "); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
					t.Errorf("cell %q would run as a formula", cell)
				}
				if strings.ContainsAny(cell, "\u202e\x00") {
					t.Errorf("cell %q holds a control", cell)
				}
			}
		}
	}
}

// TestSelectErrors checks that a snapshot out of order is refused with
// the position, and that a cancelled context stops the pass.
func TestSelectErrors(t *testing.T) {
	a, b := snapshots(7, 200)
	b[3], b[4] = b[4], b[3]
	_, err := brief.Select(context.Background(), brief.Config{Scopes: loadScopes(t), Dir: t.TempDir(),
		Now: brief.Side{Label: "2026Q4", Services: stream(b)}})
	if err == nil || !strings.Contains(err.Error(), "snapshot 2026Q4: service #5") {
		t.Errorf("unsorted: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = brief.Select(ctx, brief.Config{Scopes: loadScopes(t), Dir: t.TempDir(),
		Now: brief.Side{Label: "2026Q4", Services: stream(a)}, Since: &brief.Side{Label: "x", Services: stream(a)}})
	if err == nil {
		t.Error("a cancelled pass succeeded")
	}
}

// TestIncompleteSnapshotWarns checks that a briefing of a snapshot whose
// runs stopped early says so before any figure (brief.json's warnings,
// the document's "Incomplete:" lead), as the research report and diffs
// do, and that a complete snapshot's briefing has no such warning.
func TestIncompleteSnapshotWarns(t *testing.T) {
	a, b := snapshots(4, 300)
	reason := "collect 2026-11-02T10:00:00Z: interrupted"
	for _, incomplete := range []bool{false, true} {
		r := run(t, a, b, true, func(c *brief.Config) {
			if incomplete {
				c.Meta.Incomplete = []string{reason}
			}
		})
		for k := range r.Len() {
			bf := open(t, r, k)
			var warned bool
			for _, w := range bf.Warnings {
				if strings.Contains(w, "2026Q4 is incomplete") && strings.Contains(w, reason) && strings.Contains(w, "lower bounds") {
					warned = true
				}
			}
			if warned != incomplete {
				t.Errorf("incomplete %v: scope %s warnings %q", incomplete, bf.Scope.Name, bf.Warnings)
			}
			_, raw := decodeJSON(t, bf)
			if got := bytes.Contains(raw, []byte("2026Q4 is incomplete")); got != incomplete {
				t.Errorf("incomplete %v: scope %s: brief.json warns %v", incomplete, bf.Scope.Name, got)
			}
			lead := false
			for _, blk := range bf.Document(brief.DocOptions{}).Intro {
				lead = lead || blk.Lead == "Incomplete:" && strings.Contains(blk.Text, reason)
			}
			if lead != incomplete {
				t.Errorf("incomplete %v: scope %s: document intro warns %v", incomplete, bf.Scope.Name, lead)
			}
		}
	}
}
