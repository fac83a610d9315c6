package brief_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/source"
)

// files records what Run.Write creates, by name.
type files map[string][]byte

func (f files) create(name string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	f[name] = b.Bytes()
	return nil
}

// TestWrite: every scope gets brief.md and brief.json, plus the formats
// asked for, in a directory of its name; the index lists every scope;
// the counts add up; a webhook that refuses is recorded as failed and
// the other scopes go on; without an earlier snapshot a webhook posts
// nothing and says why.
func TestWrite(t *testing.T) {
	a, b := snapshots(11, 600)
	got := files{}
	r := run(t, a, b, true, nil)
	srv := newHookServer(t, http.StatusForbidden)
	var s sleeps
	w, err := r.Write(context.Background(), brief.Output{CSV: true, HTML: true, Create: got.create,
		Webhook: source.NewSecret(srv.URL + "/hook/" + token), Poster: &brief.Poster{Retry: &source.Retrier{Sleep: s.sleep}}})
	if err != nil {
		t.Fatal(err)
	}
	open, withOpen := 0, 0
	for k := range r.Len() {
		name := r.Scope(k).Name
		for _, f := range []string{"brief.md", "brief.json", "services.csv", "brief.html"} {
			if _, ok := got[filepath.Join(name, f)]; !ok {
				t.Errorf("%s: no %s", name, f)
			}
		}
		if _, ok := got[filepath.Join(name, "brief.pdf")]; ok {
			t.Errorf("%s: a PDF that was not asked for", name)
		}
		open += r.Counts(k).Open
		if r.Counts(k).Open > 0 {
			withOpen++
		}
	}
	if w.Briefings != r.Len() || w.Open != open || w.WithOpen != withOpen || w.Posted != 0 {
		t.Errorf("written %+v, want %d briefings, %d open in %d scopes", w, r.Len(), open, withOpen)
	}
	for k := range r.Len() {
		if !bytes.Contains(got["index.md"], []byte(r.Scope(k).Name)) || !bytes.Contains(got["index.json"], []byte(`"`+r.Scope(k).Name+`"`)) {
			t.Errorf("the index lacks scope %s", r.Scope(k).Name)
		}
	}
	if len(w.Failed) == 0 || !strings.HasPrefix(w.Failed[0], "scope ") || slices.ContainsFunc(w.Failed, func(f string) bool { return strings.Contains(f, token) }) {
		t.Errorf("failed posts %q: want one per scope with news, without the token", w.Failed)
	}

	var skipped []string
	r = run(t, a, b, false, nil)
	w, err = r.Write(context.Background(), brief.Output{Create: files{}.create, Webhook: source.NewSecret(srv.URL + "/hook"),
		Poster: &brief.Poster{}, NoSince: func(scope string) { skipped = append(skipped, scope) }})
	if err != nil || w.Posted != 0 || len(w.Failed) != 0 || len(skipped) != r.Len() {
		t.Errorf("without since: %+v, %v, skipped %q", w, err, skipped)
	}

	// A file that cannot be written stops the run, naming the scope.
	broken := errors.New("disk full")
	_, err = run(t, a, b, true, nil).Write(context.Background(), brief.Output{
		Create: func(string, func(io.Writer) error) error { return broken }})
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), "scope by-asn") {
		t.Errorf("write error: %v", err)
	}
}
