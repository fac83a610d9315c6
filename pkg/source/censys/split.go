package censys

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/orchex/orchex/pkg/source"
)

// The API serves at most MaxPages pages of a query. A query with more
// hits is split into sub-queries that partition its hosts: by country
// (host.location.country_code has one value per host, so the parts do not
// overlap), and a country still too large by autonomous system. Each part
// holds at most what can be paged, except a single country+AS that is
// itself too large: it is collected up to the cap and reported as a
// [Truncation]. A last part, "not in any listed country", catches hosts
// without a country and countries the aggregate left out.

// Sub is one part of a split query: the base query restricted to
// Countries (or, with NotCountries, to every other country), and within
// them to ASNs (or every other AS, with NotASNs). Est is the aggregate's
// count for the part.
type Sub struct {
	Countries    []string `json:"c,omitempty"`
	NotCountries bool     `json:"nc,omitempty"`
	ASNs         []string `json:"a,omitempty"`
	NotASNs      bool     `json:"na,omitempty"`
	Est          int      `json:"e"`
}

// Text returns the CenQL of the part of base.
func (s Sub) Text(base string) string {
	var b strings.Builder
	b.WriteString("(" + base + ")")
	clause := func(not bool, field string, vals []string, quote bool) {
		if len(vals) == 0 {
			return
		}
		b.WriteString(" and ")
		if not {
			b.WriteString("not ")
		}
		b.WriteString(field + ": ")
		q := func(v string) string {
			if quote {
				return `"` + v + `"`
			}
			return v
		}
		if len(vals) == 1 {
			b.WriteString(q(vals[0]))
			return
		}
		b.WriteString("{")
		for i, v := range vals {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(q(v))
		}
		b.WriteString("}")
	}
	clause(s.NotCountries, "host.location.country_code", s.Countries, true)
	clause(s.NotASNs, "host.autonomous_system.asn", s.ASNs, false)
	return b.String()
}

// Values taken from the engine go back into queries: only these shapes
// are accepted, anything else falls into the "other" part.
var (
	countryRE = regexp.MustCompile(`^[A-Z]{2}$`)
	asnRE     = regexp.MustCompile(`^[0-9]{1,10}$`)
)

// maxValues caps the values of one part, to keep queries short.
const maxValues = 64

// Plan splits base (total hits) into parts that fit the depth cap. It
// returns the parts and the credits its aggregate calls cost. One part
// means the query cannot be split.
func (c *Client) Plan(ctx context.Context, base string, total int) ([]Sub, int, error) {
	limit := c.reach()
	agg, err := c.Aggregate(ctx, base, "host.location.country_code", 2000)
	if err != nil {
		return nil, 0, err
	}
	spent := agg.Credits
	countries := usable(agg.Buckets, countryRE)
	var subs []Sub
	var small []Bucket
	listed := make([]string, 0, len(countries))
	sum := 0
	for _, b := range countries {
		listed = append(listed, b.Key)
		sum += int(b.Count)
		if int(b.Count) <= limit {
			small = append(small, b)
			continue
		}
		// One country over the cap: split it by autonomous system.
		inner := Sub{Countries: []string{b.Key}}.Text(base)
		aa, err := c.Aggregate(ctx, inner, "host.autonomous_system.asn", 2000)
		if err != nil {
			return nil, spent, err
		}
		spent += aa.Credits
		asns := usable(aa.Buckets, asnRE)
		var asnListed []string
		asnSum := 0
		for _, g := range pack(asns, limit) {
			subs = append(subs, Sub{Countries: []string{b.Key}, ASNs: keys(g), Est: count(g)})
			asnListed = append(asnListed, keys(g)...)
			asnSum += count(g)
		}
		if rest := int(b.Count) - asnSum; rest > 0 || len(asnListed) == 0 {
			sort.Strings(asnListed)
			subs = append(subs, Sub{Countries: []string{b.Key}, ASNs: asnListed, NotASNs: len(asnListed) > 0, Est: max(rest, 0)})
		}
	}
	for _, g := range pack(small, limit) {
		subs = append(subs, Sub{Countries: keys(g), Est: count(g)})
	}
	if rest := total - sum; rest > 0 || len(listed) == 0 {
		sort.Strings(listed)
		subs = append(subs, Sub{Countries: listed, NotCountries: len(listed) > 0, Est: max(rest, 0)})
	}
	return subs, spent, nil
}

// PlanCost implements [source.Planner]: the pages and credits a
// collection of q takes. A query within the depth cap takes its pages; one
// over it (unless NoSplit) is planned now as the collection will plan it
// (the aggregate calls are spent now, and again by the collection): its
// first page, then each part's pages; a part with no hits costs its search
// but stores no page, unless it is the last.
func (c *Client) PlanCost(ctx context.Context, q source.Query, total, maxPages int) (pages, credits, spent int, err error) {
	per := c.cfg.PageSize
	pagesOf := func(n int) int { return min(max(1, (n+per-1)/per), c.cfg.MaxPages) }
	searches := 0
	if total <= c.reach() || c.cfg.NoSplit {
		pages = pagesOf(total)
		searches = pages
	} else {
		subs, cost, err := c.Plan(ctx, q.Text, total)
		spent = cost
		if err != nil {
			return 0, 0, spent, err
		}
		pages, searches = 1, 1
		if len(subs) <= 1 {
			pages = c.cfg.MaxPages // cannot be split: paged to the cap
			searches = pages
		}
		for i, sub := range subs {
			if len(subs) <= 1 {
				break
			}
			n := pagesOf(sub.Est)
			searches += n
			if sub.Est > 0 || i == len(subs)-1 {
				pages += n
			}
		}
	}
	if maxPages > 0 && pages > maxPages {
		searches -= pages - maxPages
		pages = maxPages
	}
	return pages, spent + searches*c.cfg.CreditsPerPage, spent, nil
}

// CountCost implements [source.CountCoster]: a count is an aggregate
// call.
func (c *Client) CountCost() int { return c.cfg.AggregateCredits }

// usable keeps the buckets whose key has the expected shape, sorted by
// count (largest first) then key, so that plans are deterministic.
func usable(bs []Bucket, re *regexp.Regexp) []Bucket {
	var out []Bucket
	for _, b := range bs {
		if re.MatchString(b.Key) && b.Count > 0 {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// pack groups buckets (largest first) so that each group's count fits
// limit, first fit; a bucket over the limit gets a group of its own.
func pack(bs []Bucket, limit int) [][]Bucket {
	var groups [][]Bucket
	var sums []int
	for _, b := range bs {
		placed := false
		for i := range groups {
			if sums[i]+int(b.Count) <= limit && len(groups[i]) < maxValues {
				groups[i] = append(groups[i], b)
				sums[i] += int(b.Count)
				placed = true
				break
			}
		}
		if !placed {
			groups = append(groups, []Bucket{b})
			sums = append(sums, int(b.Count))
		}
	}
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool { return g[i].Key < g[j].Key })
	}
	return groups
}

func keys(g []Bucket) []string {
	out := make([]string, len(g))
	for i, b := range g {
		out[i] = b.Key
	}
	return out
}

func count(g []Bucket) int {
	n := 0
	for _, b := range g {
		n += int(b.Count)
	}
	return n
}

// cursor is the paging state carried from page to page in RawPage.Next,
// so that a resumed run needs nothing but the stored page. Without parts
// it is the API's own next_page_token, as is.
type cursor struct {
	Plan  bool   `json:"p,omitempty"`  // the split is still to be planned
	Total int    `json:"tt,omitempty"` // total hits of the whole query, for the plan
	Subs  []Sub  `json:"s,omitempty"`
	Sub   int    `json:"i,omitempty"`
	Token string `json:"t,omitempty"`
	N     int    `json:"n,omitempty"` // pages fetched of the current (sub-)query
}

const cursorPrefix = "orchex-split-1:"

func (c cursor) text(base string) string {
	if len(c.Subs) == 0 {
		return base
	}
	return c.Subs[c.Sub].Text(base)
}

func (c cursor) encode() string {
	if len(c.Subs) == 0 && !c.Plan {
		return c.Token
	}
	b, _ := json.Marshal(c)
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor; a plain API token continues page page.
func decodeCursor(tok string, page int) (cursor, error) {
	if !strings.HasPrefix(tok, cursorPrefix) {
		return cursor{Token: tok, N: max(page-1, 0)}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, cursorPrefix))
	var c cursor
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err == nil && !c.Plan && (c.Sub < 0 || c.Sub >= len(c.Subs)) {
		err = errors.New("part " + strconv.Itoa(c.Sub) + " out of range")
	}
	for _, s := range c.Subs {
		for _, v := range s.Countries {
			if err == nil && !countryRE.MatchString(v) {
				err = fmt.Errorf("country %q", v)
			}
		}
		for _, v := range s.ASNs {
			if err == nil && !asnRE.MatchString(v) {
				err = fmt.Errorf("ASN %q", v)
			}
		}
	}
	if err != nil {
		return cursor{}, fmt.Errorf("%w: split cursor (%v)", source.ErrBadCursor, err)
	}
	return c, nil
}
