package compare

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

func stream(ss []model.Service) Services {
	return func(fn func(*model.Service) error) error {
		for i := range ss {
			s := ss[i] // a copy: fn may keep it, the caller may not change it
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

func svc(addr string, port uint16, product string, auth model.Auth, provider, region, country string) model.Service {
	return model.Service{
		Key:     model.Key{Addr: netip.MustParseAddr(addr), Port: port, Transport: "tcp"},
		Product: product, Auth: auth, Country: country,
		Cloud: model.CloudTag{Provider: provider, Region: region},
	}
}

var (
	created = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	method  = Method{CatalogVersion: "2026.11.1", Engines: []string{"shodan"}, Feeds: []Feed{{Provider: "aws", Date: "2026-11-15"}}}
)

// fixture is two small snapshots with every kind of change, and hostile
// strings where banners put them.
func fixture() (a, b []model.Service) {
	a = []model.Service{
		svc("198.18.0.1", 443, "kubernetes-api", model.AuthRequired, "aws", "us-east-1", "US"),  // → regression
		svc("198.18.0.1", 10250, "kubelet", model.AuthOpen, "aws", "us-east-1", "US"),           // → remediation
		svc("198.18.0.2", 443, "kubernetes-api", model.AuthRequired, "aws", "us-east-1", "US"),  // gone
		svc("198.18.0.3", 6443, "kubernetes-api", model.AuthUnknown, "aws", "us-west-2", "US"),  // → open
		svc("198.18.0.4", 2379, "etcd", model.AuthOpen, "aws", "eu-west-1", "IE"),               // moves region
		svc("198.18.1.9", 8080, "marathon", model.AuthRequired, "", "", "CN"),                   // → unknown
		svc("203.0.113.7", 9000, "<script>x</script>|p", model.AuthOpen, "gcp", "", "\u202eSU"), // hostile, same
	}
	b = []model.Service{
		svc("198.18.0.1", 443, "kubernetes-api", model.AuthOpen, "aws", "us-east-1", "US"),
		svc("198.18.0.1", 10250, "kubelet", model.AuthRequired, "aws", "us-east-1", "US"),
		svc("198.18.0.3", 6443, "kubernetes-api", model.AuthOpen, "aws", "us-west-2", "US"),
		svc("198.18.0.4", 2379, "etcd", model.AuthOpen, "aws", "eu-central-1", "IE"),
		svc("198.18.0.5", 443, "portainer", model.AuthOpen, "aws", "", "US"), // new
		svc("198.18.1.9", 8080, "marathon", model.AuthUnknown, "", "", "CN"),
		svc("203.0.113.7", 9000, "<script>x</script>|p", model.AuthOpen, "gcp", "", "\u202eSU"),
		svc("2001:db8::1", 443, "**bold** [l](http://e.test)\n# h", model.AuthRequired, "azure", "westeurope", "NL\xff|"), // new, hostile
	}
	return a, b
}

func diffOf(t *testing.T, a, b []model.Service, ma, mb Method, addresses bool) *Diff {
	t.Helper()
	d, err := NewDiff(context.Background(),
		Input{Label: "2026Q2", Created: created, Method: ma, Services: stream(a)},
		Input{Label: "2026Q3", Created: created.AddDate(0, 3, 0), Method: mb, Services: stream(b)},
		Options{IncludeAddresses: addresses})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewDiffFixture(t *testing.T) {
	a, b := fixture()
	d := diffOf(t, a, b, method, method, true)
	if got, want := d.Services, (Movement{New: 2, Gone: 1, Persisting: 6, Moved: 1}); got != want {
		t.Errorf("services %+v, want %+v", got, want)
	}
	if got, want := d.Auth, (AuthMoves{Regressions: 1, Remediations: 1, UnknownToOpen: 1, AuthRequiredToUnknown: 1, Unchanged: 2}); got != want {
		t.Errorf("auth %+v, want %+v", got, want)
	}
	if got := [2]int{d.Totals.Hosts.Before, d.Totals.Hosts.After}; got != [2]int{6, 7} {
		t.Errorf("hosts %v, want [6 7]", got)
	}
	region := map[string][2]int{}
	for _, r := range d.ByAWSRegion {
		region[r.Key] = [2]int{r.Before, r.After}
	}
	want := map[string][2]int{"us-east-1": {3, 2}, "us-west-2": {1, 1}, "eu-west-1": {1, 0}, "eu-central-1": {0, 1}, "unknown": {0, 1}}
	if fmt.Sprint(region) != fmt.Sprint(want) {
		t.Errorf("AWS regions %v, want %v", region, want)
	}
	l := d.Addresses
	if len(l.New) != 2 || len(l.Gone) != 1 || len(l.AuthChanged) != 4 || len(l.Moved) != 1 {
		t.Fatalf("lists: %d new, %d gone, %d auth, %d moved", len(l.New), len(l.Gone), len(l.AuthChanged), len(l.Moved))
	}
	if r := l.AuthChanged[0]; r.Address != "198.18.0.1" || r.Port != 443 || r.Change != "regression" || r.AuthBefore != "auth_required" || r.AuthAfter != "open" {
		t.Errorf("first auth change %+v", r)
	}
	if r := l.Moved[0]; r.RegionBefore != "eu-west-1" || r.RegionAfter != "eu-central-1" {
		t.Errorf("moved %+v", r)
	}
}

// bruteDiff computes a diff with maps, the obvious way, to check the
// merge-join against.
func bruteDiff(a, b []model.Service) (Movement, AuthMoves, map[string][2]int) {
	var m Movement
	var x AuthMoves
	product := map[string][2]int{}
	inA := map[model.Key]model.Service{}
	for _, s := range a {
		inA[s.Key] = s
		c := product[keyOr(s.Product, UnknownKey)]
		c[0]++
		product[keyOr(s.Product, UnknownKey)] = c
	}
	inB := map[model.Key]bool{}
	for _, s := range b {
		inB[s.Key] = true
		c := product[keyOr(s.Product, UnknownKey)]
		c[1]++
		product[keyOr(s.Product, UnknownKey)] = c
		old, ok := inA[s.Key]
		if !ok {
			m.New++
			continue
		}
		m.Persisting++
		if old.Cloud.Provider != s.Cloud.Provider || old.Cloud.Region != s.Cloud.Region {
			m.Moved++
		}
		if old.Product != s.Product {
			m.Reclassified++
		}
		switch f, t := old.Auth.Verdict(), s.Auth.Verdict(); {
		case f == t:
			x.Unchanged++
		case f == model.AuthRequired && t == model.AuthOpen:
			x.Regressions++
		case f == model.AuthOpen && t == model.AuthRequired:
			x.Remediations++
		case f == model.AuthOpen:
			x.OpenToUnknown++
		case f == model.AuthRequired:
			x.AuthRequiredToUnknown++
		case t == model.AuthOpen:
			x.UnknownToOpen++
		default:
			x.UnknownToAuthRequired++
		}
	}
	for _, s := range a {
		if !inB[s.Key] {
			m.Gone++
		}
	}
	return m, x, product
}

func randomServices(r *rand.Rand, n int) []model.Service {
	auths := []model.Auth{model.AuthOpen, model.AuthRequired, model.AuthUnknown, ""}
	products := []string{"kubernetes-api", "kubelet", "etcd", ""}
	regions := []string{"us-east-1", "eu-west-1", ""}
	var out []model.Service
	for range n {
		var addr netip.Addr
		if r.IntN(5) == 0 {
			var x [16]byte
			x[0], x[1], x[15] = 0x20, 0x01, byte(r.IntN(40))
			addr = netip.AddrFrom16(x)
		} else {
			addr = netip.AddrFrom4([4]byte{198, 18, byte(r.IntN(3)), byte(r.IntN(60))})
		}
		s := svc(addr.String(), uint16(r.IntN(3)+440), products[r.IntN(4)], auths[r.IntN(4)], "aws", regions[r.IntN(3)], "US")
		if r.IntN(4) == 0 {
			s.Transport = "udp"
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y model.Service) int { return x.Key.Compare(y.Key) })
	return slices.CompactFunc(out, func(x, y model.Service) bool { return x.Key == y.Key })
}

// TestNewDiffMatchesBruteForce checks the merge-join against maps on
// random snapshots (IPv4 and IPv6, tcp and udp, every auth state).
func TestNewDiffMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2026))
	for i := range 50 {
		a, b := randomServices(r, r.IntN(300)), randomServices(r, r.IntN(300))
		if i == 0 {
			a = nil
		}
		d := diffOf(t, a, b, method, method, false)
		m, x, product := bruteDiff(a, b)
		if d.Services != m || d.Auth != x {
			t.Fatalf("case %d: services %+v auth %+v, want %+v %+v", i, d.Services, d.Auth, m, x)
		}
		got := map[string][2]int{}
		for _, r := range d.ByProduct {
			got[r.Key] = [2]int{r.Before, r.After}
		}
		if fmt.Sprint(got) != fmt.Sprint(product) {
			t.Fatalf("case %d: products %v, want %v", i, got, product)
		}
		if d.Totals.Services.Before != len(a) || d.Totals.Services.After != len(b) {
			t.Fatalf("case %d: totals %+v", i, d.Totals.Services)
		}
	}
}

// TestNewDiffHoneypotNotes: the services of honeypot hosts are left out
// by default and counted when asked, and the note says which in words a
// library may use (no command-line flag).
func TestNewDiffHoneypotNotes(t *testing.T) {
	a, b := fixture()
	b[4].Honeypot = model.HoneypotShodanTag
	for _, include := range []bool{false, true} {
		d, err := NewDiff(context.Background(),
			Input{Label: "2026Q2", Created: created, Method: method, Services: stream(a)},
			Input{Label: "2026Q3", Created: created.AddDate(0, 3, 0), Method: method, Services: stream(b)},
			Options{IncludeHoneypots: include})
		if err != nil {
			t.Fatal(err)
		}
		want, services := "left out of every count", len(b)-1
		if include {
			want, services = "counted in every figure, as asked", len(b)
		}
		note := d.Notes[len(d.Notes)-1] // after the note on moved services
		if d.B.Honeypots != 1 || d.A.Honeypots != 0 || d.Totals.Services.After != services ||
			!strings.HasPrefix(note, "Snapshot 2026Q3 holds 1 service on hosts flagged") || !strings.Contains(note, want) || strings.Contains(note, "--") {
			t.Errorf("include %v: honeypots %d/%d, %d services, notes %q", include, d.A.Honeypots, d.B.Honeypots, d.Totals.Services.After, d.Notes)
		}
	}
}

func TestNewDiffErrors(t *testing.T) {
	a, b := fixture()
	ctx := context.Background()
	unsorted := slices.Clone(b)
	unsorted[0], unsorted[1] = unsorted[1], unsorted[0]
	dup := append(slices.Clone(a[:2]), a[1])
	boom := errors.New("disk on fire")
	failing := func(fn func(*model.Service) error) error {
		s := a[0]
		if err := fn(&s); err != nil {
			return err
		}
		return boom
	}
	for _, c := range []struct {
		name string
		a, b Services
		want string
	}{
		{"unsorted", stream(a), stream(unsorted), "snapshot B: service #2 (198.18.0.1 port 443/tcp) arrived after 198.18.0.1 port 10250/tcp"},
		{"duplicate", stream(dup), stream(b), "snapshot A: service #3"},
		{"stream error", failing, stream(b), "reading snapshot A: disk on fire"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewDiff(ctx, Input{Label: "A", Services: c.a}, Input{Label: "B", Services: c.b}, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if c.name == "stream error" && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the stream's", err)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	big := randomServices(rand.New(rand.NewPCG(1, 1)), 3000)
	if _, err := NewDiff(cctx, Input{Label: "A", Services: stream(big)}, Input{Label: "B", Services: stream(big)}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestDelta checks that a delta is computed once, by report.NewChange:
// the JSON percent is its percent rounded to two decimals, and the text
// comes from the counts.
func TestDelta(t *testing.T) {
	for _, c := range []struct {
		before, after int
		want          string
	}{
		{0, 0, "–"}, {0, 4, "new"}, {4, 0, "-100.0%"}, {3, 4, "+33.3%"}, {200, 199, "-0.5%"}, {7, 7, "0%"},
		{200000, 200099, "+<0.1%"}, // 0.0495%: the old two-step rounding wrote "+0.1%"
	} {
		if got := newDelta("k", c.before, c.after).Counts().PercentText(); got != c.want {
			t.Errorf("percent(%d → %d) = %q, want %q", c.before, c.after, got, c.want)
		}
	}
	if d := newDelta("k", 3, 4); *d.Percent != 33.33 || d.Change != 1 {
		t.Errorf("delta %+v", d)
	}
	if d := newDelta("k", 0, 4); d.Percent != nil {
		t.Errorf("delta from 0 has a percent: %+v", d)
	}
}

// BenchmarkNewDiff diffs two snapshots of 200,000 services each (90%
// persisting). Memory per op stays flat in the number of services but for
// the streams' own copies.
func BenchmarkNewDiff(b *testing.B) {
	mk := func(offset int) []model.Service {
		out := make([]model.Service, 200_000)
		for i := range out {
			n := i + offset
			out[i] = svc(netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)}).String(), 443,
				[]string{"kubernetes-api", "kubelet", "etcd"}[n%3], []model.Auth{model.AuthOpen, model.AuthRequired}[n%2], "aws", "us-east-1", "US")
		}
		return out
	}
	a, c := mk(0), mk(20_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewDiff(context.Background(), Input{Label: "A", Services: stream(a)}, Input{Label: "B", Services: stream(c)}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
