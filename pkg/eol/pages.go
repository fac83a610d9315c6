package eol

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxPageBytes caps one product page; the largest real one is about 8 KB.
const maxPageBytes = 1 << 20

// Files that may sit beside the product pages (as in ../shared/data/eol).
const (
	licenceFile = "LICENSE"
	sourcesFile = "SOURCES.md"
)

// sourcesCommit finds the commit and its date in SOURCES.md:
// "commit a70eca33… of 2026-08-22".
var sourcesCommit = regexp.MustCompile(`commit ([0-9a-f]{40}) of ([0-9]{4}-[0-9]{2}-[0-9]{2})`)

// sourcesRepo finds the repository the pages come from.
var sourcesRepo = regexp.MustCompile(`github\.com/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+`)

// mitStart is how the MIT licence's permission notice begins.
const mitStart = "Permission is hereby granted, free of charge"

// ReadPages reads the endoflife.date product pages (*.md files whose YAML
// front matter, between "---" lines, has a releases list) at the root of
// fsys: one [Product] per page, its id the file name without ".md". Other
// *.md files are skipped. When fsys also holds LICENSE and SOURCES.md (as
// ../shared/data/eol does), the licence, the repository, the commit and
// its date are recorded; otherwise they are left empty. It returns
// [ErrNoData] when there is no page, and an error naming the file and line
// of the first page it cannot read.
func ReadPages(fsys fs.FS) (*Data, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	d := &Data{Source: "endoflife.date product pages"}
	for _, name := range names {
		b, err := readCapped(fsys, name, maxPageBytes)
		if err != nil {
			return nil, err
		}
		p, ok, err := parsePage(name, b)
		if err != nil {
			return nil, err
		}
		if ok {
			d.Products = append(d.Products, p)
		}
	}
	if len(d.Products) == 0 {
		return nil, ErrNoData
	}
	if b, err := readCapped(fsys, sourcesFile, maxPageBytes); err == nil {
		if m := sourcesRepo.Find(b); m != nil {
			d.Source = string(m)
		}
		if m := sourcesCommit.FindSubmatch(b); m != nil {
			d.Commit, d.Date = string(m[1]), string(m[2])
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if b, err := readCapped(fsys, licenceFile, maxPageBytes); err == nil {
		d.Licence = parseLicence(string(b))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return d, nil
}

func readCapped(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: over %d bytes: %w", name, limit, ErrBadData)
	}
	return b, nil
}

// parseLicence splits a licence file into its copyright line and the rest.
func parseLicence(s string) Licence {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var l Licence
	var rest []string
	for _, line := range strings.Split(s, "\n") {
		if l.Copyright == "" && strings.HasPrefix(strings.TrimSpace(line), "Copyright") {
			l.Copyright = strings.TrimSpace(line)
			continue
		}
		rest = append(rest, line)
	}
	l.Text = strings.TrimSpace(strings.Join(rest, "\n"))
	if strings.HasPrefix(l.Text, mitStart) {
		l.Name = "MIT"
	}
	return l
}

// frontMatter returns the YAML between the first two "---" lines of a
// page, or false when the page does not start with one.
func frontMatter(b []byte) ([]byte, bool) {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(b, []byte("---\n")) {
		return nil, false
	}
	body := b[4:]
	if bytes.HasPrefix(body, []byte("---\n")) {
		return nil, true
	}
	end := bytes.Index(body, []byte("\n---\n"))
	if end < 0 {
		if !bytes.HasSuffix(body, []byte("\n---")) {
			return nil, false
		}
		end = len(body) - 4
	}
	return body[:end+1], true
}

// pageError names a page's file and line (lines counted in the file, the
// front matter starting on line 2).
func pageError(file string, n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line + 1
	}
	return fmt.Errorf("%s:%d: %s: %w", file, line, fmt.Sprintf(format, args...), ErrBadData)
}

// parsePage reads one page; ok is false for a Markdown file that is not a
// product page (no front matter or no releases list).
func parsePage(file string, b []byte) (Product, bool, error) {
	fm, ok := frontMatter(b)
	if !ok {
		return Product{}, false, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return Product{}, false, fmt.Errorf("%s: front matter: %v: %w", file, err, ErrBadData)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return Product{}, false, nil
	}
	top := doc.Content[0]
	p := Product{ID: strings.TrimSuffix(path.Base(file), ".md")}
	var releases *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch k, v := top.Content[i].Value, top.Content[i+1]; k {
		case "title":
			p.Title = v.Value
		case "releases":
			releases = v
		}
	}
	if releases == nil {
		return Product{}, false, nil
	}
	if releases.Kind != yaml.SequenceNode {
		return Product{}, false, pageError(file, releases, "releases is not a list")
	}
	for _, r := range releases.Content {
		c, err := parseRelease(file, r)
		if err != nil {
			return Product{}, false, err
		}
		p.Cycles = append(p.Cycles, c)
	}
	return p, true, nil
}

// parseRelease reads one entry of a page's releases list.
func parseRelease(file string, r *yaml.Node) (Cycle, error) {
	if r.Kind != yaml.MappingNode {
		return Cycle{}, pageError(file, r, "a release is not a mapping")
	}
	var c Cycle
	var hasCycle, hasEOL bool
	for i := 0; i+1 < len(r.Content); i += 2 {
		k, v := r.Content[i].Value, r.Content[i+1]
		switch k {
		case "releaseCycle":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return Cycle{}, pageError(file, v, "releaseCycle is not a name")
			}
			c.Name, hasCycle = v.Value, true
		case "releaseDate":
			if v.Kind != yaml.ScalarNode || !validDate(v.Value) {
				return Cycle{}, pageError(file, v, "releaseDate %q is not a date (YYYY-MM-DD)", v.Value)
			}
			c.Release = v.Value
		case "eol":
			e, err := parseEnd(file, k, v)
			if err != nil {
				return Cycle{}, err
			}
			c.EOL, hasEOL = e, true
		case "eoes", "extendedSupport":
			e, err := parseEnd(file, k, v)
			if err != nil {
				return Cycle{}, err
			}
			c.EOES = &e
		}
	}
	if !hasCycle {
		return Cycle{}, pageError(file, r, "a release has no releaseCycle")
	}
	if !hasEOL {
		return Cycle{}, pageError(file, r, "release %q has no eol", c.Name)
	}
	return c, nil
}

// parseEnd reads an end of support: a date or a boolean.
func parseEnd(file, key string, v *yaml.Node) (End, error) {
	if v.Kind == yaml.ScalarNode {
		switch {
		case v.Tag == "!!bool" && (v.Value == "true" || v.Value == "false"):
			return End{Ended: v.Value == "true"}, nil
		case validDate(v.Value):
			return End{Date: v.Value}, nil
		}
	}
	return End{}, pageError(file, v, "%s %q is neither a date (YYYY-MM-DD) nor true/false", key, v.Value)
}
