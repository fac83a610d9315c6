package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
)

// ExportVersion is the "orchex" marker of every export line; a reader
// rejects lines of another version.
const ExportVersion = "service/v1"

// ExportRecord is one line of orchex's own NDJSON export: one service of a
// snapshot, with its classification and cloud tag, so that re-importing
// the file keeps them. Times are RFC 3339 UTC; empty fields are omitted.
type ExportRecord struct {
	Orchex          string           `json:"orchex"` // ExportVersion
	Addr            netip.Addr       `json:"addr"`
	Port            uint16           `json:"port"`
	Transport       string           `json:"transport"`
	Product         string           `json:"product"`
	ProductEvidence string           `json:"product_evidence,omitempty"`
	Version         string           `json:"version,omitempty"`
	Auth            model.Auth       `json:"auth"`
	AuthEvidence    string           `json:"auth_evidence,omitempty"`
	Confidence      model.Confidence `json:"confidence"`
	AuthSeenAt      time.Time        `json:"auth_seen_at,omitzero"`
	AuthConflict    bool             `json:"auth_conflict,omitempty"`
	Engines         []model.Engine   `json:"engines"`
	FirstSeen       time.Time        `json:"first_seen,omitzero"`
	LastSeen        time.Time        `json:"last_seen,omitzero"`
	Hostnames       []string         `json:"hostnames,omitempty"`
	Org             string           `json:"org,omitempty"`
	ASN             uint32           `json:"asn,omitempty"`
	Country         string           `json:"country,omitempty"`
	City            string           `json:"city,omitempty"`
	Title           string           `json:"title,omitempty"`
	Cloud           *ExportCloud     `json:"cloud,omitempty"`
	// Honeypot names the reasons the service's host looked like a
	// honeypot (model.Honeypot.Reasons: "shodan-tag", "censys-tarpit",
	// "censys-truncated", "many-families"); absent for none. Re-importing
	// keeps the engines' reasons; orchex's own rule is applied again.
	Honeypot []string `json:"honeypot,omitempty"`
}

// ExportCloud is the cloud tag of an exported service.
type ExportCloud struct {
	Provider string `json:"provider"`
	Region   string `json:"region,omitempty"`
	Service  string `json:"service,omitempty"`
	Source   string `json:"source,omitempty"`
}

// NewExportRecord returns the export record of s.
func NewExportRecord(s *model.Service) ExportRecord {
	e := ExportRecord{
		Orchex:          ExportVersion,
		Addr:            s.Addr,
		Port:            s.Port,
		Transport:       s.Transport,
		Product:         s.Product,
		ProductEvidence: s.ProductEvidence,
		Version:         s.Version,
		Auth:            s.Auth,
		AuthEvidence:    s.AuthEvidence,
		Confidence:      s.Confidence,
		AuthSeenAt:      s.AuthSeenAt.UTC(),
		AuthConflict:    s.AuthConflict,
		Engines:         s.Engines.List(),
		FirstSeen:       s.FirstSeen.UTC(),
		LastSeen:        s.LastSeen.UTC(),
		Hostnames:       s.Hostnames,
		Org:             s.Org,
		ASN:             s.ASN,
		Country:         s.Country,
		City:            s.City,
		Title:           s.Title,
	}
	if s.Cloud.Provider != "" {
		e.Cloud = &ExportCloud{Provider: s.Cloud.Provider, Region: s.Cloud.Region, Service: s.Cloud.Service, Source: s.Cloud.Source}
	}
	e.Honeypot = s.Honeypot.Reasons()
	return e
}

// honeypotMarks reads the engines' reasons of an export record's
// honeypot list; orchex's own rule ("many-families") and unknown names
// are left to be computed again.
func honeypotMarks(reasons []string) model.Honeypot {
	var h model.Honeypot
	for _, r := range reasons {
		switch r {
		case "shodan-tag":
			h |= model.HoneypotShodanTag
		case "censys-tarpit":
			h |= model.HoneypotCensysTarpit
		case "censys-truncated":
			h |= model.HoneypotCensysTruncated
		}
	}
	return h
}

// WriteExport writes s as one export line (JSON and a newline). The output
// is deterministic: same service, same bytes. Invalid UTF-8 is written as
// U+FFFD and <, >, & are escaped, so a line is safe to embed.
func WriteExport(w io.Writer, s *model.Service) error {
	b, err := json.Marshal(NewExportRecord(s))
	if err != nil {
		return fmt.Errorf("export %s:%d/%s: %w", s.Addr, s.Port, s.Transport, err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("export %s:%d/%s: %w", s.Addr, s.Port, s.Transport, err)
	}
	return nil
}

// Observations returns the observations that re-create the exported
// service: one per engine that saw it and per distinct time among
// FirstSeen and LastSeen, each carrying the classification (Known), the
// cloud tag (KnownCloud) and the auth conflict flag (KnownConflict).
// Merged by normalize, they give back the service's key, product,
// version, auth verdict and evidence, confidence, auth conflict, engines,
// first and last seen, hostnames, org, ASN, country, city, title and
// cloud tag. AuthSeenAt becomes LastSeen (no single observation can
// express it). Files written before auth_conflict was read back hold it
// already; files without it import with no conflict, as before.
func (e *ExportRecord) Observations() ([]model.Observation, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	engines := slices.Clone(e.Engines)
	slices.Sort(engines)
	engines = slices.Compact(engines)
	class := &model.Classification{
		Product:         capText(e.Product, model.MaxText),
		ProductEvidence: capText(e.ProductEvidence, model.MaxText),
		Version:         capText(e.Version, model.MaxText),
		Auth:            e.Auth,
		AuthEvidence:    capText(e.AuthEvidence, model.MaxText),
		Confidence:      e.Confidence,
	}
	var cloud *model.CloudTag
	if e.Cloud != nil && e.Cloud.Provider != "" {
		cloud = &model.CloudTag{
			Provider: capText(e.Cloud.Provider, model.MaxText),
			Region:   capText(e.Cloud.Region, model.MaxText),
			Service:  capText(e.Cloud.Service, model.MaxText),
			Source:   capText(e.Cloud.Source, model.MaxText),
		}
	}
	var hosts []string
	for _, h := range e.Hostnames {
		if len(hosts) == model.MaxList {
			break
		}
		hosts = append(hosts, capText(h, model.MaxText))
	}
	base := model.Observation{
		Addr:          e.Addr.Unmap().WithZone(""),
		Port:          e.Port,
		Transport:     e.Transport,
		Hostnames:     hosts,
		Org:           capText(e.Org, model.MaxText),
		ASN:           e.ASN,
		Country:       strings.ToUpper(capText(e.Country, 8)),
		City:          capText(e.City, model.MaxText),
		Known:         class,
		KnownCloud:    cloud,
		KnownConflict: e.AuthConflict,
		Honeypot:      honeypotMarks(e.Honeypot),
	}
	if e.Title != "" {
		base.HTTP = &model.HTTP{Title: capText(e.Title, model.MaxTitle)}
	}
	times := []time.Time{e.FirstSeen.UTC()}
	if !e.LastSeen.Equal(e.FirstSeen) {
		times = append(times, e.LastSeen.UTC())
	}
	out := make([]model.Observation, 0, len(engines)*len(times))
	for _, en := range engines {
		for _, t := range times {
			o := base
			o.Engine = en
			o.SeenAt = t
			out = append(out, o)
		}
	}
	return out, nil
}

// Validate returns the error Observations (and so orchex import) gives
// for e, or nil when e can be imported: the export version, a valid
// address, a port, tcp or udp, a known auth verdict and confidence, a
// product and at least one known engine.
func (e *ExportRecord) Validate() error {
	if e.Orchex != ExportVersion {
		return fmt.Errorf("export version %q is not %q (written by another orchex version?)", clip(e.Orchex, 40), ExportVersion)
	}
	if !e.Addr.IsValid() {
		return fmt.Errorf("export record has no valid addr")
	}
	if e.Port == 0 {
		return fmt.Errorf("export record for %s has no port", e.Addr)
	}
	if e.Transport != "tcp" && e.Transport != "udp" {
		return fmt.Errorf("export record for %s:%d has transport %q, not tcp or udp", e.Addr, e.Port, clip(e.Transport, 20))
	}
	switch e.Auth {
	case model.AuthOpen, model.AuthRequired, model.AuthUnknown, model.AuthLikelyOpen:
	default:
		return fmt.Errorf("export record for %s:%d has auth %q, not open, likely_open, auth_required or unknown", e.Addr, e.Port, clip(string(e.Auth), 20))
	}
	switch e.Confidence {
	case model.High, model.Low, "":
	default:
		return fmt.Errorf("export record for %s:%d has confidence %q, not high or low", e.Addr, e.Port, clip(string(e.Confidence), 20))
	}
	if e.Product == "" {
		return fmt.Errorf("export record for %s:%d has no product", e.Addr, e.Port)
	}
	if len(e.Engines) == 0 {
		return fmt.Errorf("export record for %s:%d lists no engine", e.Addr, e.Port)
	}
	for _, en := range e.Engines {
		if model.EngineBit(en) == 0 {
			return fmt.Errorf("export record for %s:%d has unknown engine %q", e.Addr, e.Port, clip(string(en), 20))
		}
	}
	return nil
}

// ErrUnknownProduct is wrapped by the error of an export record whose
// product is not in the catalog (Options.Products).
var ErrUnknownProduct = errors.New("product not in the catalog")

// knownProducts checks the product of every observation an export line
// gave against the catalog.
func knownProducts(obs []model.Observation, known func(string) bool) error {
	for i := range obs {
		if c := obs[i].Known; c != nil && !known(c.Product) {
			return fmt.Errorf("export record for %s:%d: %w: %q (a forged export, or one written with another catalog: "+
				"re-import the engines' own data instead)", obs[i].Addr, obs[i].Port, ErrUnknownProduct, clip(c.Product, 40))
		}
	}
	return nil
}

// decodeExport decodes one export line.
func decodeExport(b []byte) ([]model.Observation, error) {
	var e ExportRecord
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("orchex export line: %w", err)
	}
	return e.Observations()
}

// capText caps s at n bytes on a rune boundary, invalid UTF-8 replaced.
func capText(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
