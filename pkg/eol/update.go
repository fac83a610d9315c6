package eol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/fetch"
	"github.com/orchex/orchex/internal/outfile"
)

// DefaultAPI is the endoflife.date API that [Update] reads.
const DefaultAPI = "https://endoflife.date/api/v1"

// maxAPIBytes caps one product's API answer; a real one is under 30 KB.
const maxAPIBytes = 4 << 20

// ErrOlder is returned (wrapped) by [Update] when the API's data is older
// than the copy it would replace.
var ErrOlder = errors.New("older than the copy in place")

// MinCycles is the fewest release cycles a calendar may have in a download;
// fewer means a truncated answer or a changed product, and [Update] keeps
// the previous data. The floors are about half of what each page held in
// 2026.
func MinCycles(id string) int {
	switch id {
	case CalArgoCD, CalDocker:
		return 12
	case CalKubernetes, CalOpenShift, CalGKE, CalEKS:
		return 8
	case CalAKS, CalRancher, CalNomad:
		return 6
	case CalKong:
		return 5
	case CalEtcd:
		return 4
	}
	return 1
}

// UpdateOptions configures [Update].
type UpdateOptions struct {
	// Client makes the requests; nil means a client with a 1-minute timeout.
	Client *http.Client
	// BaseURL is the API's base; "" means [DefaultAPI]. Tests point it at
	// a local server.
	BaseURL string
	// UserAgent is sent with every request; "" means "orchex".
	UserAgent string
	// Now dates the data when the API gives no generation date; nil
	// means time.Now.
	Now func() time.Time
}

// apiAnswer is the endoflife.date API v1 answer for one product
// (GET /products/<product>/).
type apiAnswer struct {
	SchemaVersion string `json:"schema_version"`
	GeneratedAt   string `json:"generated_at"`
	Result        struct {
		Name     string       `json:"name"`
		Label    string       `json:"label"`
		Releases []apiRelease `json:"releases"`
	} `json:"result"`
}

// apiRelease is one release cycle. A flag or date that is absent or null
// means "not stated", so all are pointers.
type apiRelease struct {
	Name        string  `json:"name"`
	ReleaseDate *string `json:"releaseDate"`
	IsEol       *bool   `json:"isEol"`
	EolFrom     *string `json:"eolFrom"`
	IsEoes      *bool   `json:"isEoes"`
	EoesFrom    *string `json:"eoesFrom"`
}

// Update downloads every calendar of [CalendarIDs] from the endoflife.date
// API into dir (created if needed) as one calendars file. Each answer must
// parse, name the product asked for, hold at least [MinCycles] cycles with
// version names and valid dates, and the set must not be older than the
// copy in dir; only then is the file replaced, with one atomic rename. If
// anything fails, dir is unchanged and the error lists every failure.
func Update(ctx context.Context, dir string, opt UpdateOptions) (*Data, error) {
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: time.Minute}
	}
	if opt.BaseURL == "" {
		opt.BaseURL = DefaultAPI
	}
	opt.BaseURL = strings.TrimSuffix(opt.BaseURL, "/")
	if opt.UserAgent == "" {
		opt.UserAgent = "orchex"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	emb, err := Embedded()
	if err != nil {
		return nil, err
	}
	d := &Data{Source: opt.BaseURL + "/products/", Licence: emb.Licence}
	var errs []error
	for _, id := range CalendarIDs() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		u := opt.BaseURL + "/products/" + id + "/"
		p, generated, err := fetchProduct(ctx, opt, u, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %w", id, u, err))
			continue
		}
		d.Products = append(d.Products, p)
		if generated > d.Date {
			d.Date = generated
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("eol: update: nothing replaced, the previous data is kept:\n%w", errors.Join(errs...))
	}
	if d.Date == "" {
		d.Date = Day(opt.Now())
	}
	var b bytes.Buffer
	if err := Encode(&b, d); err != nil {
		return nil, fmt.Errorf("eol: update: nothing replaced: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("eol: update: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if old, err := LoadDir(dir); err == nil && old.Date != "" && old.Date > d.Date {
		return nil, fmt.Errorf("eol: update: nothing replaced: the API's data of %s is %w (%s, of %s); check the API address", d.Date, ErrOlder, path, old.Date)
	}
	if err := outfile.Write(path, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
		return nil, fmt.Errorf("eol: update: nothing replaced: %w", err)
	}
	d.Origin = path
	return d, nil
}

// fetchProduct downloads and checks one product; it returns the product
// and the day the API generated it ("" when not stated).
func fetchProduct(ctx context.Context, opt UpdateOptions, u, id string) (Product, string, error) {
	body, err := fetch.Get(ctx, opt.Client, u, opt.UserAgent, maxAPIBytes)
	if err != nil {
		return Product{}, "", err
	}
	var a apiAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return Product{}, "", fmt.Errorf("not an endoflife.date API answer: %v", err)
	}
	if major, _, _ := strings.Cut(a.SchemaVersion, "."); major != "1" {
		return Product{}, "", fmt.Errorf("schema_version %q, want 1.x (has the API changed?)", a.SchemaVersion)
	}
	if a.Result.Name != id {
		return Product{}, "", fmt.Errorf("answer is for product %q", a.Result.Name)
	}
	generated := ""
	if a.GeneratedAt != "" {
		t, err := time.Parse(time.RFC3339, a.GeneratedAt)
		if err != nil {
			return Product{}, "", fmt.Errorf("generated_at %q is not a time", a.GeneratedAt)
		}
		generated = Day(t)
	}
	p := Product{ID: id, Title: a.Result.Label}
	for _, r := range a.Result.Releases {
		c, err := r.cycle()
		if err != nil {
			return Product{}, "", fmt.Errorf("release %q: %w", r.Name, err)
		}
		p.Cycles = append(p.Cycles, c)
	}
	if n, floor := len(p.Cycles), MinCycles(id); n < floor {
		return Product{}, "", fmt.Errorf("only %d release cycles, fewer than the %d expected: answer truncated or product changed", n, floor)
	}
	if err := p.check(); err != nil {
		return Product{}, "", err
	}
	return p, generated, nil
}

// cycle converts an API release: a date wins over a flag, and a release
// that states neither its eol flag nor its date is refused.
func (r apiRelease) cycle() (Cycle, error) {
	c := Cycle{Name: r.Name}
	if r.ReleaseDate != nil {
		c.Release = *r.ReleaseDate
	}
	eol, ok, err := apiEnd(r.IsEol, r.EolFrom)
	if err != nil {
		return Cycle{}, fmt.Errorf("eol: %w", err)
	}
	if !ok {
		return Cycle{}, errors.New("neither isEol nor eolFrom")
	}
	c.EOL = eol
	eoes, ok, err := apiEnd(r.IsEoes, r.EoesFrom)
	if err != nil {
		return Cycle{}, fmt.Errorf("eoes: %w", err)
	}
	if ok {
		c.EOES = &eoes
	}
	return c, nil
}

func apiEnd(is *bool, from *string) (End, bool, error) {
	switch {
	case from != nil:
		if !validDate(*from) {
			return End{}, false, fmt.Errorf("%q is not a date (YYYY-MM-DD)", *from)
		}
		return End{Date: *from}, true, nil
	case is != nil:
		return End{Ended: *is}, true, nil
	}
	return End{}, false, nil
}
