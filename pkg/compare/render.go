package compare

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/report/markdown"
)

// WriteDiffJSON writes d as indented JSON followed by a newline (the
// layout of docs/compare.md). encoding/json escapes strings: invalid
// UTF-8 becomes U+FFFD and <, >, & become \u003c, \u003e, \u0026.
func WriteDiffJSON(w io.Writer, d *Diff) error {
	return writeJSON(w, d, "diff "+d.A.Snapshot+" → "+d.B.Snapshot)
}

func writeJSON(w io.Writer, v any, what string) error {
	if err := safejson.Encode(w, v); err != nil {
		return fmt.Errorf("compare: %s: %w", what, err)
	}
	return nil
}

// mdWriter writes Markdown, keeping the first write error.
type mdWriter struct {
	w   *bufio.Writer
	err error
}

func (m *mdWriter) printf(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format, args...)
	}
}

func (m *mdWriter) flush(what string) error {
	if m.err == nil {
		m.err = m.w.Flush()
	}
	if m.err != nil {
		return fmt.Errorf("compare: writing %s: %w", what, m.err)
	}
	return nil
}

// esc escapes s for a Markdown paragraph or table cell.
func esc(s string) string { return markdown.Escape(s, markdown.CellMax) }

// escOr escapes s, or writes "–" when s is empty.
func escOr(s string) string {
	if s == "" {
		return "–"
	}
	return esc(s)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.DateOnly)
}

// signed writes n with a sign and thousands separators: +1,024, -3, 0.
func signed(n int) string {
	switch {
	case n > 0:
		return "+" + markdown.Num(n)
	case n < 0:
		return "-" + markdown.Num(-n)
	}
	return "0"
}

// percent writes a delta's percent: "+12.5%", "new" when Before is 0 and
// After is not, "–" when both are 0.
func percent(d Delta) string {
	if d.Percent == nil {
		if d.After > 0 {
			return "new"
		}
		return "–"
	}
	p := *d.Percent
	s := strconv.FormatFloat(p, 'f', 1, 64)
	if p > 0 {
		s = "+" + s
	}
	return s + "%"
}

func (m *mdWriter) deltaRow(name string, d Delta) {
	m.printf("| %s | %s | %s | %s | %s |\n", name, markdown.Num(d.Before), markdown.Num(d.After), signed(d.Change), percent(d))
}

func (m *mdWriter) deltaTable(title, keyName, a, b string, rows []Delta, empty string) {
	m.printf("## %s\n\n", title)
	if len(rows) == 0 {
		m.printf("%s\n\n", empty)
		return
	}
	m.printf("| %s | %s | %s | Change | Change %% |\n|---|---:|---:|---:|---:|\n", keyName, a, b)
	for _, r := range rows {
		m.deltaRow(esc(r.Key), r)
	}
	m.printf("\n")
}

// WriteDiffMarkdown writes d as a Markdown document: the totals, the
// service movement, the auth changes, the per-product, provider, AWS
// region and country deltas, the method (with its differences) and, when
// d carries them, the per-service lists. Every string from the data is
// escaped with markdown.Escape.
func WriteDiffMarkdown(w io.Writer, d *Diff) error {
	m := &mdWriter{w: bufio.NewWriterSize(w, 64<<10)}
	a, b := esc(d.A.Snapshot), esc(d.B.Snapshot)
	m.printf("# Changes from snapshot %s to snapshot %s\n\n", a, b)
	m.printf("Snapshot %s (taken %s) compared with snapshot %s (taken %s). A service is one (address, port, transport); "+
		"\"new\" services are in %s and not in %s, \"gone\" services the reverse. Percentages are of the %s count.\n\n",
		a, day(d.A.Created), b, day(d.B.Created), b, a, a)
	if !d.Comparable {
		m.printf("**The two snapshots were not made the same way** (see Method): a change in method is not a change in the internet.\n\n")
	}

	m.printf("## Summary\n\n| Figure | %s | %s | Change | Change %% |\n|---|---:|---:|---:|---:|\n", a, b)
	t := d.Totals
	m.deltaRow("Exposed services", t.Services)
	m.deltaRow("Hosts (distinct addresses)", t.Hosts)
	m.deltaRow("No authentication (open)", t.Open)
	m.deltaRow("Authentication required", t.AuthRequired)
	m.deltaRow("Unknown", t.Unknown)
	s := d.Services
	m.printf("\n| Services | Count |\n|---|---:|\n")
	m.printf("| New in %s | %s |\n", b, markdown.Num(s.New))
	m.printf("| Gone since %s | %s |\n", a, markdown.Num(s.Gone))
	m.printf("| Persisting | %s |\n", markdown.Num(s.Persisting))
	m.printf("| Persisting, moved to another provider or region | %s |\n", markdown.Num(s.Moved))
	m.printf("| Persisting, product changed | %s |\n\n", markdown.Num(s.Reclassified))

	x := d.Auth
	m.printf("## Authentication changes\n\nAmong the %s persisting services. A regression is auth_required in %s and open in %s; "+
		"a remediation the reverse. Changes to or from unknown mean that a banner stopped or started telling, and are counted apart.\n\n",
		markdown.Num(s.Persisting), a, b)
	m.printf("| Change | Services |\n|---|---:|\n")
	m.printf("| Regressions (auth\\_required → open) | %s |\n", markdown.Num(x.Regressions))
	m.printf("| Remediations (open → auth\\_required) | %s |\n", markdown.Num(x.Remediations))
	m.printf("| open → unknown | %s |\n", markdown.Num(x.OpenToUnknown))
	m.printf("| auth\\_required → unknown | %s |\n", markdown.Num(x.AuthRequiredToUnknown))
	m.printf("| unknown → open | %s |\n", markdown.Num(x.UnknownToOpen))
	m.printf("| unknown → auth\\_required | %s |\n", markdown.Num(x.UnknownToAuthRequired))
	m.printf("| Unchanged | %s |\n\n", markdown.Num(x.Unchanged))

	m.deltaTable("Products", "Product", a, b, d.ByProduct, "Neither snapshot holds a service.")
	m.deltaTable("Cloud providers", "Provider", a, b, d.ByProvider, "Neither snapshot holds a service.")
	m.deltaTable("AWS regions", "Region", a, b, d.ByAWSRegion, "No service of either snapshot was tagged as hosted on AWS.")
	m.deltaTable("Countries", "Country", a, b, d.ByCountry, "Neither snapshot holds a service.")

	m.printf("## Method\n\n")
	m.method(d.A, d.B, d.Differences)
	for _, n := range d.Notes {
		m.printf("- %s\n", markdown.Escape(n, 500))
	}
	if len(d.Notes) > 0 {
		m.printf("\n")
	}
	m.printf("Provider \"none\" means the address is in no known cloud; \"unknown\" a region, product or country the data did not give.\n")
	if d.Addresses != nil {
		m.addresses(d, a, b)
	}
	return m.flush("diff " + d.A.Snapshot + " → " + d.B.Snapshot)
}

// method writes what produced each snapshot and how they differ.
func (m *mdWriter) method(a, b Side, diffs []Difference) {
	m.printf("| | %s | %s |\n|---|---|---|\n", esc(a.Snapshot), esc(b.Snapshot))
	m.printf("| Catalog version | %s | %s |\n", escOr(a.Method.CatalogVersion), escOr(b.Method.CatalogVersion))
	m.printf("| Engines | %s | %s |\n", escOr(strings.Join(a.Method.Engines, ", ")), escOr(strings.Join(b.Method.Engines, ", ")))
	m.printf("| Range feeds | %s | %s |\n\n", escOr(feeds(a.Method.Feeds)), escOr(feeds(b.Method.Feeds)))
	if len(diffs) == 0 {
		m.printf("Both snapshots were made with the same catalog version, engines and range feeds.\n\n")
		return
	}
	m.printf("The methods differ; a change in method is not a change in the internet, so read the changes above with these in mind:\n\n")
	for _, x := range diffs {
		m.printf("- %s: %s → %s\n", esc(x.What), esc(x.Before), esc(x.After))
	}
	m.printf("\n")
}

func feeds(fs []Feed) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Provider + " " + f.Date
	}
	return strings.Join(parts, ", ")
}

func (m *mdWriter) addresses(d *Diff, a, b string) {
	l := d.Addresses
	m.printf("\n## Services\n\nPer-service lists (--include-addresses), sorted by address, port and transport. Do not publish them.\n\n")
	list := func(title string, rows []ServiceChange, side func(ServiceChange) (auth, provider, region string)) {
		m.printf("### %s\n\n", title)
		if len(rows) == 0 {
			m.printf("None.\n\n")
			return
		}
		m.printf("| Address | Port | Transport | Product | Auth | Provider | Region | Country |\n|---|---:|---|---|---|---|---|---|\n")
		for _, r := range rows {
			auth, prov, reg := side(r)
			m.printf("| %s | %d | %s | %s | %s | %s | %s | %s |\n", esc(r.Address), r.Port, esc(r.Transport), escOr(r.Product),
				esc(auth), esc(prov), escOr(reg), escOr(r.Country))
		}
		m.printf("\n")
	}
	list("New in "+b, l.New, func(r ServiceChange) (string, string, string) { return r.AuthAfter, r.ProviderAfter, r.RegionAfter })
	list("Gone since "+a, l.Gone, func(r ServiceChange) (string, string, string) { return r.AuthBefore, r.ProviderBefore, r.RegionBefore })

	m.printf("### Authentication changed\n\n")
	if len(l.AuthChanged) == 0 {
		m.printf("None.\n\n")
	} else {
		m.printf("| Address | Port | Transport | Product | Auth in %s | Auth in %s | Change |\n|---|---:|---|---|---|---|---|\n", a, b)
		for _, r := range l.AuthChanged {
			m.printf("| %s | %d | %s | %s | %s | %s | %s |\n", esc(r.Address), r.Port, esc(r.Transport), escOr(r.Product),
				esc(r.AuthBefore), esc(r.AuthAfter), esc(r.Change))
		}
		m.printf("\n")
	}
	m.printf("### Moved\n\n")
	if len(l.Moved) == 0 {
		m.printf("None.\n")
		return
	}
	m.printf("| Address | Port | Transport | Product | Provider/region in %s | Provider/region in %s |\n|---|---:|---|---|---|---|\n", a, b)
	for _, r := range l.Moved {
		m.printf("| %s | %d | %s | %s | %s / %s | %s / %s |\n", esc(r.Address), r.Port, esc(r.Transport), escOr(r.Product),
			esc(r.ProviderBefore), escOr(r.RegionBefore), esc(r.ProviderAfter), escOr(r.RegionAfter))
	}
}
