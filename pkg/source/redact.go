package source

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// Redacted replaces secrets in redacted text.
const Redacted = "REDACTED"

// Redact returns s with every non-empty secret, and its URL-escaped forms,
// replaced by [Redacted]. Secrets shorter than 4 bytes are still replaced;
// the caller decides what is secret.
func Redact(s string, secrets ...Secret) string { return redact(s, values(secrets)) }

func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		for _, form := range forms(sec) {
			if form != "" && strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, Redacted)
			}
		}
	}
	return s
}

// forms lists the ways a secret can be written in a URL, a header or a
// JSON answer that echoes it: as is, URL-escaped, and JSON-escaped
// (encoding/json's escapes of <, >, &, and "\/" for "/").
func forms(sec string) []string {
	js, _ := json.Marshal(sec) // a string always marshals
	esc := string(js[1 : len(js)-1])
	out := []string{sec, url.QueryEscape(sec), url.PathEscape(sec), esc}
	if strings.Contains(sec, "/") {
		out = append(out, strings.ReplaceAll(sec, "/", `\/`), strings.ReplaceAll(esc, "/", `\/`))
	}
	return out
}

// RedactBytes returns b with every non-empty secret, in every form Redact
// knows, replaced by [Redacted]. It returns b itself when b holds none,
// so a clean body costs no copy. [Do] applies it to every response body:
// a key that an answer echoes reaches neither an error, a log nor a
// stored raw page.
func RedactBytes(b []byte, secrets ...Secret) []byte {
	for _, sec := range values(secrets) {
		for _, form := range forms(sec) {
			if form != "" && bytes.Contains(b, []byte(form)) {
				b = bytes.ReplaceAll(b, []byte(form), []byte(Redacted))
			}
		}
	}
	return b
}

// secretParams are URL query parameters whose values RedactURL always
// hides, whatever the secrets passed.
var secretParams = [...]string{"key", "api_key", "apikey", "token", "access_token", "secret"}

// RedactURL returns raw with the values of credential query parameters
// (key, token, ...), the userinfo password and every secret replaced.
func RedactURL(raw string, secrets ...Secret) string { return redactURL(raw, values(secrets)) }

func redactURL(raw string, secrets []string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redact(raw, secrets)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	changed := false
	for _, p := range secretParams {
		if q.Has(p) {
			q.Set(p, Redacted)
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return redact(u.String(), secrets)
}

// RedactError returns err with the secrets, and the credentials of every
// URL it quotes, removed from its message and from every error it wraps:
// no error reachable with errors.Unwrap (single or multiple) holds the
// original text. Parts of the chain that hold no secret are kept as they
// are, so errors.Is and errors.As still see the causes (timeouts,
// connection resets, sentinels). A *url.Error (which net/http fills with
// the whole request URL, query string included) is replaced by a copy
// with its URL redacted, so errors.As still finds a *url.Error.
func RedactError(err error, secrets ...Secret) error {
	if err == nil {
		return nil
	}
	return scrub(err, values(secrets))
}

// scrub returns err itself when nothing in its tree holds a secret, else
// a copy of the tree in which every error that did is rebuilt.
func scrub(err error, secrets []string) error {
	if err == nil || clean(err, secrets) {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: redactURL(ue.URL, secrets), Err: scrub(ue.Err, secrets)}
	}
	msg := err.Error()
	for _, ue := range urlErrors(err) {
		msg = strings.ReplaceAll(msg, ue.URL, redactURL(ue.URL, secrets))
	}
	out := &redactedError{msg: redact(msg, secrets)}
	for _, c := range unwrap(err) {
		if c = scrub(c, secrets); c != nil {
			out.causes = append(out.causes, c)
		}
	}
	return out
}

// clean reports whether no error in err's tree holds a secret or quotes
// a URL whose credentials RedactURL would hide.
func clean(err error, secrets []string) bool {
	if ue, ok := err.(*url.Error); ok && redactURL(ue.URL, secrets) != ue.URL {
		return false
	}
	if msg := err.Error(); redact(msg, secrets) != msg {
		return false
	}
	for _, c := range unwrap(err) {
		if c != nil && !clean(c, secrets) {
			return false
		}
	}
	return true
}

// urlErrors lists the *url.Errors in err's tree.
func urlErrors(err error) []*url.Error {
	var out []*url.Error
	if ue, ok := err.(*url.Error); ok {
		out = append(out, ue)
	}
	for _, c := range unwrap(err) {
		if c != nil {
			out = append(out, urlErrors(c)...)
		}
	}
	return out
}

// unwrap returns the errors err wraps directly.
func unwrap(err error) []error {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			return []error{c}
		}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}

// redactedError carries a redacted message and the redacted causes, so
// that errors.Is and errors.As still see them. Its message is the only
// text it prints.
type redactedError struct {
	msg    string
	causes []error
}

func (e *redactedError) Error() string   { return e.msg }
func (e *redactedError) Unwrap() []error { return e.causes }
