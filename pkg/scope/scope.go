package scope

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/orchex/orchex/pkg/source"
)

// MaxFileSize caps a scopes file. A national CERT's file of a few hundred
// constituents and tens of thousands of networks is a few MB.
const MaxFileSize = 64 << 20

// Scope is one named scope of a scopes file, its values normalized: CIDRs
// masked and IPv4-mapped networks made IPv4, orgs trimmed, domains in
// lower-case IDNA ASCII form without a trailing dot, countries upper-case.
// Lists keep the file's order without duplicates.
type Scope struct {
	Name      string
	CIDRs     []netip.Prefix
	ASNs      []uint32
	Orgs      []string
	Domains   []string
	Countries []string
	Contacts  []string
	Notes     string
	// Webhook is where orchex brief posts the scope's new and newly open
	// services (an https URL, or http on a loopback address for tests).
	// It usually holds a token, so it is a Secret: printing a Scope never
	// shows it, and WebhookHost gives what may be printed.
	Webhook source.Secret
	Line    int // line of the scope in the file
}

// Selectors returns the number of selector values of s (contacts and notes
// are not selectors).
func (s *Scope) Selectors() int {
	return len(s.CIDRs) + len(s.ASNs) + len(s.Orgs) + len(s.Domains) + len(s.Countries)
}

// Narrowing returns s's selectors as a collection narrowing, for the
// engine adapters' Narrow functions.
func (s *Scope) Narrowing() source.Narrowing {
	return source.Narrowing{
		CIDRs:     append([]netip.Prefix(nil), s.CIDRs...),
		ASNs:      append([]uint32(nil), s.ASNs...),
		Orgs:      append([]string(nil), s.Orgs...),
		Domains:   append([]string(nil), s.Domains...),
		Countries: append([]string(nil), s.Countries...),
	}
}

// Problem is one problem in a scopes file, at a line (0 when it has none).
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Invalid is the error of a scopes file that cannot be used: every
// problem found, in line order.
type Invalid struct {
	File     string
	Problems []*Problem
}

func (e *Invalid) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scopes file %s: %d problem(s):", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.As on a single *Problem.
func (e *Invalid) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// Load reads and validates the scopes file at path and indexes it for
// matching. A file with problems gives an [*Invalid] listing all of them;
// a file that cannot be read gives the I/O error.
func Load(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scopes file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("scopes file %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Invalid{File: path, Problems: []*Problem{{File: path,
			Msg: fmt.Sprintf("file is larger than the %d MiB limit for a scopes file", MaxFileSize>>20)}}}
	}
	return Parse(path, data)
}

// Parse validates a scopes file's contents (file names it in problems)
// and indexes it for matching.
func Parse(file string, data []byte) (*Set, error) {
	p := &parser{file: file, idn: domains()}
	scopes := p.parse(data)
	if len(p.errs) > 0 {
		sortProblems(p.errs)
		return nil, &Invalid{File: file, Problems: p.errs}
	}
	sortProblems(p.warns)
	return newSet(file, scopes, p.warns), nil
}
