package brief

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/safejson"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/source"
)

// Message is the webhook message of one scope's briefing: the services
// new in the scope and those that became open since the earlier
// snapshot, as structured fields, and the same in a Slack-compatible
// text field (docs/brief-json.md).
type Message struct {
	// Text is a Slack mrkdwn summary: counts, then up to TextLines
	// services, one a line. Slack, Mattermost, Rocket.Chat and Teams'
	// incoming webhooks show it; other receivers read the fields below.
	Text          string        `json:"text"`
	SchemaVersion int           `json:"schema_version"`
	Scope         string        `json:"scope"`
	Snapshot      string        `json:"snapshot"`
	Since         string        `json:"since"`
	Contacts      []string      `json:"contacts"`
	Counts        MessageCounts `json:"counts"`
	New           []ServiceJSON `json:"new"`
	NowOpen       []ServiceJSON `json:"now_open"`
	// Truncated says that a list holds only its first MaxMessageServices
	// services; Counts has the totals.
	Truncated bool `json:"truncated"`
}

// MessageCounts are a message's totals.
type MessageCounts struct {
	New     int `json:"new"`
	NewOpen int `json:"new_open"`
	NowOpen int `json:"now_open"`
	Open    int `json:"open"`
}

// Limits of a message.
const (
	// MaxMessageServices caps each list of a message.
	MaxMessageServices = 500
	// TextLines caps the services named in a message's text.
	TextLines = 20
)

// Message returns the briefing's webhook message, or false when there is
// nothing to send: no earlier snapshot, or no new or newly open service.
// New services are listed open first, as the briefing lists them.
func (b *Brief) Message() (*Message, bool, error) {
	c := b.Counts
	if b.Since == "" || c.New+c.NowOpen == 0 {
		return nil, false, nil
	}
	m := &Message{SchemaVersion: SchemaVersion, Scope: b.Scope.Name, Snapshot: b.Snapshot, Since: b.Since,
		Contacts: append([]string{}, b.Scope.Contacts...), New: []ServiceJSON{}, NowOpen: []ServiceJSON{},
		Counts: MessageCounts{New: c.New, NewOpen: c.NewOpen, NowOpen: c.NowOpen, Open: c.Open}}
	names := b.names()
	collect := func(f Filter, dst *[]ServiceJSON) error {
		return enough(b.Each(f, func(s *Service) error {
			if len(*dst) == MaxMessageServices {
				m.Truncated = true
				return errEnough
			}
			*dst = append(*dst, NewServiceJSON(s, names))
			return nil
		}))
	}
	if err := collect(WithChange(New), &m.New); err != nil {
		return nil, false, err
	}
	if err := collect(NowOpen, &m.NowOpen); err != nil {
		return nil, false, err
	}
	m.Text = m.text()
	return m, true, nil
}

// text writes the Slack-compatible summary.
func (m *Message) text() string {
	var t strings.Builder
	fmt.Fprintf(&t, "orchex: scope *%s*, snapshot %s since %s: %s new %s (%s open), %s became open.",
		slack(m.Scope), slack(m.Snapshot), slack(m.Since), report.Num(m.Counts.New), report.Plural(m.Counts.New, "service", "services"),
		report.Num(m.Counts.NewOpen), report.Num(m.Counts.NowOpen))
	lines := 0
	line := func(s ServiceJSON, what string) {
		if lines == TextLines {
			return
		}
		lines++
		if s.Honeypot {
			what += ", honeypot host"
		}
		host := s.Address
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		fmt.Fprintf(&t, "\n• %s:%d/%s %s%s: %s (%s)", slack(host), s.Port, slack(s.Transport), slack(s.ProductName),
			prefixSpace(slack(s.Version)), slack(s.Auth), slack(what))
	}
	for _, s := range m.NowOpen {
		line(s, "became open, was "+s.AuthBefore)
	}
	for _, s := range m.New {
		line(s, "new")
	}
	if more := len(m.New) + len(m.NowOpen) - lines; more > 0 || m.Truncated {
		t.WriteString("\n… and more in the briefing.")
	}
	return t.String()
}

func prefixSpace(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

// slack makes engine text safe in Slack mrkdwn: control and bidi
// characters dropped (report.CleanText, 200 runes), &, < and > escaped
// as Slack requires (so that no <!channel>, <@user> or link can be
// made), and the formatting characters * _ ~ ` turned into look-alikes
// that do not format.
func slack(s string) string {
	s = report.CleanText(s, 200)
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
		"*", "\u2217", "_", "\u02cd", "~", "\u223c", "`", "\u02cb").Replace(s)
}

// JSON returns the message as sent: UTF-8 JSON, escaped as every orchex
// JSON output (internal/safejson).
func (m *Message) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return safejson.Escape(b.Bytes()), nil
}

// Poster posts webhook messages, retrying transient failures.
type Poster struct {
	// Client sends the requests; nil uses one with a 30 s timeout that
	// follows no redirect (a redirect could carry the message, and the
	// token in its URL, elsewhere).
	Client *http.Client
	// Retry retries rate limits, 5xx answers and network failures with
	// back-off; nil uses 5 attempts from 1 s. Tests inject its Sleep.
	Retry *source.Retrier
	// UserAgent is sent with every request.
	UserAgent string
	// OnRetry, if set, is told about every retry before its wait: the
	// webhook's scheme and host, and why the attempt failed, redacted.
	OnRetry func(host string, attempt int, wait time.Duration, why string)
}

// PostError is a message that could not be delivered. It names the
// webhook by scheme and host only: a webhook's path and query usually
// hold its token.
type PostError struct {
	Host     string // scheme and host: "https://hooks.slack.com"
	Status   int    // the last HTTP status; 0 for a network failure
	Attempts int
	Msg      string // what failed, redacted
	Err      error  // the last attempt's error, redacted
}

func (e *PostError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "webhook %s", e.Host)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *PostError) Unwrap() error { return e.Err }

// ErrRejected means the webhook answered with a client error (4xx other
// than 408 and 429): retrying the same message would not help.
var ErrRejected = errors.New("the webhook rejected the message")

// Post sends m to the webhook at hook. Rate limits (429, honouring
// Retry-After), 5xx answers, 408 and network failures are retried with
// back-off; other answers are final. Errors never hold hook's path or
// query.
func (p *Poster) Post(ctx context.Context, hook source.Secret, m *Message) error {
	host := hostOf(hook.Reveal())
	body, err := m.JSON()
	if err != nil {
		return &PostError{Host: host, Err: err}
	}
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	secrets := urlParts(hook)
	base := p.Retry
	if base == nil {
		base = &source.Retrier{}
	}
	retry := &source.Retrier{Attempts: base.Attempts, Base: base.Base, Max: base.Max, Seed: base.Seed, Sleep: base.Sleep,
		OnRetry: func(n int, d time.Duration, err error) {
			if base.OnRetry != nil {
				base.OnRetry(n, d, source.RedactError(scrubURL(err), secrets...))
			}
			if p.OnRetry != nil {
				p.OnRetry(host, n, d, source.Redact(scrubURL(err).Error(), secrets...))
			}
		}}
	status := 0
	tries, err := retry.Do(ctx, func(ctx context.Context) error {
		var e error
		status, e = p.once(ctx, client, hook, body)
		return e
	})
	if err == nil {
		return nil
	}
	err = scrubURL(err)
	// Say what the receiver answered, or why it could not be reached,
	// once: not the retry and HTTP layers around it.
	msg := err.Error()
	var he *source.HTTPError
	var re *source.RetryError
	switch {
	case errors.As(err, &he) && he.Message != "":
		msg = he.Message
	case errors.As(err, &he):
		msg = he.Err.Error()
	case errors.As(err, &re):
		msg = re.Err.Error()
	}
	return &PostError{Host: host, Status: status, Attempts: tries + 1, Msg: source.Redact(msg, secrets...), Err: source.RedactError(err, secrets...)}
}

// urlParts returns the webhook URL and its path and query as secrets, so
// that an error echoing any of them (a receiver's message quoting the
// path, say) is redacted.
func urlParts(hook source.Secret) []source.Secret {
	out := []source.Secret{hook}
	if u, err := url.Parse(hook.Reveal()); err == nil {
		if len(u.EscapedPath()) > 1 {
			out = append(out, source.NewSecret(u.EscapedPath()), source.NewSecret(u.Path))
		}
		if u.RawQuery != "" {
			out = append(out, source.NewSecret(u.RawQuery))
		}
	}
	return out
}

// once makes one attempt; its error is retryable (source.Retryable) when
// another attempt may succeed.
func (p *Poster) once(ctx context.Context, client *http.Client, hook source.Secret, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.Reveal(), bytes.NewReader(body))
	if err != nil {
		return 0, errors.New("the webhook URL does not make a request")
	}
	req.Header.Set("Content-Type", "application/json")
	if p.UserAgent != "" {
		req.Header.Set("User-Agent", p.UserAgent)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("%w: %v", source.ErrTransient, scrubURL(err))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		return resp.StatusCode, nil
	}
	msg := report.CleanText(strings.TrimSpace(string(snippet)), 200)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return resp.StatusCode, &source.HTTPError{Engine: model.Engine("webhook"), Op: "POST", Status: resp.StatusCode, Message: msg,
			RetryAfter: source.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), Err: source.StatusErr(resp.StatusCode)}
	case resp.StatusCode/100 == 3:
		return resp.StatusCode, fmt.Errorf("%w: it redirects, and orchex does not follow a webhook's redirects: use the final URL", ErrRejected)
	}
	if msg != "" {
		return resp.StatusCode, fmt.Errorf("%w: %s", ErrRejected, msg)
	}
	return resp.StatusCode, ErrRejected
}

// scrubURL replaces a *url.Error (which net/http builds with the whole
// URL, token and all) by its cause.
func scrubURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timed out")
		}
		return ue.Err
	}
	return err
}

// hostOf returns the scheme and host of a webhook URL.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(webhook URL)"
	}
	return u.Scheme + "://" + u.Host
}
