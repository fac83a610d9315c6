package csvreport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

func TestWriteDocument(t *testing.T) {
	tab := &report.Table{Columns: []report.Column{{Title: "Product"}, {Title: "2026Q3", Figure: true}, {Title: "Change", Figure: true}}}
	tab.Add("Kubernetes API server", "22,672", "+1.5%")
	tab.Add("=HYPERLINK(\"x\")", "-3", "+5 (+2.0%)")
	tab.AddTotal("Total", "0", "0%")
	d := &report.Document{Title: "t", Intro: []report.Block{report.Para("ignored")},
		Sections: []report.Section{{Title: "Products", Level: 1, Blocks: []report.Block{{Table: tab}, {Chart: &report.Chart{}}}}}}
	var b bytes.Buffer
	if err := WriteDocument(&b, d); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&b)
	r.FieldsPerRecord = len(DocumentColumns)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not a strict rectangular CSV: %v\n%s", err, b.String())
	}
	want := [][]string{DocumentColumns,
		{"Products", "Product", "Kubernetes API server", "2026Q3", "22672"},
		{"Products", "Product", "Kubernetes API server", "Change", "+1.5%"},
		{"Products", "Product", "'=HYPERLINK(\"x\")", "2026Q3", "-3"},
		{"Products", "Product", "'=HYPERLINK(\"x\")", "Change", "'+5 (+2.0%)"},
		{"Products", "Product", "Total", "2026Q3", "0"},
		{"Products", "Product", "Total", "Change", "0%"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("got\n%q\nwant\n%q", recs, want)
	}
}

func TestWriteTable(t *testing.T) {
	tab := &report.Table{Columns: []report.Column{{Title: "engine"}, {Title: "value"}, {Title: "count", Figure: true}}}
	tab.Add("shodan", "@SUM(A1)", "1,234")
	tab.Add("censys", "US")
	var b bytes.Buffer
	if err := WriteTable(&b, tab); err != nil {
		t.Fatal(err)
	}
	want := "engine,value,count\nshodan,'@SUM(A1),1234\ncensys,US,\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestWriteStreamedTable: a table's streamed rows follow its held ones in
// both writers (none is dropped), and a failing stream fails the CSV.
func TestWriteStreamedTable(t *testing.T) {
	stream := func(fail error) *report.Table {
		tab := &report.Table{Columns: []report.Column{{Title: "Service"}, {Title: "Auth"}}, Rows: [][]string{{"held", "open"}}}
		tab.Stream = func(yield func([]string) error) error {
			if err := yield([]string{"streamed", "=cmd|x"}); err != nil {
				return err
			}
			return fail
		}
		return tab
	}
	var b bytes.Buffer
	if err := WriteTable(&b, stream(nil)); err != nil {
		t.Fatal(err)
	}
	if want := "Service,Auth\nheld,open\nstreamed,'=cmd|x\n"; b.String() != want {
		t.Errorf("WriteTable: %q, want %q", b.String(), want)
	}
	b.Reset()
	doc := func(tab *report.Table) *report.Document {
		return &report.Document{Sections: []report.Section{{Title: "Services", Level: 1, Blocks: []report.Block{{Table: tab}}}}}
	}
	if err := WriteDocument(&b, doc(stream(nil))); err != nil {
		t.Fatal(err)
	}
	if want := "section,table,row,column,value\nServices,Service,held,Auth,open\nServices,Service,streamed,Auth,'=cmd|x\n"; b.String() != want {
		t.Errorf("WriteDocument: %q, want %q", b.String(), want)
	}
	disk := errors.New("spill file: read error")
	if err := WriteDocument(&bytes.Buffer{}, doc(stream(disk))); !errors.Is(err, disk) {
		t.Errorf("WriteDocument with a failing stream: %v, want its error", err)
	}
	if err := WriteTable(&bytes.Buffer{}, stream(disk)); !errors.Is(err, disk) {
		t.Errorf("WriteTable with a failing stream: %v, want its error", err)
	}
}
