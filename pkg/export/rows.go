package export

import (
	"slices"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// SchemaVersion is the version of the Parquet and CSV columns
// ([ServiceRow], [ObservationRow]), written to every Parquet file as the
// key-value metadata "orchex.schema_version" (docs/export.md, Schema
// versions). Version 2 added the honeypot column, left honeypot services
// out unless asked (Options.IncludeHoneypots) and writes likely_open in
// auth; version 1 had none of these. Within a version, columns are only
// added: a column is never renamed, retyped or removed, so queries that
// name their columns keep working.
const SchemaVersion = 2

// ServiceRow is one service as the Parquet and CSV exports write it: one
// row per (address, port, transport) of the snapshot. The struct tags are
// the Parquet schema; the CSV columns are the same names in the same
// order. A string column tagged optional is NULL in Parquet (an empty cell
// in CSV) when the store has no value. Every column is documented with its
// meaning in docs/export.md.
type ServiceRow struct {
	Snapshot        string    `parquet:"snapshot,dict"`
	CatalogVersion  string    `parquet:"catalog_version,dict"`
	Address         string    `parquet:"address"`
	AddressFamily   string    `parquet:"address_family,dict"` // ipv4 or ipv6
	Port            int32     `parquet:"port"`
	Transport       string    `parquet:"transport,dict"`
	Product         string    `parquet:"product,dict"`
	Family          string    `parquet:"family,dict,optional"`   // the catalog product's family
	Category        string    `parquet:"category,dict,optional"` // orchestration or api-management
	Version         string    `parquet:"version,dict,optional"`
	ProductEvidence string    `parquet:"product_evidence,dict,optional"`
	Auth            string    `parquet:"auth,dict"` // open, likely_open, auth_required or unknown
	AuthEvidence    string    `parquet:"auth_evidence,dict,optional"`
	Confidence      string    `parquet:"confidence,dict"` // high or low
	AuthConflict    bool      `parquet:"auth_conflict"`
	Provider        string    `parquet:"provider,dict,optional"`
	Region          string    `parquet:"region,dict,optional"`
	USRegion        bool      `parquet:"us_region"` // cloud.USRegion(provider, region)
	CloudService    string    `parquet:"cloud_service,dict,optional"`
	CloudSource     string    `parquet:"cloud_source,dict,optional"`
	Country         string    `parquet:"country,dict,optional"`
	City            string    `parquet:"city,dict,optional"`
	ASN             int64     `parquet:"asn,optional"`
	Org             string    `parquet:"org,dict,optional"`
	Engines         []string  `parquet:"engines,list"`
	Hostnames       []string  `parquet:"hostnames,list"`
	Title           string    `parquet:"title,optional"`
	FirstSeen       time.Time `parquet:"first_seen,timestamp(microsecond:utc),optional"`
	LastSeen        time.Time `parquet:"last_seen,timestamp(microsecond:utc),optional"`
	// Honeypot is true for a service of a host flagged as a honeypot
	// (exported only with Options.IncludeHoneypots).
	Honeypot bool `parquet:"honeypot"`
}

// serviceColumns returns the CSV header of ServiceRow.
func serviceColumns() []string {
	return []string{
		"snapshot", "catalog_version", "address", "address_family", "port", "transport",
		"product", "family", "category", "version", "product_evidence",
		"auth", "auth_evidence", "confidence", "auth_conflict",
		"provider", "region", "us_region", "cloud_service", "cloud_source",
		"country", "city", "asn", "org", "engines", "hostnames", "title", "first_seen", "last_seen", "honeypot",
	}
}

// cells returns r's CSV cells, in serviceColumns' order, before cleaning.
func (r ServiceRow) cells(out []string) []string {
	return append(out,
		r.Snapshot, r.CatalogVersion, r.Address, r.AddressFamily, itoa(int64(r.Port)), r.Transport,
		r.Product, r.Family, r.Category, r.Version, r.ProductEvidence,
		r.Auth, r.AuthEvidence, r.Confidence, btoa(r.AuthConflict),
		r.Provider, r.Region, btoa(r.USRegion), r.CloudService, r.CloudSource,
		r.Country, r.City, itoaOpt(r.ASN), r.Org, strings.Join(r.Engines, " "), strings.Join(r.Hostnames, " "),
		r.Title, stamp(r.FirstSeen), stamp(r.LastSeen), btoa(r.Honeypot))
}

// serviceRows fills ServiceRows from services.
type serviceRows struct {
	meta     *Meta
	products map[string]Product
	engines  [4][]string // engine names by model.Engines mask; shared, never modified
}

func newServiceRows(m *Meta) *serviceRows {
	r := &serviceRows{meta: m, products: make(map[string]Product, len(m.Products))}
	for _, p := range m.Products {
		r.products[p.ID] = p
	}
	for mask := range r.engines {
		names := []string{}
		for _, e := range model.Engines(mask).List() {
			names = append(names, string(e))
		}
		r.engines[mask] = names
	}
	return r
}

// set fills row from s. row shares no memory that a later call changes.
func (r *serviceRows) set(row *ServiceRow, s *model.Service) {
	p := r.products[s.Product]
	*row = ServiceRow{
		Snapshot:        r.meta.Snapshot,
		CatalogVersion:  r.meta.CatalogVersion,
		Address:         s.Addr.String(),
		AddressFamily:   family(s.Addr.Is4()),
		Port:            int32(s.Port),
		Transport:       s.Transport,
		Product:         s.Product,
		Family:          p.Family,
		Category:        p.Category,
		Version:         s.Version,
		ProductEvidence: s.ProductEvidence,
		Auth:            string(s.Auth.Verdict()),
		AuthEvidence:    s.AuthEvidence,
		Confidence:      string(s.Confidence),
		AuthConflict:    s.AuthConflict,
		Provider:        s.Cloud.Provider,
		Region:          s.Cloud.Region,
		USRegion:        s.Cloud.Provider != "" && s.Cloud.Region != "" && cloud.USRegion(s.Cloud.Provider, s.Cloud.Region),
		CloudService:    s.Cloud.Service,
		CloudSource:     s.Cloud.Source,
		Country:         s.Country,
		City:            s.City,
		ASN:             int64(s.ASN),
		Org:             s.Org,
		Hostnames:       slices.Clone(s.Hostnames),
		Title:           s.Title,
		FirstSeen:       utc(s.FirstSeen),
		LastSeen:        utc(s.LastSeen),
		Honeypot:        s.Honeypot != 0,
	}
	if m := s.Engines & 3; int(m) < len(r.engines) {
		row.Engines = r.engines[m]
	}
	if row.Hostnames == nil {
		row.Hostnames = []string{}
	}
}

// ObservationRow is one engine observation as the Parquet and CSV exports
// write it (orchex export --observations): who saw which service when,
// and what the catalog concluded from that observation alone. A service's
// row in the services export is the merge of its observations.
type ObservationRow struct {
	Snapshot      string    `parquet:"snapshot,dict"`
	Address       string    `parquet:"address"`
	AddressFamily string    `parquet:"address_family,dict"`
	Port          int32     `parquet:"port"`
	Transport     string    `parquet:"transport,dict"`
	Engine        string    `parquet:"engine,dict"`
	QueryID       string    `parquet:"query_id,dict,optional"` // catalog query; NULL for imports
	RecordID      string    `parquet:"record_id,optional"`     // the engine's record id
	SeenAt        time.Time `parquet:"seen_at,timestamp(microsecond:utc),optional"`
	Product       string    `parquet:"product,dict"`
	Version       string    `parquet:"version,dict,optional"`
	Auth          string    `parquet:"auth,dict"`
	AuthEvidence  string    `parquet:"auth_evidence,dict,optional"`
	Confidence    string    `parquet:"confidence,dict"`
	Fingerprint   string    `parquet:"fingerprint"` // hex; the observation's content
}

// observationColumns returns the CSV header of ObservationRow.
func observationColumns() []string {
	return []string{
		"snapshot", "address", "address_family", "port", "transport", "engine", "query_id", "record_id",
		"seen_at", "product", "version", "auth", "auth_evidence", "confidence", "fingerprint",
	}
}

// cells returns r's CSV cells, in observationColumns' order.
func (r ObservationRow) cells(out []string) []string {
	return append(out,
		r.Snapshot, r.Address, r.AddressFamily, itoa(int64(r.Port)), r.Transport, r.Engine, r.QueryID, r.RecordID,
		stamp(r.SeenAt), r.Product, r.Version, r.Auth, r.AuthEvidence, r.Confidence, r.Fingerprint)
}

// set fills r from o.
func (r *ObservationRow) set(m *Meta, o *store.Observation) {
	*r = ObservationRow{
		Snapshot:      m.Snapshot,
		Address:       o.Key.Addr.String(),
		AddressFamily: family(o.Key.Addr.Is4()),
		Port:          int32(o.Key.Port),
		Transport:     o.Key.Transport,
		Engine:        string(o.Engine),
		QueryID:       o.QueryID,
		RecordID:      o.RecordID,
		SeenAt:        utc(o.SeenAt),
		Product:       o.Product,
		Version:       o.Version,
		Auth:          string(o.Auth.Verdict()),
		AuthEvidence:  o.AuthEvidence,
		Confidence:    string(o.Confidence),
		Fingerprint:   o.Fingerprint,
	}
}

func family(is4 bool) string {
	if is4 {
		return "ipv4"
	}
	return "ipv6"
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
