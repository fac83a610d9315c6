package brief

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/report/csvreport"
)

// FeedColumns returns the header of services.csv, the feed a team sends
// on (docs/brief-json.md). The first ten are named as in the per-report
// CSV feeds of the Shadowserver Foundation (timestamp, ip, protocol,
// port, hostname, tag, asn, geo, region, city), which national CERTs
// already ingest; the rest are orchex's. The last, honeypot, is "true"
// for a service of a host flagged as a honeypot or decoy (listed only in
// a briefing made to include them) and "false" otherwise: the column is
// always there, so that a feed's columns never change with an option.
func FeedColumns() []string {
	return []string{
		"timestamp", "ip", "protocol", "port", "hostname", "tag", "asn", "geo", "region", "city",
		"org", "owner", "netblock", "product", "product_name", "version", "auth", "auth_evidence", "confidence",
		"first_seen", "last_seen", "engines", "hostnames", "cloud_provider", "cloud_region",
		"change", "auth_before", "scope", "contacts", "support", "support_calendar", "support_cycle", "support_end",
		"honeypot",
	}
}

// WriteCSV writes services.csv: a header, then one row per current
// service of the briefing, in its order (gone services are not
// exposures and are left out). timestamp is the service's last sighting
// (UTC, ISO 8601); contacts are the scope's, space-separated, on every
// row. Every cell is made safe with csvreport.Cell (no control or bidi
// characters, no formula).
func (b *Brief) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(FeedColumns()); err != nil {
		return fmt.Errorf("brief: scope %s: writing services.csv: %w", b.Scope.Name, err)
	}
	names := b.names()
	contacts := strings.Join(b.Scope.Contacts, " ")
	row := make([]string, 0, len(FeedColumns()))
	err := b.Each(All, func(s *Service) error {
		r := NewServiceJSON(s, names)
		host := ""
		if len(r.Hostnames) > 0 {
			host = r.Hostnames[0]
		}
		asn := ""
		if r.ASN != nil {
			asn = strconv.FormatUint(uint64(*r.ASN), 10)
		}
		row = append(row[:0],
			stamp(r.LastSeen), r.Address, r.Transport, strconv.Itoa(r.Port), host, r.Product, asn, r.Country, "", r.City,
			r.Org, r.Owner, r.Netblock, r.Product, r.ProductName, r.Version, r.Auth, r.Evidence, r.Confidence,
			stamp(r.FirstSeen), stamp(r.LastSeen), strings.Join(r.Engines, " "), strings.Join(r.Hostnames, " "), r.Provider, r.Region,
			r.Change, r.AuthBefore, b.Scope.Name, contacts, r.Support, r.SupportCalendar, r.SupportCycle, r.SupportEnd,
			strconv.FormatBool(r.Honeypot))
		for i := range row {
			row[i] = csvreport.Cell(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		return fmt.Errorf("brief: scope %s: writing services.csv: %w", b.Scope.Name, err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("brief: scope %s: writing services.csv: %w", b.Scope.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("brief: scope %s: writing services.csv: %w", b.Scope.Name, err)
	}
	return nil
}

// stamp writes a time in UTC as RFC 3339 (ISO 8601), or "" for none.
func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
