package eoltest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/orchex/orchex/pkg/eol"
)

// Answer writes p as the API answers for it, generated on day generated
// (YYYY-MM-DD; the isEol and isEoes flags are computed on that day, as
// the API computes them when it generates its files).
func Answer(p eol.Product, generated string) []byte {
	type latest struct {
		Name string `json:"name"`
		Date string `json:"date"`
		Link string `json:"link"`
	}
	releases := []map[string]any{}
	for _, c := range p.Cycles {
		r := map[string]any{
			"name": c.Name, "codename": nil, "label": c.Name, "releaseDate": nullable(c.Release),
			"isLts": false, "ltsFrom": nil,
			"isEol": c.EOL.ReachedBy(generated), "eolFrom": nullable(c.EOL.Date),
			"isMaintained": !c.EOL.ReachedBy(generated),
			"latest":       latest{c.Name + ".0", c.Release, "https://example.org/" + c.Name},
			"custom":       nil,
		}
		if c.EOES != nil {
			r["isEoes"], r["eoesFrom"] = c.EOES.ReachedBy(generated), nullable(c.EOES.Date)
		}
		releases = append(releases, r)
	}
	env := map[string]any{
		"schema_version": "1.2.0",
		"last_modified":  "2026-07-09T10:01:22+00:00",
		"result": map[string]any{
			"name": p.ID, "aliases": []string{}, "label": p.Title, "category": "server-app",
			"links":    map[string]any{"html": "https://endoflife.date/" + p.ID},
			"releases": releases,
		},
	}
	if generated != "" {
		env["generated_at"] = generated + "T04:12:55+00:00"
	}
	b, _ := json.Marshal(env)
	return b
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Server is the fake API. Set Body and Status before the first request.
type Server struct {
	*httptest.Server
	// Body overrides the answer for a product id.
	Body map[string][]byte
	// Status makes a product answer this HTTP status, with an HTML page.
	Status map[string]int

	data      *eol.Data
	generated string
	mu        sync.Mutex
	paths     []string
	agents    []string
}

// NewServer starts a fake API serving the products of d, generated on day
// generated ("" leaves generated_at out). Close it when done.
func NewServer(d *eol.Data, generated string) *Server {
	s := &Server{Body: map[string][]byte{}, Status: map[string]int{}, data: d, generated: generated}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// API returns the base URL to give eol.UpdateOptions.BaseURL.
func (s *Server) API() string { return s.URL + "/api/v1" }

// Paths returns the paths requested so far, in order.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

// UserAgents returns the User-Agent of each request so far.
func (s *Server) UserAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.agents...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	s.agents = append(s.agents, r.UserAgent())
	s.mu.Unlock()
	id, ok := strings.CutPrefix(r.URL.Path, "/api/v1/products/")
	id, slash := strings.CutSuffix(id, "/")
	if !ok || !slash || strings.Contains(id, "/") || r.Method != http.MethodGet {
		notFound(w)
		return
	}
	if st := s.Status[id]; st != 0 {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(st)
		w.Write([]byte("<html><body>error</body></html>"))
		return
	}
	if b, ok := s.Body[id]; ok {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
		return
	}
	p, ok := s.data.Product(id)
	if !ok {
		notFound(w) // the real API's 404 is an HTML page
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(Answer(*p, s.generated))
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte("<html><body>404</body></html>"))
}
