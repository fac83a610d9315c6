package censys

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// maxMessage caps the engine's message quoted in an error.
const maxMessage = 300

// apiBody is the union of the error bodies both APIs send:
// v3 401 {"error":{"code","status","message","reason"}},
// v3 4xx/5xx problem+json {"title","status","detail","errors":[...]},
// v2 {"code","status","error","error_type"}.
type apiBody struct {
	Error  json.RawMessage `json:"error"`
	Title  string          `json:"title"`
	Detail string          `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
		Value    any    `json:"value"`
	} `json:"errors"`
	ErrorType string `json:"error_type"`
	Message   string `json:"message"`
}

type v3AuthError struct {
	Code    int    `json:"code"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
}

// message extracts the engine's own words from an error body, "" if none.
func (b *apiBody) message() string {
	var parts []string
	if len(b.Error) > 0 {
		var s string
		var obj v3AuthError
		switch {
		case json.Unmarshal(b.Error, &s) == nil:
			parts = append(parts, s)
		case json.Unmarshal(b.Error, &obj) == nil:
			if obj.Reason != "" {
				parts = append(parts, obj.Reason)
			}
			if obj.Message != "" {
				parts = append(parts, obj.Message)
			}
		}
	}
	if b.Detail != "" {
		parts = append(parts, b.Detail)
	} else if b.Title != "" {
		parts = append(parts, b.Title)
	}
	if b.Message != "" {
		parts = append(parts, b.Message)
	}
	for _, e := range b.Errors {
		m := e.Message
		if e.Location != "" {
			m = e.Location + ": " + m
		}
		parts = append(parts, m)
	}
	return strings.Join(parts, "; ")
}

// classify turns a non-2xx answer (or a 2xx answer carrying an error) into
// a *source.HTTPError with a message that says what to do. api is "v3" or
// "v2"; secrets are redacted from whatever the engine echoed.
func classify(api, op string, resp *http.Response, body []byte, now time.Time, secrets []source.Secret) *source.HTTPError {
	status := resp.StatusCode
	var b apiBody
	_ = json.Unmarshal(body, &b) // a body that is not JSON leaves b empty
	msg := clean(b.message(), secrets)
	lower := strings.ToLower(msg)
	sentinel := source.StatusErr(status)
	if sentinel == nil { // 2xx with an error body, or an odd status
		sentinel = source.ErrTransient
		if status < 300 {
			sentinel = source.ErrBadQuery
		}
	}
	switch {
	case strings.Contains(lower, "quota") || strings.Contains(lower, "credit"):
		// v2 sends quota exhaustion as 429; v3 sends 402 or 403 naming
		// credits. Retrying cannot help.
		if status == http.StatusTooManyRequests && !strings.Contains(lower, "quota") {
			break
		}
		sentinel = source.ErrQuota
	case status < 300 && strings.Contains(lower, "rate limit"):
		sentinel = source.ErrRateLimited
	}
	he := &source.HTTPError{Engine: model.Censys, Op: op, Status: status, Err: sentinel,
		RetryAfter: source.ParseRetryAfter(resp.Header.Get("Retry-After"), now)}
	he.Message = withHint(api, sentinel, msg)
	return he
}

// withHint appends what the user should do to the engine's message.
func withHint(api string, sentinel error, msg string) string {
	hint := ""
	switch sentinel {
	case source.ErrUnauthorized:
		if api == "v2" {
			hint = "check the API ID and secret (legacy Search API credentials)"
		} else {
			hint = "check the personal access token: it may be mistyped, revoked or expired; create one on the Censys Platform's Personal Access Tokens page, by a user of the organization whose ID is used"
		}
	case source.ErrForbidden:
		if api == "v2" {
			hint = "the legacy account may not use this endpoint (free accounts lose API access after 60 days); use the Platform API (v3)"
		} else {
			hint = "check the organization ID (the token's user must belong to that organization and hold the \"API Access\" role) and that the plan includes search (Free users can only look up single hosts)"
		}
	case source.ErrQuota:
		hint = "credits or quota exhausted; what was fetched is kept: add credits or wait for the quota to reset"
	case source.ErrBadQuery:
		hint = "fix the query (CenQL for v3, the legacy language for v2)"
	}
	switch {
	case msg == "":
		return hint
	case hint == "":
		return quote(msg)
	}
	return quote(msg) + ": " + hint
}

// clean makes an engine's message safe to print: secrets removed, control
// and bidi characters dropped, invalid UTF-8 replaced, length capped.
func clean(s string, secrets []source.Secret) string {
	s = source.Redact(s, secrets...)
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > maxMessage {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func quote(s string) string { return `"` + s + `"` }
