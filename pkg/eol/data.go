package eol

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Format names the layout of the compact calendars file; a file of
// another format is refused rather than misread.
const Format = "orchex-eol/1"

// FileName is the calendars file in a directory written by [Update].
const FileName = "calendars.json"

// maxDataBytes caps a calendars file; the embedded one is about 20 KB.
const maxDataBytes = 8 << 20

// ErrBadData marks release data that cannot be used: a malformed file or
// page, an unknown format, a bad date or cycle name.
var ErrBadData = errors.New("bad release data")

// ErrNoData is returned by [LoadDir] for a directory that holds neither a
// calendars file nor endoflife.date product pages.
var ErrNoData = errors.New("no release data")

//go:embed calendars.json
var embedded []byte

// Data is a set of release calendars, one [Product] per endoflife.date
// product page, with where they came from. It is read-only once loaded.
type Data struct {
	// Source names where the data was taken from: the endoflife.date
	// repository for pages, the API's address for [Update].
	Source string
	// Commit is the source repository's commit, when known.
	Commit string
	// Date is the data's date (YYYY-MM-DD): the commit's date for pages,
	// the API's generation date for [Update]; "" when not recorded.
	Date string
	// Licence is the data's licence, recorded with every copy.
	Licence Licence
	// Products are sorted by ID.
	Products []Product
	// Origin says which copy was loaded: "embedded" or a file or
	// directory path. It is not part of the file.
	Origin string
}

// Licence is the licence the data is distributed under.
type Licence struct {
	Name      string // "MIT"
	Copyright string // "Copyright 2020 endoflife.date contributors"
	Text      string // the permission notice and the disclaimer
}

// Product is one endoflife.date product: its release cycles.
type Product struct {
	ID     string  // endoflife.date product id: "kubernetes", "amazon-eks"
	Title  string  // "Kubernetes", "Amazon EKS"
	Cycles []Cycle // newest first, ordered as versions
}

// Cycle is one release cycle of a product.
type Cycle struct {
	Name    string // "1.29", "26.1", "29"
	Release string // release date, YYYY-MM-DD; "" when the page has none
	EOL     End    // end of life: no more security fixes
	EOES    *End   // end of extended support; nil when the page has none
}

// End is when a phase of support ends: on Date, or, when the page gives a
// boolean instead of a date, already ended (Ended true, date unrecorded)
// or not announced (Ended false).
type End struct {
	Date  string
	Ended bool
}

// ReachedBy reports whether the phase had ended on day (YYYY-MM-DD): a
// dated end is reached on its date, so a cycle whose eol is the as-of day
// is end of life on that day.
func (e End) ReachedBy(day string) bool {
	if e.Date != "" {
		return e.Date <= day
	}
	return e.Ended
}

// String returns the date, "ended" or "not announced".
func (e End) String() string {
	switch {
	case e.Date != "":
		return e.Date
	case e.Ended:
		return "ended"
	}
	return "not announced"
}

// MarshalJSON writes a date as a string and a boolean as a boolean, as
// the endoflife.date pages do.
func (e End) MarshalJSON() ([]byte, error) {
	if e.Date != "" {
		return json.Marshal(e.Date)
	}
	return json.Marshal(e.Ended)
}

// UnmarshalJSON reads a date string or a boolean.
func (e *End) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case bool:
		*e = End{Ended: v}
	case string:
		if !validDate(v) {
			return fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
		*e = End{Date: v}
	default:
		return fmt.Errorf("want a date or a boolean, found %s", b)
	}
	return nil
}

// validDate reports whether s is a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	if len(s) != len(time.DateOnly) {
		return false
	}
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// Product returns the product with the given endoflife.date id.
func (d *Data) Product(id string) (*Product, bool) {
	i, ok := slices.BinarySearchFunc(d.Products, id, func(p Product, id string) int { return strings.Compare(p.ID, id) })
	if !ok {
		return nil, false
	}
	return &d.Products[i], true
}

// Match returns the longest cycle whose name is a number-by-number prefix
// of v: "26.1" for Docker 26.1.3, "29" for 29.1.0, "1.29" for v1.29.8.
func (p *Product) Match(v Version) (*Cycle, bool) {
	best, bestLen := -1, 0
	for i := range p.Cycles {
		if n := prefixLen(p.Cycles[i].Name, v); n > bestLen {
			best, bestLen = i, n
		}
	}
	if best < 0 {
		return nil, false
	}
	return &p.Cycles[best], true
}

// prefixLen returns how many numbers the cycle name has when they begin
// v's numbers, number by number, else 0; it is ParseVersion(name) then
// v.HasPrefix without allocating, for a name of numbers and dots only.
func prefixLen(name string, v Version) int {
	n := 0
	for i := 0; ; n++ {
		j := i
		num := 0
		for j < len(name) && isDigit(name[j]) && j-i < maxDigits {
			num = num*10 + int(name[j]-'0')
			j++
		}
		if j == i || n >= len(v.Parts) || v.Parts[n] != num {
			return 0
		}
		if j == len(name) {
			return n + 1
		}
		if name[j] != '.' {
			return 0
		}
		i = j + 1
	}
}

// Embedded returns the release data compiled into orchex: the
// endoflife.date pages of the commit its file names (docs/support.md).
func Embedded() (*Data, error) {
	d, err := Decode(bytes.NewReader(embedded))
	if err != nil {
		return nil, fmt.Errorf("eol: embedded %s: %w", FileName, err)
	}
	d.Origin = "embedded"
	return d, nil
}

// LoadDir loads release data from dir: the calendars file that [Update]
// writes, or else the endoflife.date product pages (*.md) it holds, read
// with [ReadPages]. It returns [ErrNoData] when dir has neither.
func LoadDir(dir string) (*Data, error) {
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	if err == nil {
		defer f.Close()
		d, err := Decode(f)
		if err != nil {
			return nil, fmt.Errorf("eol: %s: %w", path, err)
		}
		d.Origin = path
		return d, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("eol: %w", err)
	}
	d, err := ReadPages(os.DirFS(dir))
	if errors.Is(err, ErrNoData) {
		return nil, fmt.Errorf("eol: %s: neither %s nor endoflife.date product pages (*.md): %w", dir, FileName, ErrNoData)
	}
	if err != nil {
		return nil, fmt.Errorf("eol: %s: %w", dir, err)
	}
	d.Origin = dir
	return d, nil
}

// file is the compact file's layout.
type file struct {
	Format   string        `json:"format"`
	Source   string        `json:"source"`
	Commit   string        `json:"commit,omitempty"`
	Date     string        `json:"date,omitempty"`
	Licence  fileLicence   `json:"licence"`
	Products []fileProduct `json:"products"`
}

type fileLicence struct {
	Name      string `json:"name"`
	Copyright string `json:"copyright"`
	Text      string `json:"text"`
}

type fileProduct struct {
	ID     string        `json:"id"`
	Title  string        `json:"title"`
	Cycles []fileCycleIn `json:"cycles"`
}

type fileCycle struct {
	Cycle   string `json:"cycle"`
	Release string `json:"release,omitempty"`
	EOL     End    `json:"eol"`
	EOES    *End   `json:"eoes,omitempty"`
}

// fileCycleIn is a cycle as read: the ends stay raw until their product
// and cycle are known, so an error can name them, and a missing eol is
// refused rather than read as "not announced".
type fileCycleIn struct {
	Cycle   string          `json:"cycle"`
	Release string          `json:"release"`
	EOL     json.RawMessage `json:"eol"`
	EOES    json.RawMessage `json:"eoes"`
}

// Decode reads a compact calendars file and checks it: the format, every
// date, every cycle name, no duplicate product or cycle.
func Decode(r io.Reader) (*Data, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxDataBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDataBytes {
		return nil, fmt.Errorf("over %d bytes: %w", maxDataBytes, ErrBadData)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrBadData)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("format %q, want %q (written by another orchex version?): %w", f.Format, Format, ErrBadData)
	}
	d := &Data{Source: f.Source, Commit: f.Commit, Date: f.Date,
		Licence: Licence{Name: f.Licence.Name, Copyright: f.Licence.Copyright, Text: f.Licence.Text}}
	for _, fp := range f.Products {
		p := Product{ID: fp.ID, Title: fp.Title}
		for _, fc := range fp.Cycles {
			c := Cycle{Name: fc.Cycle, Release: fc.Release}
			if fc.EOL == nil {
				return nil, fmt.Errorf("product %q cycle %q: no eol: %w", fp.ID, fc.Cycle, ErrBadData)
			}
			if err := json.Unmarshal(fc.EOL, &c.EOL); err != nil {
				return nil, fmt.Errorf("product %q cycle %q: eol: %v: %w", fp.ID, fc.Cycle, err, ErrBadData)
			}
			if fc.EOES != nil {
				c.EOES = new(End)
				if err := json.Unmarshal(fc.EOES, c.EOES); err != nil {
					return nil, fmt.Errorf("product %q cycle %q: eoes: %v: %w", fp.ID, fc.Cycle, err, ErrBadData)
				}
			}
			p.Cycles = append(p.Cycles, c)
		}
		d.Products = append(d.Products, p)
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return d, nil
}

// check validates d and puts it in canonical order (products by id,
// cycles newest first).
func (d *Data) check() error {
	if d.Date != "" && !validDate(d.Date) {
		return fmt.Errorf("date %q is not YYYY-MM-DD: %w", d.Date, ErrBadData)
	}
	if len(d.Products) == 0 {
		return fmt.Errorf("no products: %w", ErrBadData)
	}
	slices.SortStableFunc(d.Products, func(a, b Product) int { return strings.Compare(a.ID, b.ID) })
	for i := range d.Products {
		p := &d.Products[i]
		if p.ID == "" {
			return fmt.Errorf("a product has no id: %w", ErrBadData)
		}
		if i > 0 && d.Products[i-1].ID == p.ID {
			return fmt.Errorf("product %q appears twice: %w", p.ID, ErrBadData)
		}
		if err := p.check(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Product) check() error {
	if len(p.Cycles) == 0 {
		return fmt.Errorf("product %q has no release cycles: %w", p.ID, ErrBadData)
	}
	for _, c := range p.Cycles {
		v, ok := ParseVersion(c.Name)
		if !ok || v.Rest != "" || c.Name != strings.TrimSpace(c.Name) {
			return fmt.Errorf("product %q: cycle name %q is not a version (numbers and dots): %w", p.ID, c.Name, ErrBadData)
		}
		dates := [][2]string{{"release", c.Release}, {"eol", c.EOL.Date}}
		if c.EOES != nil {
			dates = append(dates, [2]string{"eoes", c.EOES.Date})
		}
		for _, d := range dates {
			if d[1] != "" && !validDate(d[1]) {
				return fmt.Errorf("product %q cycle %q: %s %q is not a date (YYYY-MM-DD): %w", p.ID, c.Name, d[0], d[1], ErrBadData)
			}
		}
	}
	slices.SortStableFunc(p.Cycles, func(a, b Cycle) int { return CompareCycles(b.Name, a.Name) })
	for i := 1; i < len(p.Cycles); i++ {
		if CompareCycles(p.Cycles[i-1].Name, p.Cycles[i].Name) == 0 {
			return fmt.Errorf("product %q: cycle %q appears twice: %w", p.ID, p.Cycles[i].Name, ErrBadData)
		}
	}
	return nil
}

// Encode writes d as a compact calendars file: deterministic JSON with one
// line per release cycle, so that a change of data is a readable diff.
func Encode(w io.Writer, d *Data) error {
	c := *d
	c.Products = slices.Clone(d.Products)
	for i := range c.Products {
		c.Products[i].Cycles = slices.Clone(c.Products[i].Cycles)
	}
	if err := c.check(); err != nil {
		return err
	}
	var b bytes.Buffer
	str := func(s string) string {
		j, _ := json.Marshal(s)
		return string(j)
	}
	fmt.Fprintf(&b, "{\n  \"format\": %s,\n  \"source\": %s,\n", str(Format), str(c.Source))
	if c.Commit != "" {
		fmt.Fprintf(&b, "  \"commit\": %s,\n", str(c.Commit))
	}
	if c.Date != "" {
		fmt.Fprintf(&b, "  \"date\": %s,\n", str(c.Date))
	}
	fmt.Fprintf(&b, "  \"licence\": {\n    \"name\": %s,\n    \"copyright\": %s,\n    \"text\": %s\n  },\n",
		str(c.Licence.Name), str(c.Licence.Copyright), str(c.Licence.Text))
	b.WriteString("  \"products\": [\n")
	for i, p := range c.Products {
		fmt.Fprintf(&b, "    {\"id\": %s, \"title\": %s, \"cycles\": [\n", str(p.ID), str(p.Title))
		for j, cy := range p.Cycles {
			line, err := json.Marshal(fileCycle{Cycle: cy.Name, Release: cy.Release, EOL: cy.EOL, EOES: cy.EOES})
			if err != nil {
				return err
			}
			sep := ","
			if j == len(p.Cycles)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "      %s%s\n", line, sep)
		}
		sep := ","
		if i == len(c.Products)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    ]}%s\n", sep)
	}
	b.WriteString("  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}
