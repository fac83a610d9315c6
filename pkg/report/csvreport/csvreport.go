package csvreport

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
)

// CellMax is the rune cap on any cell.
const CellMax = 1024

// addressColumns is the header of a CSV written with addresses.
var addressColumns = []string{
	"address", "port", "transport", "hostnames",
	"product", "version", "auth", "auth_evidence", "confidence", "auth_conflict",
	"provider", "region", "cloud_service", "cloud_source",
	"country", "city", "org", "asn",
	"engines", "title", "first_seen", "last_seen",
	"honeypot", "snapshot_complete",
}

// identifying marks the columns left out without addresses.
func identifying(col string) bool {
	switch col {
	case "address", "hostnames", "city", "org", "asn", "title":
		return true
	}
	return false
}

// Columns returns the header row Write writes.
func Columns(includeAddresses bool) []string {
	var cols []string
	for _, c := range addressColumns {
		if includeAddresses || !identifying(c) {
			cols = append(cols, c)
		}
	}
	return cols
}

// Options are the reader's choices for a CSV report.
type Options struct {
	// IncludeAddresses adds the columns that identify a host or its
	// owner (address, hostnames, city, org, asn, title).
	IncludeAddresses bool
	// IncludeHoneypots lists the services of hosts flagged as honeypots
	// (their honeypot column says true); by default they are left out.
	IncludeHoneypots bool
	// Incomplete says that the snapshot is not a complete observation (a
	// run that filled it stopped early): every row's snapshot_complete
	// column says false.
	Incomplete bool
}

// Write writes one row per service, after a header row, in the order
// services calls fn (the store's order): WriteWith with IncludeAddresses
// as given, honeypots left out, the snapshot complete.
func Write(w io.Writer, services func(fn func(*model.Service) error) error, includeAddresses bool) error {
	return WriteWith(w, services, Options{IncludeAddresses: includeAddresses})
}

// WriteWith writes one row per service, after a header row, in the order
// services calls fn (the store's order).
//
// With includeAddresses the columns are: address, port, transport,
// hostnames (space-separated), product, version, auth, auth_evidence,
// confidence, auth_conflict (true/false), provider ("none" outside known
// clouds), region, cloud_service, cloud_source, country, city, org, asn,
// engines ("censys", "shodan" or "censys shodan"), title, first_seen,
// last_seen (RFC 3339, UTC), honeypot (true for a service of a host
// flagged as a honeypot; such services are listed only with
// IncludeHoneypots), snapshot_complete (false in every row of a snapshot
// a run stopped filling early: the CSV says so in its header and every
// row).
//
// Without it, the columns that identify a host or its owner are left out:
// address, hostnames, city, org, asn and title. No pseudonymous id
// replaces the address, because a hash of an IPv4 address is reversed by
// trying all 2^32 of them.
//
// Every cell is cleaned with report.CleanText (no control or bidi
// characters, valid UTF-8, at most CellMax runes), and a cell whose first
// non-space character is = + - @ (or that starts with a tab or CR) is
// prefixed with a single quote, so that spreadsheets do not run it as a
// formula.
func WriteWith(w io.Writer, services func(fn func(*model.Service) error) error, o Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	cols := Columns(o.IncludeAddresses)
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("csvreport: writing header: %w", err)
	}
	complete := strconv.FormatBool(!o.Incomplete)
	row := make([]string, 0, len(addressColumns))
	n := 0
	err := services(func(s *model.Service) error {
		if s.Honeypot != 0 && !o.IncludeHoneypots {
			return nil
		}
		n++
		row = row[:0]
		for _, c := range cols {
			if c == "snapshot_complete" {
				row = append(row, complete)
				continue
			}
			row = append(row, Cell(field(s, c)))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("writing row %d: %w", n+1, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("csvreport: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csvreport: writing: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("csvreport: writing: %w", err)
	}
	return nil
}

func field(s *model.Service, col string) string {
	switch col {
	case "address":
		return s.Addr.String()
	case "port":
		return strconv.Itoa(int(s.Port))
	case "transport":
		return s.Transport
	case "hostnames":
		return strings.Join(s.Hostnames, " ")
	case "product":
		return s.Product
	case "version":
		return s.Version
	case "auth":
		switch s.Auth {
		case model.AuthOpen, model.AuthRequired, model.AuthLikelyOpen:
			return string(s.Auth)
		}
		return string(model.AuthUnknown)
	case "auth_evidence":
		return s.AuthEvidence
	case "confidence":
		return string(s.Confidence)
	case "auth_conflict":
		return strconv.FormatBool(s.AuthConflict)
	case "provider":
		if s.Cloud.Provider == "" {
			return report.NoProvider
		}
		return s.Cloud.Provider
	case "region":
		return s.Cloud.Region
	case "cloud_service":
		return s.Cloud.Service
	case "cloud_source":
		return s.Cloud.Source
	case "country":
		return s.Country
	case "city":
		return s.City
	case "org":
		return s.Org
	case "asn":
		if s.ASN == 0 {
			return ""
		}
		return strconv.FormatUint(uint64(s.ASN), 10)
	case "engines":
		var b strings.Builder
		for i, e := range s.Engines.List() {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(string(e))
		}
		return b.String()
	case "title":
		return s.Title
	case "first_seen":
		return stamp(s.FirstSeen)
	case "last_seen":
		return stamp(s.LastSeen)
	case "honeypot":
		return strconv.FormatBool(s.Honeypot != 0)
	}
	return ""
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Cell makes one CSV cell safe: report.CleanText with CellMax, then a
// leading single quote when a spreadsheet would read the cell as a
// formula (first non-space character = + - @, or a leading tab or CR,
// which CleanText has already turned into a space).
func Cell(s string) string {
	s = report.CleanText(s, CellMax)
	t := strings.TrimLeft(s, " ")
	if t != "" {
		switch t[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
