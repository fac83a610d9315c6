package source_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/sourcetest"
)

const secretCanary = "CANARYsecretXYZ0123"

// TestSecretPrints prints a Secret every way fmt, encoding/json, encoding
// (text) and slog can, alone and inside structs (exported and unexported
// fields, pointers, maps, slices), and checks that the value never shows
// and the redaction does.
func TestSecretPrints(t *testing.T) {
	s := source.NewSecret(secretCanary)
	type holder struct {
		Key    source.Secret
		hidden source.Secret
		Ptr    *source.Secret
	}
	h := holder{Key: s, hidden: s, Ptr: &s}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10s", "%-10s|", "%.3s", "%+q", "%#q", "% x", "%08v", "%p"}
	values := map[string]any{"value": s, "pointer": &s, "struct": h, "struct pointer": &h,
		"map": map[string]source.Secret{"k": s}, "slice": []source.Secret{s}, "any slice": []any{s}}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, secretCanary) {
				t.Errorf("Sprintf(%q, %s) = %q holds the secret", verb, name, out)
			}
		}
		for _, out := range []string{fmt.Sprint(v), fmt.Sprintln(v)} {
			if strings.Contains(out, secretCanary) {
				t.Errorf("Sprint(%s) = %q holds the secret", name, out)
			}
		}
	}
	if got := fmt.Sprintf("%v|%s|%q|%#v|%6v|%-9s|", s, s, s, s, s, s); got != `REDACTED|REDACTED|"REDACTED"|"REDACTED"|REDACTED|REDACTED |` {
		t.Errorf("redactions = %s", got)
	}
	if s.String() != source.Redacted || s.GoString() != `"REDACTED"` {
		t.Errorf("String %q, GoString %q", s.String(), s.GoString())
	}
	js, err := json.Marshal(h)
	if err != nil || strings.Contains(string(js), secretCanary) || !strings.Contains(string(js), `"Key":"REDACTED"`) {
		t.Errorf("JSON = %s, %v", js, err)
	}
	js, err = json.Marshal(map[source.Secret]int{s: 1}) // MarshalText for keys
	if err != nil || strings.Contains(string(js), secretCanary) {
		t.Errorf("JSON map key = %s, %v", js, err)
	}
	var logs bytes.Buffer
	for _, hd := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(hd).Info("request", "key", s, "holder", h, slog.Any("ptr", &s))
	}
	if strings.Contains(logs.String(), secretCanary) || !strings.Contains(logs.String(), "key=REDACTED") {
		t.Errorf("slog output:\n%s", logs.String())
	}
	if s.Reveal() != secretCanary || s.Empty() {
		t.Errorf("Reveal = %q, Empty %v", s.Reveal(), s.Empty())
	}
	var zero source.Secret
	if !zero.Empty() || zero.Reveal() != "" || fmt.Sprint(zero) != "" || !source.NewSecret("").Empty() {
		t.Errorf("the zero Secret is not empty: %q", fmt.Sprint(zero))
	}
}

// secretError is an error whose own message and wrapped error both quote
// the secret (a careless wrapper).
type secretError struct{ err error }

func (e *secretError) Error() string { return "token " + secretCanary + " refused: " + e.err.Error() }
func (e *secretError) Unwrap() error { return e.err }

// TestRedactErrorChain builds errors that carry the secret at several
// depths (a real transport failure from net/http with the key in the URL,
// wrappers with %w, errors.Join, a custom type) and checks that after
// RedactError no error reachable with errors.Unwrap holds the secret or
// its escaped forms, that errors.As still finds a *url.Error (with a
// redacted URL) and the cause, and that a clean error comes back as is.
func TestRedactErrorChain(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused
	sec := source.NewSecret(secretCanary)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+addr+"/api-info?key="+url.QueryEscape(secretCanary), nil)
	_, transport := http.DefaultClient.Do(req)
	if transport == nil || !strings.Contains(transport.Error(), secretCanary) {
		t.Fatalf("the transport error does not quote the key, nothing to test: %v", transport)
	}
	sentinel := errors.New("sentinel")
	cases := map[string]error{
		"transport":        transport,
		"wrapped":          fmt.Errorf("shodan: api-info: %w", transport),
		"wrapped twice":    fmt.Errorf("outer: %w", fmt.Errorf("inner %s: %w", secretCanary, transport)),
		"joined":           errors.Join(sentinel, fmt.Errorf("x: %w", transport)),
		"custom":           &secretError{err: fmt.Errorf("cause %s: %w", secretCanary, sentinel)},
		"multi %w":         fmt.Errorf("a %w b %w", sentinel, &secretError{err: syscall.ECONNRESET}),
		"url error, token": &url.Error{Op: "Post", URL: "https://h/p", Err: fmt.Errorf("bearer %s: %w", secretCanary, syscall.ECONNRESET)},
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			red := source.RedactError(err, sec)
			for i, e := range sourcetest.Chain(red) {
				msg := e.Error()
				if strings.Contains(msg, secretCanary) || strings.Contains(msg, url.QueryEscape(secretCanary)) {
					t.Errorf("error %d of the chain (%T) holds the secret: %s", i, e, msg)
				}
				if s := fmt.Sprintf("%#v %+v", e, e); strings.Contains(s, secretCanary) {
					t.Errorf("error %d of the chain (%T) prints the secret with %%#v: %s", i, e, s)
				}
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				var rue *url.Error
				if !errors.As(red, &rue) || strings.Contains(rue.URL, secretCanary) || strings.Contains(rue.Error(), secretCanary) {
					t.Errorf("errors.As *url.Error: %v", rue)
				}
			}
			for _, cause := range []error{sentinel, syscall.ECONNREFUSED, syscall.ECONNRESET} {
				if errors.Is(err, cause) != errors.Is(red, cause) {
					t.Errorf("errors.Is(%v) changed: before %v, after %v", cause, errors.Is(err, cause), errors.Is(red, cause))
				}
			}
		})
	}
	clean := fmt.Errorf("nothing secret: %w", sentinel)
	if got := source.RedactError(clean, sec); got != clean {
		t.Errorf("a clean error was rebuilt: %#v", got)
	}
	if source.RedactError(nil, sec) != nil {
		t.Error("RedactError(nil) is not nil")
	}
}
