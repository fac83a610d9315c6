package terminal

import (
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

// TestSanitize: escape sequences, other controls, bidi overrides,
// separators and invalid UTF-8 are replaced; newlines, tabs and other
// text are kept.
func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":              "plain text",
		"a\x1b[2Jb":               "a\uFFFD[2Jb",
		"x\u202ey\u2066z":         "x\uFFFDy\uFFFDz",
		"line\u2028sep":           "line\uFFFDsep",
		"bad \xff byte":           "bad \uFFFD byte",
		"two\nlines\tand tab\x7f": "two\nlines\tand tab\uFFFD",
		"日本語":                     "日本語",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCell: one line, sanitized, cut at the limit with an ellipsis.
func TestCell(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"a\tb\nc\rd", 0, "a b c\uFFFDd"}, // a carriage return is a control: replaced
		{"abcdef", 4, "abc…"},
		{"abcd", 4, "abcd"},
		{"ééééé", 3, "éé…"},
		{"\x1b[31mred", 0, "\uFFFD[31mred"},
	} {
		if got := Cell(tc.in, tc.limit); got != tc.want {
			t.Errorf("Cell(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

// TestTable: titles then rows, two spaces apart; right alignment pads
// every column; hostile cells stay on their line and in their column;
// a table with no titles has no header; streamed rows follow Rows.
func TestTable(t *testing.T) {
	tb := &report.Table{Columns: []report.Column{{Title: "NAME"}, {Title: "COUNT"}, {Title: "NOTE", Max: 10}}}
	tb.Add("kubernetes", "12", "x\ty\n\x1b[2Jz")
	tb.Add("k", "3", "long note here")
	var b strings.Builder
	if err := Table(&b, tb, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NAME        COUNT  NOTE\n" +
		"kubernetes  12     x y \uFFFD[2Jz\n" +
		"k           3      long note…\n"
	if b.String() != want {
		t.Errorf("left:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	tb.Columns[2].Max = 0
	if err := Table(&b, tb, Options{Right: true}); err != nil {
		t.Fatal(err)
	}
	want = "" +
		"        NAME  COUNT            NOTE\n" +
		"  kubernetes     12       x y \uFFFD[2Jz\n" +
		"           k      3  long note here\n"
	if b.String() != want {
		t.Errorf("right:\n%q\nwant\n%q", b.String(), want)
	}
	kv := &report.Table{Columns: []report.Column{{}, {}}, Rows: [][]string{{"Snapshot", "2026Q4"}, {"Hosts", "2"}}}
	kv.Stream = func(yield func([]string) error) error { return yield([]string{"Notes", "n"}) }
	b.Reset()
	if err := Table(&b, kv, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := "Snapshot  2026Q4\nHosts     2\nNotes     n\n"; b.String() != want {
		t.Errorf("key-value:\n%q\nwant\n%q", b.String(), want)
	}
}

// TestDocument: the intro, then each section after a blank line, under
// its title when it has one; paragraphs and list items one line each,
// sanitized.
func TestDocument(t *testing.T) {
	kv := &report.Table{Columns: []report.Column{{}, {}}, Rows: [][]string{{"Snapshot", "2026Q4"}}}
	by := &report.Table{Columns: []report.Column{{Title: "ENGINE"}, {Title: "PAGES"}}, Rows: [][]string{{"shodan", "3"}}}
	d := &report.Document{Intro: []report.Block{{Table: kv}},
		Sections: []report.Section{
			{Title: "By engine", Blocks: []report.Block{{Table: by}}},
			{Blocks: []report.Block{report.Para("note \x1b[2J"), {List: []string{"a", "b"}}}},
		}}
	var b strings.Builder
	if err := Document(&b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "Snapshot  2026Q4\n\nBy engine\nENGINE  PAGES\nshodan  3\n\nnote \uFFFD[2J\na\nb\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestConfirmed(t *testing.T) {
	for in, want := range map[string]bool{"y\n": true, " YES \n": true, "yes": true, "": false, "n\n": false, "yes please\n": false, "\ny\n": false} {
		if got := Confirmed(strings.NewReader(in)); got != want {
			t.Errorf("Confirmed(%q) = %v, want %v", in, got, want)
		}
	}
	if Confirmed(nil) {
		t.Error("Confirmed(nil)")
	}
}
