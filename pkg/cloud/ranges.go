package cloud

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gaissmai/bart"

	"github.com/orchex/orchex/internal/jsonscan"
)

// Match is what the feeds say about an address: the longest prefix that
// contains it and the record of that prefix.
type Match struct {
	Provider    string // canonical id: aws, gcp, azure, ...
	Region      string // provider's region code; the city for unmapped geofeed cities; "" if none
	Service     string // AWS service, Azure system service, ...; "" if none
	BorderGroup string // AWS network border group
	Country     string // geofeeds only
	City        string // geofeeds only
	Prefix      netip.Prefix
	Feed        string // file the prefix came from
	FeedDate    string // that file's date, YYYY-MM-DD, "" when it has none
}

// Place is the match's region with its city and country, as a lookup
// shows it: "us-east-1", "fra1 (Frankfurt, DE)", "Frankfurt (DE)" (a
// city the region already names), "" when the feed names none.
func (m Match) Place() string {
	switch {
	case m.City != "" && m.City != m.Region:
		return m.Region + " (" + m.City + ", " + m.Country + ")"
	case m.Country != "":
		return m.Region + " (" + m.Country + ")"
	}
	return m.Region
}

// Source names the feed file of the match with its date: "aws.json@2026-11-01".
func (m Match) Source() string {
	if m.FeedDate == "" {
		return m.Feed
	}
	return m.Feed + "@" + m.FeedDate
}

// FeedInfo describes one loaded feed file.
type FeedInfo struct {
	Provider  string
	Format    string
	File      string
	Date      string // YYYY-MM-DD, "" when the feed has none
	Token     string // sync token or change number, "" when none
	Prefixes4 int    // distinct IPv4 prefixes in the file
	Prefixes6 int    // distinct IPv6 prefixes in the file
	Shadowed  int    // prefixes also listed by a feed loaded before (that one wins)
}

// rec is a record as stored in a Ranges.
type rec struct {
	Record
	feed uint16
}

// Ranges answers which provider, region and service an address belongs
// to, from a set of feeds. It is built once (New, LoadDir) and is then
// read-only and safe for concurrent use. A nil *Ranges matches nothing.
type Ranges struct {
	table   bart.Fast[uint32] // prefix → index in recs
	recs    []rec
	feeds   []FeedInfo
	skipped []string
}

// New builds a Ranges from parsed feeds. A prefix listed by two feeds
// keeps the record of the feed given first (the later one counts it in
// FeedInfo.Shadowed).
func New(feeds ...*Feed) *Ranges {
	r := &Ranges{}
	n := 0
	for _, f := range feeds {
		n += len(f.Records)
	}
	r.recs = make([]rec, 0, n)
	for fi, f := range feeds {
		info := FeedInfo{Provider: f.Provider, Format: f.Format, File: f.File, Date: f.Date, Token: f.Token}
		info.Prefixes4, info.Prefixes6 = f.Count()
		for _, x := range f.Records {
			if _, dup := r.table.Get(x.Prefix); dup {
				info.Shadowed++
				continue
			}
			r.table.Insert(x.Prefix, uint32(len(r.recs)))
			r.recs = append(r.recs, rec{Record: x, feed: uint16(fi)})
		}
		r.feeds = append(r.feeds, info)
	}
	return r
}

// Lookup returns the record of the longest prefix containing a. An
// IPv4-mapped IPv6 address is looked up as IPv4; the zone is ignored.
func (r *Ranges) Lookup(a netip.Addr) (Match, bool) {
	if r == nil || !a.IsValid() {
		return Match{}, false
	}
	if a.Is4In6() {
		a = a.Unmap()
	}
	i, ok := r.table.Lookup(a)
	if !ok {
		return Match{}, false
	}
	x := &r.recs[i]
	f := &r.feeds[x.feed]
	return Match{
		Provider:    f.Provider,
		Region:      x.Region,
		Service:     x.Service,
		BorderGroup: x.BorderGroup,
		Country:     x.Country,
		City:        x.City,
		Prefix:      x.Prefix,
		Feed:        f.File,
		FeedDate:    f.Date,
	}, true
}

// Info returns the loaded feeds sorted by provider, then file.
func (r *Ranges) Info() []FeedInfo {
	if r == nil {
		return nil
	}
	out := slices.Clone(r.feeds)
	slices.SortFunc(out, func(a, b FeedInfo) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.File, b.File))
	})
	return out
}

// Len returns the number of distinct prefixes loaded.
func (r *Ranges) Len() int {
	if r == nil {
		return 0
	}
	return len(r.recs)
}

// Skipped returns the files LoadDir looked at but did not recognise as
// feeds, each with the reason, sorted.
func (r *Ranges) Skipped() []string {
	if r == nil {
		return nil
	}
	return slices.Clone(r.skipped)
}

// ErrNoFeeds is returned by LoadDir for a directory with no feed file.
var ErrNoFeeds = errors.New("no feed files found")

// LoadCache loads the feeds of the cache directory dir written by
// [Update]. When dir is "", does not exist or holds no feed, it returns
// nil Ranges and no error, and note says which (tagging then falls back to
// the engines' cloud fields and ASNs). A malformed feed is an error naming
// the file.
func LoadCache(dir string) (r *Ranges, note string, err error) {
	if dir == "" {
		return nil, "", nil
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, "no feed cache at " + dir, nil
	}
	r, err = LoadDir(dir)
	if errors.Is(err, ErrNoFeeds) {
		return nil, "no feed files in " + dir, nil
	}
	return r, "", err
}

// LoadDir loads every feed file in dir (not its subdirectories), parsing
// them in parallel and combining them in file name order. Feed files are recognised by content (JSON keys) and, for
// CSV and text files, by a provider name in the file name
// (digitalocean-geo.csv, linode-geofeed.csv, cloudflare-ips-v4.txt).
// Files it does not recognise are listed by Skipped. The first malformed
// feed file fails the whole load with a *FeedError naming the file and
// what is wrong, so that a caller keeps the set it had.
func LoadDir(dir string) (*Ranges, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cloud: ranges directory: %w", err)
	}
	var names, skipped []string
	for _, e := range ents { // ReadDir sorts by name
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !candidate(name) {
			continue
		}
		// A FIFO would block the load and a device never end: only
		// regular files (or links to them) are read.
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			skipped = append(skipped, name+": "+errNotRegular.Error())
			continue
		}
		names = append(names, name)
	}
	// Parse the files in parallel; the results are used in name order, so
	// the set and the error reported do not depend on scheduling.
	type result struct {
		f   *Feed
		err error
	}
	res := make([]result, len(names))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res[i].f, res[i].err = LoadFile(filepath.Join(dir, name))
		}()
	}
	wg.Wait()
	var feeds []*Feed
	for i, name := range names {
		f, err := res[i].f, res[i].err
		if errors.Is(err, errUnknownFile) {
			skipped = append(skipped, name+": "+errUnknownFile.Error())
			continue
		}
		if err != nil {
			return nil, err
		}
		feeds = append(feeds, f)
	}
	if len(feeds) == 0 {
		return nil, fmt.Errorf("cloud: %s: %w (expected files such as aws-ip-ranges.json)", dir, ErrNoFeeds)
	}
	r := New(feeds...)
	slices.Sort(skipped)
	r.skipped = skipped
	return r, nil
}

// candidate reports whether a file name may be a feed.
func candidate(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".csv", ".txt", ".geofeed", "":
		return true
	}
	return false
}

var errUnknownFile = errors.New("not a known feed format")

// azureDate finds the YYYYMMDD of ServiceTags_Public_20260427.json.
var azureDate = regexp.MustCompile(`(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])`)

// errNotRegular is the error for a path that is not a regular file (a
// FIFO would block the load, a device never end).
var errNotRegular = errors.New("not a regular file")

// LoadFile parses one feed file, recognised as LoadDir does. Errors are
// *FeedError values naming the file. A path that is not a regular file
// is refused before it is opened.
func LoadFile(path string) (*Feed, error) {
	name := filepath.Base(path)
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, &FeedError{File: name, Err: errNotRegular}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &FeedError{File: name, Err: err}
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, &FeedError{File: name, Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &FeedError{File: name, Err: errNotRegular}
	}
	if st.Size() > maxFeedBytes {
		return nil, &FeedError{File: name, Err: fmt.Errorf("%d bytes is over the %d-byte limit for a feed", st.Size(), maxFeedBytes)}
	}
	f, err := ReadFeed(name, fh)
	var pe *jsonscan.PosError
	if errors.As(err, &pe) {
		if _, serr := fh.Seek(0, io.SeekStart); serr == nil {
			pe.Line = jsonscan.LineAt(fh, pe.Offset)
		}
	}
	return f, err
}

// ReadFeed parses a feed from r, recognising its format from its content
// and name (as LoadDir does). The error for content that is no known feed
// wraps a sentinel LoadDir uses to skip the file.
func ReadFeed(name string, r io.Reader) (*Feed, error) {
	sr := &sizeReader{r: r, limit: maxFeedBytes}
	br := bufio.NewReaderSize(sr, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &FeedError{File: name, Err: err}
	}
	format, provider := Detect(name, head)
	sr.limit, sr.provider = BoundsOf(provider).MaxBytes, provider
	var f *Feed
	switch format {
	case "aws":
		f, err = ParseAWS(br)
	case "gcp":
		f, err = ParseGCP(br)
	case "azure":
		f, err = ParseAzure(br)
		if err == nil {
			if m := azureDate.FindStringSubmatch(name); m != nil {
				f.Date = m[1] + "-" + m[2] + "-" + m[3]
			}
		}
	case "oracle":
		f, err = ParseOracle(br)
	case "vultr":
		f, err = ParseVultr(br)
	case "geofeed":
		f, err = ParseGeofeed(br, provider)
	case "list":
		f, err = ParseList(br, provider)
	default:
		return nil, &FeedError{File: name, Err: errUnknownFile}
	}
	if err != nil {
		return nil, &FeedError{File: name, Format: format, Err: err}
	}
	f.File = name
	return f, nil
}

// sizeReader ends a feed that is longer than its provider's bounds allow
// with a *TooLargeError, so that no parser reads (or buffers) more.
type sizeReader struct {
	r        io.Reader
	n, limit int64
	provider string
}

func (s *sizeReader) Read(p []byte) (int, error) {
	if s.n > s.limit {
		return 0, &TooLargeError{Limit: s.limit, Provider: s.provider}
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.limit {
		return n, &TooLargeError{Limit: s.limit, Provider: s.provider}
	}
	return n, err
}

// TooLargeError is a feed longer than its provider's bounds allow.
type TooLargeError struct {
	Limit    int64
	Provider string // "" before the format is known
}

func (e *TooLargeError) Error() string {
	if e.Provider == "" {
		return fmt.Sprintf("the file is over the %d-byte limit of a feed", e.Limit)
	}
	return fmt.Sprintf("the file is over the %d-byte limit plausible for the %s feed", e.Limit, e.Provider)
}

// Detect names the format ("aws", "gcp", "azure", "oracle", "vultr",
// "geofeed", "list") and provider of a feed from its file name and first
// bytes, or returns "", "" when it does not know it. JSON feeds are
// recognised by their keys; geofeeds and lists need a provider name in the
// file name.
func Detect(name string, head []byte) (format, provider string) {
	head = bytes.TrimLeft(head, "\ufeff \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		has := func(k string) bool { return bytes.Contains(head, []byte(`"`+k+`"`)) }
		switch {
		case has("ip_prefix") && has("network_border_group"), has("createDate") && has("syncToken"):
			return "aws", AWS
		case has("ipv4Prefix"), has("ipv6Prefix"), has("creationTime") && has("syncToken"):
			return "gcp", GCP
		case has("changeNumber") && has("values"):
			return "azure", Azure
		case has("last_updated_timestamp"), has("regions") && has("cidrs"):
			return "oracle", Oracle
		case has("subnets") && has("alpha2code"):
			return "vultr", Vultr
		}
		return "", ""
	}
	lower := strings.ToLower(name)
	switch {
	case strings.Contains(lower, "digitalocean"):
		provider = DigitalOcean
	case strings.Contains(lower, "linode"), strings.Contains(lower, "akamai"):
		provider = Linode
	case strings.Contains(lower, "vultr"), strings.Contains(lower, "constant"):
		provider = Vultr
	case strings.Contains(lower, "cloudflare"):
		provider = Cloudflare
	default:
		return "", ""
	}
	for _, line := range bytes.Split(head, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if bytes.IndexByte(line, ',') >= 0 {
			return "geofeed", provider
		}
		return "list", provider
	}
	return "list", provider
}
