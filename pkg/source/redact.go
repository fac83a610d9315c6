package source

import (
	"errors"
	"net/url"
	"strings"
)

// Redacted replaces secrets in redacted text.
const Redacted = "REDACTED"

// Redact returns s with every non-empty secret, and its URL-escaped forms,
// replaced by [Redacted]. Secrets shorter than 4 bytes are still replaced;
// the caller decides what is secret.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			if form != "" && strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, Redacted)
			}
		}
	}
	return s
}

// secretParams are URL query parameters whose values RedactURL always
// hides, whatever the secrets passed.
var secretParams = [...]string{"key", "api_key", "apikey", "token", "access_token", "secret"}

// RedactURL returns raw with the values of credential query parameters
// (key, token, ...), the userinfo password and every secret replaced.
func RedactURL(raw string, secrets ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Redact(raw, secrets...)
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
	return Redact(u.String(), secrets...)
}

// RedactError returns err with secrets removed from its message. A
// *url.Error (which net/http fills with the whole request URL, query
// string included) gets its URL redacted with [RedactURL]; errors.Is and
// errors.As still see the cause (timeouts, connection resets). Other
// errors whose message holds a secret are replaced by an error with the
// redacted message that unwraps to the original.
func RedactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		clean := &url.Error{Op: ue.Op, URL: RedactURL(ue.URL, secrets...), Err: redactMsg(ue.Err, secrets)}
		if err == error(ue) {
			return clean
		}
		return &redactedError{msg: Redact(strings.ReplaceAll(err.Error(), ue.URL, clean.URL), secrets...), err: clean}
	}
	return redactMsg(err, secrets)
}

func redactMsg(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := Redact(msg, secrets...); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

// redactedError carries a redacted message and keeps the cause for
// errors.Is. Its message is the only text it prints.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
