package censystest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The v3 contract: ../shared/docs/censys-api.md §1.

const maxPageSize = 100

var v3Unauthorized = []byte(`{"error":{"code":401,"status":"Unauthenticated","message":"The personal access token is missing, invalid or expired.","reason":"INVALID_TOKEN","request":"00000000-0000-4000-8000-000000000000"}}`)

func (s *Server) v3Auth(w http.ResponseWriter, r *http.Request, c *call) bool {
	if r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
		writeJSON(w, http.StatusUnauthorized, "application/json", v3Unauthorized)
		return false
	}
	if s.cfg.OrgID != "" && c.req.Endpoint != "credits" && c.req.Org != s.cfg.OrgID {
		detail := "You are not a member of organization " + strconv.Quote(c.req.Org) + "."
		if c.req.Org == "" {
			detail = "Search is not available to free users: pass organization_id of an organization with API access."
		}
		problem(w, http.StatusForbidden, "Forbidden", detail, nil)
		return false
	}
	c.req.Auth = true
	return true
}

type v3SearchBody struct {
	Query     string   `json:"query"`
	Fields    []string `json:"fields"`
	PageSize  int      `json:"page_size"`
	PageToken string   `json:"page_token"`
}

func (s *Server) v3Search(w http.ResponseWriter, r *http.Request, c *call) {
	var in v3SearchBody
	if !readBody(w, r, &in) {
		return
	}
	c.req.Query = in.Query
	if msg := s.validate(in.Query); msg != "" {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "validation failed",
			[]map[string]string{{"location": "body.query", "message": msg, "value": in.Query}})
		return
	}
	size := in.PageSize
	if size <= 0 || size > maxPageSize {
		size = maxPageSize // the API clamps
	}
	offset, ok := parseToken("v3", in.Query, in.PageToken)
	if !ok || c.fault == InvalidPageToken {
		problem(w, http.StatusBadRequest, "Bad Request", "invalid page_token", nil)
		return
	}
	if !s.charge(w, c, "v3", s.cfg.CreditsPerPage) {
		return
	}
	hits := s.v3Hits(s.matching(s.hosts, in.Query, false), in.Query)
	page := offset/size + 1
	end := min(offset+size, len(hits))
	if offset > len(hits) {
		offset, end = len(hits), len(hits)
	}
	next := ""
	if end < len(hits) && page < s.cfg.PageCap {
		next = makeToken("v3", in.Query, end)
	}
	prev := ""
	if offset > 0 {
		prev = makeToken("v3", in.Query, max(0, offset-size))
	}
	var b bytes.Buffer
	b.WriteString(`{"result":{"hits":[`)
	for i, h := range hits[offset:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		if h.web != nil {
			b.Write(wrapHit("webproperty_v1", h.web))
		} else {
			b.Write(s.hitBytes(h.host))
		}
	}
	fmt.Fprintf(&b, `],"next_page_token":%q,"previous_page_token":%q,"query_duration_millis":7,"total_hits":%d}}`, next, prev, len(hits))
	c.req.Page = page
	s.mu.Lock()
	s.stats.Pages++
	s.mu.Unlock()
	s.write(w, c, "application/json", b.Bytes())
}

// hitRef is one hit of a result list: a host or a web property.
type hitRef struct {
	host *doc
	web  []byte
}

// v3Hits lists the hosts as host_v1 hits with the web properties mixed
// in (unless the query's split or scope filters require a host field,
// which web properties lack); a page renders only its own (hitBytes).
func (s *Server) v3Hits(docs []doc, query string) []hitRef {
	webs := s.websFor(query)
	out := make([]hitRef, 0, len(docs)+len(webs))
	every := 0
	if len(webs) > 0 {
		every = len(docs)/(len(webs)+1) + 1
	}
	w := 0
	for i := range docs {
		if every > 0 && w < len(webs) && i > 0 && i%every == 0 {
			out = append(out, hitRef{web: webs[w]})
			w++
		}
		out = append(out, hitRef{host: &docs[i]})
	}
	for ; w < len(webs); w++ {
		out = append(out, hitRef{web: webs[w]})
	}
	return out
}

// websFor returns the web properties a query returns.
func (s *Server) websFor(query string) [][]byte {
	if _, fs := splitFilters(query, false); fs.admitWeb() {
		return s.webs
	}
	return nil
}

func wrapHit(kind string, resource []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + kind + `":{"resource":`)
	b.Write(resource)
	b.WriteString(`,"extensions":{}}}`)
	return b.Bytes()
}

type v3AggBody struct {
	Query           string `json:"query"`
	Field           string `json:"field"`
	NumberOfBuckets int    `json:"number_of_buckets"`
}

func (s *Server) v3Aggregate(w http.ResponseWriter, r *http.Request, c *call) {
	var in v3AggBody
	if !readBody(w, r, &in) {
		return
	}
	c.req.Query = in.Query
	if msg := s.validate(in.Query); msg != "" {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "validation failed",
			[]map[string]string{{"location": "body.query", "message": msg, "value": in.Query}})
		return
	}
	if in.NumberOfBuckets < 1 || in.NumberOfBuckets > 2000 {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "validation failed",
			[]map[string]string{{"location": "body.number_of_buckets", "message": "expected number between 1 and 2000", "value": strconv.Itoa(in.NumberOfBuckets)}})
		return
	}
	if !strings.HasPrefix(in.Field, "host.") {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "validation failed",
			[]map[string]string{{"location": "body.field", "message": "Field not found", "value": in.Field}})
		return
	}
	if !s.charge(w, c, "v3", s.cfg.AggregateCredits) {
		return
	}
	docs := s.matching(s.hosts, in.Query, false)
	all := buckets(docs, strings.TrimPrefix(in.Field, "host."))
	shown, other, sum := cut(all, in.NumberOfBuckets)
	// total_count counts every hit of the query, as a search's total_hits
	// does: the web properties too (which have no host field to bucket).
	total := len(docs) + len(s.websFor(in.Query))
	b, _ := json.Marshal(map[string]any{"result": map[string]any{
		"buckets":                 shown,
		"total_count":             total,
		"other_count":             other,
		"is_more_than_total_hits": sum > total,
		"query_duration_millis":   3,
	}})
	s.write(w, c, "application/json", b)
}

// cut keeps the first n buckets and returns the count of the rest and the
// sum of all counts.
func cut(all []bucket, n int) (shown []bucket, other, sum int) {
	shown = []bucket{}
	for i, b := range all {
		sum += b.Count
		if i < n {
			shown = append(shown, b)
		} else {
			other += b.Count
		}
	}
	return shown, other, sum
}

func (s *Server) v3Host(w http.ResponseWriter, r *http.Request, c *call) {
	ip := r.PathValue("ip")
	for _, d := range s.hosts {
		if d.ip == ip {
			if !s.charge(w, c, "v3", 1) {
				return
			}
			var b bytes.Buffer
			b.WriteString(`{"result":{"resource":`)
			b.Write(s.resource(&d))
			b.WriteString(`,"extensions":{}}}`)
			s.write(w, c, "application/vnd.censys.api.v3.host.v1+json", b.Bytes())
			return
		}
	}
	problem(w, http.StatusNotFound, "Not Found", "host "+strconv.Quote(ip)+" not found", nil)
}

// v3Credits answers the balance endpoints (free of charge): the budget
// left, or 1,000,000 when the budget is unlimited. The organization in the
// path must be Config.OrgID.
func (s *Server) v3Credits(w http.ResponseWriter, r *http.Request, c *call) {
	if org := r.PathValue("org"); org != "" && org != s.cfg.OrgID {
		problem(w, http.StatusForbidden, "Forbidden", "You are not a member of organization "+strconv.Quote(org)+".", nil)
		return
	}
	s.mu.Lock()
	left := 1_000_000
	if s.cfg.Credits > 0 {
		left = s.cfg.Credits - s.stats.Credits
	}
	s.mu.Unlock()
	if r.PathValue("org") == "" {
		s.write(w, c, "application/json", []byte(fmt.Sprintf(`{"result":{"balance":%d,"resets_at":"2026-12-01T00:00:00Z"}}`, left)))
		return
	}
	s.write(w, c, "application/json", []byte(fmt.Sprintf(`{"result":{"uid":%q,"balance":%d,"auto_replenish_config":{"enabled":false},"credit_expirations":[]}}`, s.cfg.OrgID, left)))
}

// readBody decodes a JSON request body (at most 1 MiB); on failure it
// answers 400 and returns false.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		problem(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "expected Content-Type application/json, got "+strconv.Quote(ct), nil)
		return false
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", "request body is not valid JSON", nil)
		return false
	}
	return true
}

// makeToken returns an opaque cursor bound to the query.
func makeToken(api, query string, offset int) string {
	h := fnv.New64a()
	h.Write([]byte(query))
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s|%x|%d", api, h.Sum64(), offset)))
}

// parseToken returns the offset of a cursor; "" is offset 0. A cursor made
// for another query or API is refused.
func parseToken(api, query, tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return 0, false
	}
	off, err := strconv.Atoi(parts[2])
	if err != nil || off < 0 || makeToken(api, query, off) != tok {
		return 0, false
	}
	return off, true
}
