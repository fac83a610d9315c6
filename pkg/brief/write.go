package brief

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/orchex/orchex/pkg/report/html"
	"github.com/orchex/orchex/pkg/report/markdown"
	"github.com/orchex/orchex/pkg/report/pdf"
	"github.com/orchex/orchex/pkg/source"
)

// Output says what Run.Write writes and where it posts.
type Output struct {
	// CSV, PDF and HTML add services.csv, brief.pdf and brief.html to the
	// brief.md and brief.json every scope gets.
	CSV, PDF, HTML bool
	// Create writes one file of the run through write: name is relative
	// to the run's output directory, NAME/brief.md for a scope's files
	// (a scope's name is a directory name), index.md and index.json for
	// the index. Each file should replace its previous version whole.
	Create func(name string, write func(io.Writer) error) error
	// Webhook, when set, is posted every scope's message, as is the
	// scope's own webhook (once when they are the same URL).
	Webhook source.Secret
	Poster  *Poster // nil: a Poster's defaults
	// NoSince, when set, is told of a scope with a webhook in a run with
	// no earlier snapshot: it has nothing new to post.
	NoSince func(scope string)
}

// Written is what Run.Write did.
type Written struct {
	Briefings int
	Open      int // open services, over every scope
	WithOpen  int // scopes with open services
	Posted    int // webhook messages delivered
	// Failed names each message that could not be posted ("scope acme:
	// ..."); the other scopes went on.
	Failed []string
}

// Write selects the run of cfg ([Select]), writes it ([Run.Write]) and
// removes its spill files.
func Write(ctx context.Context, cfg Config, out Output) (Written, error) {
	run, err := Select(ctx, cfg)
	if err != nil {
		return Written{}, err
	}
	defer run.Close()
	return run.Write(ctx, out)
}

// Write writes the briefing of every scope of the run (its files, then
// its webhook messages), then the index. A file that cannot be written
// stops the run; a message that cannot be posted is recorded in
// Written.Failed.
func (r *Run) Write(ctx context.Context, out Output) (Written, error) {
	w := Written{Briefings: r.Len()}
	ix := r.NewIndex()
	for k := range r.Len() {
		b, err := r.Brief(ctx, k)
		if err != nil {
			return w, err
		}
		files, err := b.write(out)
		if err == nil {
			var n int
			n, err = b.post(ctx, out, &w.Failed)
			w.Posted += n
		}
		ix.Add(b, files)
		w.Open += b.Counts.Open
		if b.Counts.Open > 0 {
			w.WithOpen++
		}
		b.Close()
		if err != nil {
			return w, err
		}
	}
	if err := out.Create("index.json", ix.WriteJSON); err != nil {
		return w, fmt.Errorf("brief: %w", err)
	}
	if err := out.Create("index.md", func(w io.Writer) error { return markdown.RenderDocument(w, ix.Document()) }); err != nil {
		return w, fmt.Errorf("brief: %w", err)
	}
	return w, nil
}

// write writes a scope's files into NAME/ and returns their names.
func (b *Brief) write(out Output) ([]string, error) {
	full := "brief.md, brief.json"
	if out.CSV {
		full += " and services.csv"
	}
	type file struct {
		name  string
		write func(io.Writer) error
	}
	files := []file{
		{"brief.md", func(w io.Writer) error { return markdown.RenderDocument(w, b.Document(DocOptions{})) }},
		{"brief.json", b.WriteJSON},
	}
	if out.CSV {
		files = append(files, file{"services.csv", b.WriteCSV})
	}
	capped := DocOptions{MaxListed: DefaultMaxListed, FullList: full}
	if out.PDF {
		files = append(files, file{"brief.pdf", func(w io.Writer) error { return pdf.RenderDocument(w, b.Document(capped), pdf.Options{}) }})
	}
	if out.HTML {
		files = append(files, file{"brief.html", func(w io.Writer) error { return html.RenderDocument(w, b.Document(capped)) }})
	}
	var names []string
	for _, f := range files {
		if err := out.Create(filepath.Join(b.Scope.Name, f.name), f.write); err != nil {
			return names, fmt.Errorf("brief: scope %s: %w", b.Scope.Name, err)
		}
		names = append(names, f.name)
	}
	return names, nil
}

// post posts a scope's message to the run's webhook and to the scope's
// own; a failure is recorded in failed (the other scopes go on) and the
// number posted returned.
func (b *Brief) post(ctx context.Context, out Output, failed *[]string) (int, error) {
	var hooks []source.Secret
	if !out.Webhook.Empty() {
		hooks = append(hooks, out.Webhook)
	}
	if !b.Scope.Webhook.Empty() && b.Scope.Webhook.Reveal() != out.Webhook.Reveal() {
		hooks = append(hooks, b.Scope.Webhook)
	}
	if len(hooks) == 0 {
		return 0, nil
	}
	if b.Since == "" {
		if out.NoSince != nil {
			out.NoSince(b.Scope.Name)
		}
		return 0, nil
	}
	m, ok, err := b.Message()
	if err != nil || !ok {
		return 0, err
	}
	p := out.Poster
	if p == nil {
		p = &Poster{}
	}
	n := 0
	for _, h := range hooks {
		if err := p.Post(ctx, h, m); err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			*failed = append(*failed, "scope "+b.Scope.Name+": "+err.Error())
			continue
		}
		n++
	}
	return n, nil
}
