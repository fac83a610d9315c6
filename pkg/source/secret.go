package source

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// Secret is a credential (an API key, a token, a password). Every way of
// printing it prints [Redacted]: String, GoString, every fmt verb and
// flag, JSON, text and slog. [Secret.Reveal] returns the value; call it
// only where a request is built.
//
// The value sits behind a pointer, so that fmt printing a struct that
// holds a Secret in an unexported field (where fmt cannot call methods)
// shows an address, never the text. The zero Secret is empty. Two Secrets
// are == only when they are the same Secret (copies of one another).
type Secret struct{ p *string }

// NewSecret returns a Secret holding s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the credential. Call it only to build a request or to
// redact text, never to print.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// Empty reports whether the Secret holds nothing.
func (s Secret) Empty() bool { return s.p == nil || *s.p == "" }

// redaction is what every printer shows: [Redacted], or "" for an empty
// Secret (so that "not set" stays visible).
func (s Secret) redaction() string {
	if s.Empty() {
		return ""
	}
	return Redacted
}

// String returns [Redacted] ("" when empty).
func (s Secret) String() string { return s.redaction() }

// GoString returns [Redacted] quoted, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.redaction()) }

// Format prints the redaction for every verb, honouring width and the
// '-' flag: %v, %s, %q, %x, %d and any other verb never show the value.
func (s Secret) Format(f fmt.State, verb rune) {
	text := s.redaction()
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		text = fmt.Sprintf("%q", text)
	}
	if w, ok := f.Width(); ok && w > len(text) {
		pad := strings.Repeat(" ", w-len(text))
		if f.Flag('-') {
			text += pad
		} else {
			text = pad + text
		}
	}
	_, _ = f.Write([]byte(text))
}

// MarshalJSON returns the redaction as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.redaction()) }

// MarshalText returns the redaction.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redaction()), nil }

// LogValue implements slog.LogValuer with the redaction.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redaction()) }

// values returns the non-empty secrets' texts, for redaction.
func values(secrets []Secret) []string {
	out := make([]string, 0, len(secrets))
	for _, s := range secrets {
		if !s.Empty() {
			out = append(out, s.Reveal())
		}
	}
	return out
}
