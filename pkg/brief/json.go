package brief

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
)

// SchemaVersion is the version of brief.json, index.json and the webhook
// message (docs/brief-json.md). It changes when a key is renamed, removed
// or changes meaning; new keys may appear within a version.
const SchemaVersion = 1

// jsonHead is brief.json without its service lists, in key order.
type jsonHead struct {
	SchemaVersion   int        `json:"schema_version"`
	Scope           string     `json:"scope"`
	ScopesFile      string     `json:"scopes_file"`
	Snapshot        string     `json:"snapshot"`
	SnapshotCreated time.Time  `json:"snapshot_created"`
	Since           *string    `json:"since"`
	SinceCreated    *time.Time `json:"since_created"`
	Contacts        []string   `json:"contacts"`
	ScopeNotes      string     `json:"scope_notes"`
	Selectors       jsonSelect `json:"selectors"`
	Summary         Summary    `json:"summary"`
	// Honeypots counts the scope's services on hosts flagged as
	// honeypots or decoys, and those hosts, and says whether the summary
	// and lists include them (report's layout: included, services, hosts).
	Honeypots report.Honeypots `json:"honeypots"`
	Changes   *ChangeCounts    `json:"changes"`
	// Support is the scope's support status, in the research report's
	// layout (docs/report-json.md, support); absent without release data.
	Support     *report.Support `json:"support,omitempty"`
	Owners      []jsonOwner     `json:"owners"`
	Remediation []jsonRemedy    `json:"remediation"`
	Warnings    []string        `json:"warnings"`
	Notes       []string        `json:"notes"`
	Method      jsonMethod      `json:"method"`
}

type jsonSelect struct {
	CIDRs     []string `json:"cidrs"`
	ASNs      []uint32 `json:"asns"`
	Orgs      []string `json:"orgs"`
	Domains   []string `json:"domains"`
	Countries []string `json:"countries"`
}

// Summary is a briefing's figures as brief.json and index.json write
// them (docs/brief-json.md).
type Summary struct {
	Services int `json:"services"`
	Hosts    int `json:"hosts"`
	Open     int `json:"open"`
	// LikelyOpen is Counts.LikelyOpen: never among Open.
	LikelyOpen   int `json:"likely_open"`
	AuthRequired int `json:"auth_required"`
	Unknown      int `json:"unknown"`
	Owners       int `json:"owners"`
	Netblocks    int `json:"netblocks"`
	// WithVersion, EndOfLife and OpenEndOfLife are Counts' (0 without
	// release data).
	WithVersion   int `json:"with_version"`
	EndOfLife     int `json:"end_of_life"`
	OpenEndOfLife int `json:"open_end_of_life"`
}

// ChangeCounts are a briefing's changes since the earlier snapshot as
// brief.json and index.json write them.
type ChangeCounts struct {
	New           int `json:"new"`
	NewOpen       int `json:"new_open"`
	Gone          int `json:"gone"`
	GoneOpen      int `json:"gone_open"`
	NowOpen       int `json:"now_open"`
	NowClosed     int `json:"now_closed"`
	OpenToUnknown int `json:"open_to_unknown"`
	OpenBoth      int `json:"open_both"`
	Persisting    int `json:"persisting"`
}

type jsonOwner struct {
	Owner     string      `json:"owner"`
	ASN       *uint32     `json:"asn"`
	Org       string      `json:"org"`
	Services  int         `json:"services"`
	Open      int         `json:"open"`
	Netblocks []jsonBlock `json:"netblocks"`
}

type jsonBlock struct {
	Netblock string `json:"netblock"`
	Declared bool   `json:"declared"`
	Services int    `json:"services"`
	Open     int    `json:"open"`
}

type jsonRemedy struct {
	Product  string     `json:"product"`
	Name     string     `json:"name"`
	Services int        `json:"services"`
	Open     int        `json:"open"`
	Text     string     `json:"text"`
	Links    []jsonLink `json:"links"`
	// EndOfLife lists the product's release cycles past their end of
	// life in the scope, to upgrade from.
	EndOfLife []report.SupportCycle `json:"end_of_life"`
}

type jsonLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type jsonMethod struct {
	CatalogVersion string   `json:"catalog_version"`
	Engines        []string `json:"engines"`
	Differences    []string `json:"method_differences"`
}

// ServiceJSON is one service of brief.json's services[] and gone[], and
// of the webhook message (docs/brief-json.md).
type ServiceJSON struct {
	Address         string `json:"address"`
	Port            int    `json:"port"`
	Transport       string `json:"transport"`
	Product         string `json:"product"`
	ProductName     string `json:"product_name"`
	ProductEvidence string `json:"product_evidence"`
	Version         string `json:"version"`
	Auth            string `json:"auth"`
	Evidence        string `json:"evidence"`
	Confidence      string `json:"confidence"`
	AuthConflict    bool   `json:"auth_conflict"`
	// Honeypot says the service's host is flagged as a honeypot or decoy:
	// only in a briefing made to include them (always false otherwise).
	Honeypot  bool       `json:"honeypot"`
	FirstSeen *time.Time `json:"first_seen"`
	LastSeen  *time.Time `json:"last_seen"`
	Engines   []string   `json:"engines"`
	ASN       *uint32    `json:"asn"`
	Org       string     `json:"org"`
	Owner     string     `json:"owner"`
	Netblock  string     `json:"netblock"`
	Hostnames []string   `json:"hostnames"`
	Country   string     `json:"country"`
	City      string     `json:"city"`
	Provider  string     `json:"provider"`
	Region    string     `json:"region"`
	Title     string     `json:"title"`
	// Change is "new" or "persisting" (services[]) or "gone" (gone[])
	// with an earlier snapshot; absent without one.
	Change string `json:"change,omitempty"`
	// AuthBefore is the verdict in the earlier snapshot (persisting and
	// gone services); AuthChange names a persisting service's change
	// (Service.AuthChange).
	AuthBefore string `json:"auth_before,omitempty"`
	AuthChange string `json:"auth_change,omitempty"`
	// Support is the support status of the version on the as-of day
	// ("supported", "end_of_life", "unknown_cycle", "no_calendar",
	// "no_version"); SupportCalendar and SupportCycle name the calendar
	// and cycle that judged it, SupportEnd the day support ended (end of
	// life) or ends (supported). All absent without release data, and
	// for gone services.
	Support         string `json:"support,omitempty"`
	SupportCalendar string `json:"support_calendar,omitempty"`
	SupportCycle    string `json:"support_cycle,omitempty"`
	SupportEnd      string `json:"support_end,omitempty"`
}

// NewServiceJSON returns the JSON row of s; names gives product display
// names (nil: ids).
func NewServiceJSON(s *Service, names map[string]string) ServiceJSON {
	r := ServiceJSON{
		Address: s.Addr.String(), Port: int(s.Port), Transport: s.Transport,
		Product: s.Product, ProductName: s.Product, ProductEvidence: s.ProductEvidence, Version: s.Version,
		Auth: string(s.Auth.Verdict()), Evidence: s.AuthEvidence, Confidence: string(s.Confidence), AuthConflict: s.AuthConflict,
		Honeypot:  s.Honeypot != 0,
		FirstSeen: timeOrNil(s.FirstSeen), LastSeen: timeOrNil(s.LastSeen), Engines: []string{},
		Org: s.Org, Owner: s.Owner, Hostnames: append([]string{}, s.Hostnames...),
		Country: s.Country, City: s.City, Provider: s.Cloud.Provider, Region: s.Cloud.Region, Title: s.Title,
		Change: s.Change.String(), AuthBefore: string(s.Before),
	}
	if n := names[s.Product]; n != "" {
		r.ProductName = n
	}
	if r.Provider == "" {
		r.Provider = report.NoProvider
	}
	if s.Netblock.IsValid() {
		r.Netblock = s.Netblock.String()
	}
	if s.ASN != 0 {
		asn := s.ASN
		r.ASN = &asn
	}
	for _, e := range s.Engines.List() {
		r.Engines = append(r.Engines, string(e))
	}
	if s.Change == Persisting {
		r.AuthChange = s.AuthChange()
	}
	if v := s.Support; v.Status != "" {
		r.Support, r.SupportCalendar, r.SupportCycle = string(v.Status), v.Calendar, v.Cycle
		r.SupportEnd = v.Until
		if v.Status == eol.EndOfLife {
			r.SupportEnd = v.Since
		}
	}
	return r
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// names maps product ids to display names.
func (b *Brief) names() map[string]string {
	m := make(map[string]string, len(b.Products))
	for _, p := range b.Products {
		m[p.ID] = p.Name
	}
	return m
}

func (b *Brief) head() jsonHead {
	sc := b.Scope
	h := jsonHead{
		SchemaVersion: SchemaVersion, Scope: sc.Name, ScopesFile: b.ScopesFile,
		Snapshot: b.Snapshot, SnapshotCreated: b.SnapshotCreated.UTC(),
		Contacts: append([]string{}, sc.Contacts...), ScopeNotes: sc.Notes,
		Selectors: jsonSelect{CIDRs: []string{}, ASNs: append([]uint32{}, sc.ASNs...), Orgs: append([]string{}, sc.Orgs...),
			Domains: append([]string{}, sc.Domains...), Countries: append([]string{}, sc.Countries...)},
		Summary: Summary{Services: b.Counts.Services, Hosts: b.Counts.Hosts, Open: b.Counts.Open, LikelyOpen: b.Counts.LikelyOpen,
			AuthRequired: b.Counts.AuthRequired, Unknown: b.Counts.Unknown, Owners: len(b.Owners),
			WithVersion: b.Counts.WithVersion, EndOfLife: b.Counts.EndOfLife, OpenEndOfLife: b.Counts.OpenEndOfLife},
		Support: b.Support, Honeypots: b.Honeypots,
		Owners: []jsonOwner{}, Remediation: []jsonRemedy{},
		Warnings: append([]string{}, b.Warnings...), Notes: append([]string{}, b.Notes...),
		Method: jsonMethod{CatalogVersion: b.CatalogVersion, Engines: append([]string{}, b.Engines...),
			Differences: append([]string{}, b.Differences...)},
	}
	for _, p := range sc.CIDRs {
		h.Selectors.CIDRs = append(h.Selectors.CIDRs, p.String())
	}
	if b.Since != "" {
		since, created := b.Since, b.SinceCreated.UTC()
		h.Since, h.SinceCreated = &since, &created
		c := b.Counts
		h.Changes = &ChangeCounts{New: c.New, NewOpen: c.NewOpen, Gone: c.Gone, GoneOpen: c.GoneOpen, NowOpen: c.NowOpen,
			NowClosed: c.NowClosed, OpenToUnknown: c.OpenToUnknown, OpenBoth: c.OpenBoth, Persisting: c.Persisting}
	}
	for _, o := range b.Owners {
		jo := jsonOwner{Owner: o.Name(), Org: o.Org, Services: o.Services, Open: o.Open, Netblocks: []jsonBlock{}}
		if o.ASN != 0 {
			asn := o.ASN
			jo.ASN = &asn
		}
		for _, nb := range o.Netblocks {
			jo.Netblocks = append(jo.Netblocks, jsonBlock{Netblock: nb.Prefix.String(), Declared: nb.Declared, Services: nb.Services, Open: nb.Open})
		}
		h.Summary.Netblocks += len(o.Netblocks)
		h.Owners = append(h.Owners, jo)
	}
	cycles := b.supportCycles()
	for _, p := range b.Products {
		if p.Remediation == nil && len(cycles[p.ID]) == 0 {
			continue
		}
		jr := jsonRemedy{Product: p.ID, Name: p.Name, Services: p.Services, Open: p.Open, Links: []jsonLink{},
			EndOfLife: append([]report.SupportCycle{}, cycles[p.ID]...)}
		if p.Remediation != nil {
			jr.Text = p.Remediation.Text
			for _, l := range p.Remediation.Links {
				jr.Links = append(jr.Links, jsonLink{Title: l.Title, URL: l.URL})
			}
		}
		h.Remediation = append(h.Remediation, jr)
	}
	return h
}

// WriteJSON writes brief.json (docs/brief-json.md): the head, then
// services[] in the briefing's order and gone[] by address, each
// service encoded as it is read, so that a scope of any size is written
// in constant memory. Strings are escaped as every orchex JSON output is
// (internal/safejson).
func (b *Brief) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head, err := json.MarshalIndent(b.head(), "", "  ")
	if err != nil {
		return fmt.Errorf("brief: scope %s: encoding: %w", b.Scope.Name, err)
	}
	// Drop the closing brace and append the two lists.
	head = bytes.TrimSuffix(head, []byte("\n}"))
	bw.Write(safejson.Escape(head))
	names := b.names()
	var row []byte
	list := func(key string, each func(func(*Service) error) error) error {
		fmt.Fprintf(bw, ",\n  %q: [", key)
		n := 0
		err := each(func(s *Service) error {
			r := NewServiceJSON(s, names)
			row = row[:0]
			if n > 0 {
				row = append(row, ',')
			}
			row = append(row, "\n    "...)
			row = appendServiceJSON(row, &r, "    ")
			_, err := bw.Write(row)
			n++
			return err
		})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString("\n  ")
		}
		_, err = bw.WriteString("]")
		return err
	}
	if err := list("services", func(fn func(*Service) error) error { return b.Each(All, fn) }); err != nil {
		return fmt.Errorf("brief: scope %s: writing services: %w", b.Scope.Name, err)
	}
	if err := list("gone", b.EachGone); err != nil {
		return fmt.Errorf("brief: scope %s: writing gone services: %w", b.Scope.Name, err)
	}
	bw.WriteString("\n}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("brief: scope %s: writing: %w", b.Scope.Name, err)
	}
	return nil
}

// supportCycles returns the release cycles past their end of life per
// product of the scope.
func (b *Brief) supportCycles() map[string][]report.SupportCycle {
	out := map[string][]report.SupportCycle{}
	if b.Support == nil {
		return out
	}
	for _, r := range b.Support.Products {
		for _, c := range r.Cycles {
			if c.EndOfLife() {
				out[r.Product] = append(out[r.Product], c)
			}
		}
	}
	return out
}

// authName is a verdict as outputs write it.
func authName(a model.Auth) string { return string(a.Verdict()) }
