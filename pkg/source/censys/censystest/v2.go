package censystest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// The legacy v2 contract: ../shared/docs/censys-api.md §2. Error bodies
// are the ones censys-python's tests and public issue threads show.
var (
	v2Unauthorized   = []byte(`{"error": "Unauthorized. You must authenticate with a valid API ID and secret.", "status": "error", "error_type": "unauthorized"}`)
	v2RateLimited    = []byte(`{"error": "Rate limit exceeded. See https://search.censys.io/account for rate limit details.", "status": "error", "error_type": "rate_limit_exceeded"}`)
	v2QuotaExhausted = []byte(`{"code": 429, "status": "Too Many Requests", "error": "You have used your full quota for this billing period. Please see https://search.censys.io/account or contact support@censys.io."}`)
	v2Error500       = []byte(`{"code": 500, "status": "Internal Server Error", "error": "An unexpected error occurred. Please try again later."}`)
)

func (s *Server) v2Auth(w http.ResponseWriter, r *http.Request, c *call) bool {
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.cfg.APIID || secret != s.cfg.Secret {
		writeJSON(w, http.StatusUnauthorized, "application/json", v2Unauthorized)
		return false
	}
	c.req.Auth = true
	return true
}

func v2Fail(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]any{"code": status, "status": http.StatusText(status), "error": msg})
	writeJSON(w, status, "application/json", b)
}

func (s *Server) v2Search(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	query := q.Get("q")
	c.req.Query = query
	if msg := s.validate(query); msg != "" {
		v2Fail(w, http.StatusUnprocessableEntity, "Invalid search. Your query could not be parsed: "+msg)
		return
	}
	size := 50
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPageSize {
			v2Fail(w, http.StatusBadRequest, "per_page must be between 0 and 100")
			return
		}
		size = n
	}
	offset, ok := parseToken("v2", query, q.Get("cursor"))
	if !ok || c.fault == InvalidPageToken {
		v2Fail(w, http.StatusBadRequest, "Invalid cursor.")
		return
	}
	if !s.charge(w, c, "v2", s.cfg.CreditsPerPage) {
		return
	}
	docs := s.matching(s.v2Docs(), query, true)
	end := min(offset+size, len(docs))
	if offset > len(docs) {
		offset = len(docs)
	}
	page := 1
	if size > 0 {
		page = offset/size + 1
	}
	var links string
	switch {
	case offset == 0 && end >= len(docs):
		links = `{}` // what the real API sent for a one-page answer
	default:
		next, prev := "", ""
		if end < len(docs) && page < s.cfg.PageCap {
			next = makeToken("v2", query, end)
		}
		if offset > 0 {
			prev = makeToken("v2", query, max(0, offset-size))
		}
		links = fmt.Sprintf(`{"prev":%q,"next":%q}`, prev, next)
	}
	var b bytes.Buffer
	qj, _ := json.Marshal(query)
	fmt.Fprintf(&b, `{"code":200,"status":"OK","result":{"query":%s,"total":%d,"duration":12,"hits":[`, qj, len(docs))
	for i := range docs[offset:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(s.v2Raw(&docs[offset+i]))
	}
	fmt.Fprintf(&b, `],"links":%s}}`, links)
	c.req.Page = page
	s.mu.Lock()
	s.stats.Pages++
	s.mu.Unlock()
	s.write(w, c, "application/json", b.Bytes())
}

func (s *Server) v2Aggregate(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	query, field := q.Get("q"), q.Get("field")
	c.req.Query = query
	if msg := s.validate(query); msg != "" {
		v2Fail(w, http.StatusUnprocessableEntity, "Invalid search. Your query could not be parsed: "+msg)
		return
	}
	if field == "" {
		v2Fail(w, http.StatusBadRequest, "field is required")
		return
	}
	n := 50
	if v := q.Get("num_buckets"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			v2Fail(w, http.StatusBadRequest, "num_buckets must be at least 1")
			return
		}
	}
	if !s.charge(w, c, "v2", s.cfg.AggregateCredits) {
		return
	}
	docs := s.matching(s.v2Docs(), query, true)
	shown, other, _ := cut(buckets(docs, field), n)
	b, _ := json.Marshal(map[string]any{"code": 200, "status": "OK", "result": map[string]any{
		"query": query, "field": field, "total": len(docs), "total_omitted": other,
		"potential_deviation": 0, "buckets": shown, "duration": 4,
	}})
	s.write(w, c, "application/json", b)
}

func (s *Server) v2Host(w http.ResponseWriter, r *http.Request, c *call) {
	ip := r.PathValue("ip")
	for _, d := range s.v2Docs() {
		if d.ip == ip {
			if !s.charge(w, c, "v2", 1) {
				return
			}
			var b bytes.Buffer
			b.WriteString(`{"code":200,"status":"OK","result":`)
			b.Write(s.v2Raw(&d))
			b.WriteString(`}`)
			s.write(w, c, "application/json", b.Bytes())
			return
		}
	}
	v2Fail(w, http.StatusNotFound, "Host "+strconv.Quote(ip)+" not found.")
}
