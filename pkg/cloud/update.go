package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/fetch"
)

// Source is one official feed that Update downloads.
type Source struct {
	Name        string // key for UpdateOptions.URLs: aws, gcp, azure, ...
	Provider    string // canonical provider id
	Format      string // expected format (see Detect)
	File        string // file name in the ranges directory
	URL         string // official URL; for Azure, the download page that links the weekly file
	Page        bool   // URL is a web page holding the link to the file
	MinPrefixes int    // fewer prefixes than this means a broken or truncated download
	// LinkHosts are the hosts a Page may link the file on (over https).
	LinkHosts []string
}

// SourceNames returns the names of Sources, in their order.
func SourceNames() []string {
	var out []string
	for _, s := range Sources() {
		out = append(out, s.Name)
	}
	return out
}

// Mirrors reads mirror URLs of feeds, each "NAME=URL" with NAME one of
// SourceNames, into UpdateOptions.URLs.
func Mirrors(items []string) (map[string]string, error) {
	known := SourceNames()
	urls := map[string]string{}
	for _, kv := range items {
		name, u, ok := strings.Cut(kv, "=")
		if !ok || !slices.Contains(known, name) || u == "" {
			return nil, fmt.Errorf("%q: want NAME=URL with NAME one of %s", kv, strings.Join(known, ", "))
		}
		urls[name] = u
	}
	return urls, nil
}

// Sources returns the official feeds, in the order Update fetches them.
// URLs are those listed in docs/cloud.md.
func Sources() []Source {
	return []Source{
		{Name: "aws", Provider: AWS, Format: "aws", File: "aws-ip-ranges.json", URL: "https://ip-ranges.amazonaws.com/ip-ranges.json", MinPrefixes: 1000},
		{Name: "gcp", Provider: GCP, Format: "gcp", File: "gcp-cloud.json", URL: "https://www.gstatic.com/ipranges/cloud.json", MinPrefixes: 100},
		{Name: "azure", Provider: Azure, Format: "azure", File: "azure-servicetags.json", URL: "https://www.microsoft.com/en-us/download/details.aspx?id=56519",
			Page: true, MinPrefixes: 1000, LinkHosts: []string{"download.microsoft.com", "www.microsoft.com"}},
		{Name: "oracle", Provider: Oracle, Format: "oracle", File: "oracle-public_ip_ranges.json", URL: "https://docs.oracle.com/iaas/tools/public_ip_ranges.json", MinPrefixes: 100},
		{Name: "digitalocean", Provider: DigitalOcean, Format: "geofeed", File: "digitalocean-geo.csv", URL: "https://digitalocean.com/geo/google.csv", MinPrefixes: 100},
		{Name: "linode", Provider: Linode, Format: "geofeed", File: "linode-geofeed.csv", URL: "https://geoip.linode.com/", MinPrefixes: 100},
		{Name: "vultr", Provider: Vultr, Format: "vultr", File: "vultr-geofeed.json", URL: "https://geofeed.constant.com/?json", MinPrefixes: 50},
		{Name: "cloudflare-v4", Provider: Cloudflare, Format: "list", File: "cloudflare-ips-v4.txt", URL: "https://www.cloudflare.com/ips-v4", MinPrefixes: 5},
		{Name: "cloudflare-v6", Provider: Cloudflare, Format: "list", File: "cloudflare-ips-v6.txt", URL: "https://www.cloudflare.com/ips-v6", MinPrefixes: 3},
	}
}

// UpdateOptions configures Update.
type UpdateOptions struct {
	// Client makes the requests; nil means a client with a 2-minute timeout.
	Client *http.Client
	// URLs overrides Source.URL by Source.Name (tests point them at a
	// local server).
	URLs map[string]string
	// UserAgent is sent with every request; "" means "orchex".
	UserAgent string
}

// Update downloads every official feed into dir (created if needed),
// validates each one (it parses as the expected format, holds at least
// Source.MinPrefixes prefixes, and its sync token or date is not older
// than the copy it replaces) and only then moves the new files into place,
// each with an atomic rename. If any feed fails, nothing in dir changes
// and the error lists every failure. It returns the new feeds' info.
//
// The Azure file's URL changes weekly: Update reads the download page and
// takes its ServiceTags_Public_YYYYMMDD.json link, and stores the file as
// azure-servicetags-YYYYMMDD.json so that the date survives (the file has
// none of its own).
func Update(ctx context.Context, dir string, opt UpdateOptions) ([]FeedInfo, error) {
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: 2 * time.Minute}
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "orchex"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cloud: update: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".update-")
	if err != nil {
		return nil, fmt.Errorf("cloud: update: %w", err)
	}
	defer os.RemoveAll(tmp)

	type staged struct {
		src  Source
		file string // final name
		feed *Feed
	}
	var ok []staged
	var errs []error
	for _, s := range Sources() {
		if u := opt.URLs[s.Name]; u != "" {
			s.URL = u
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, f, err := fetchFeed(ctx, opt, s, tmp)
		if err == nil {
			err = checkNewer(dir, s, f)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %w", s.Name, s.URL, err))
			continue
		}
		ok = append(ok, staged{s, name, f})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("cloud: update: nothing replaced, the previous feeds are kept:\n%w", errors.Join(errs...))
	}
	infos := make([]FeedInfo, 0, len(ok))
	for _, st := range ok {
		if err := os.Rename(filepath.Join(tmp, st.file), filepath.Join(dir, st.file)); err != nil {
			return nil, fmt.Errorf("cloud: update: install %s: %w", st.file, err)
		}
		if st.src.Name == "azure" {
			for _, old := range azureFiles(dir) {
				if old != st.file {
					os.Remove(filepath.Join(dir, old))
				}
			}
		}
		info := FeedInfo{Provider: st.feed.Provider, Format: st.feed.Format, File: st.file, Date: st.feed.Date, Token: st.feed.Token}
		info.Prefixes4, info.Prefixes6 = st.feed.Count()
		infos = append(infos, info)
	}
	return infos, nil
}

// azureLink finds the weekly file's link on Microsoft's download page.
var azureLink = regexp.MustCompile(`[^"'<>\s]*ServiceTags_Public_(\d{8})\.json`)

// fetchFeed downloads one source into tmp and parses it; it returns the
// file's final name and the feed.
func fetchFeed(ctx context.Context, opt UpdateOptions, s Source, tmp string) (string, *Feed, error) {
	u := s.URL
	name := s.File
	if s.Page {
		page, err := get(ctx, opt, u, 4<<20)
		if err != nil {
			return "", nil, fmt.Errorf("download page: %w", err)
		}
		m := azureLink.FindSubmatch(page)
		if m == nil {
			return "", nil, errors.New("download page has no ServiceTags_Public_YYYYMMDD.json link (has the page changed?)")
		}
		base, _ := url.Parse(u)
		ref, err := url.Parse(string(m[0]))
		if err != nil || base == nil {
			return "", nil, fmt.Errorf("download page link %q: bad URL", clean(string(m[0])))
		}
		link := base.ResolveReference(ref)
		if !linkAllowed(base, link, s.LinkHosts) {
			return "", nil, fmt.Errorf("download page links %q, which is neither https on %s nor on the page's own host: refused",
				clean(link.String()), strings.Join(s.LinkHosts, " or "))
		}
		u = link.String()
		name = strings.TrimSuffix(s.File, ".json") + "-" + string(m[1]) + ".json"
	}
	body, err := get(ctx, opt, u, BoundsOf(s.Provider).MaxBytes)
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(tmp, name)
	if err := writeSync(path, body); err != nil {
		return "", nil, err
	}
	f, err := LoadFile(path)
	if err != nil {
		return "", nil, err
	}
	if f.Format != s.Format || f.Provider != s.Provider {
		return "", nil, fmt.Errorf("expected a %s %s feed, found a %s %s feed", s.Provider, s.Format, f.Provider, f.Format)
	}
	if n := len(f.Records); n < s.MinPrefixes {
		return "", nil, fmt.Errorf("only %d prefixes, fewer than the %d expected: download truncated or feed changed", n, s.MinPrefixes)
	}
	return name, f, nil
}

// linkAllowed reports whether a download page at page may send Update to
// link: over https to one of the provider's hosts, or to the page's own
// scheme, host and port (a mirror given with UpdateOptions.URLs serves
// its own file). Plain HTTP from an https page, or another host, is
// refused: the feed decides which addresses every report calls the
// provider's.
func linkAllowed(page, link *url.URL, hosts []string) bool {
	if strings.EqualFold(link.Scheme, page.Scheme) && strings.EqualFold(link.Host, page.Host) {
		return true
	}
	if link.Scheme != "https" || link.Port() != "" && link.Port() != "443" {
		return false
	}
	for _, h := range hosts {
		if strings.EqualFold(link.Hostname(), h) {
			return true
		}
	}
	return false
}

// get fetches u and returns its body, at most limit bytes.
func get(ctx context.Context, opt UpdateOptions, u string, limit int64) ([]byte, error) {
	return fetch.Get(ctx, opt.Client, u, opt.UserAgent, limit)
}

// writeSync writes a file and flushes it to disk before it is renamed
// into place.
func writeSync(path string, data []byte) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// azureFiles lists the Azure feed files in dir.
func azureFiles(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		n := strings.ToLower(e.Name())
		if !e.IsDir() && strings.HasSuffix(n, ".json") && (strings.HasPrefix(n, "azure-servicetags") || strings.HasPrefix(n, "servicetags_public")) {
			out = append(out, e.Name())
		}
	}
	return out
}

// checkNewer refuses a feed older than the copy in dir it would replace.
// A missing or unreadable old copy is no obstacle.
func checkNewer(dir string, s Source, f *Feed) error {
	olds := []string{s.File}
	if s.Name == "azure" {
		olds = azureFiles(dir)
	}
	for _, name := range olds {
		old, err := LoadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		if msg := older(f, old); msg != "" {
			return fmt.Errorf("%s than the copy in %s (%s); keeping it", msg, name, "check the URL or the provider's publication")
		}
	}
	return nil
}

// older returns why feed n is older than feed o, or "".
func older(n, o *Feed) string {
	if n.Token != "" && o.Token != "" {
		nt, err1 := strconv.ParseUint(n.Token, 10, 64)
		ot, err2 := strconv.ParseUint(o.Token, 10, 64)
		if err1 == nil && err2 == nil {
			if nt < ot {
				return fmt.Sprintf("sync token %d is older", nt)
			}
			return ""
		}
	}
	if n.Date != "" && o.Date != "" && n.Date < o.Date {
		return fmt.Sprintf("date %s is older", n.Date)
	}
	return ""
}
