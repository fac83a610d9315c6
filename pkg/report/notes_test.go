package report_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

// TestScopeAndNarrowingNotes checks that a scope's report and a report of
// a snapshot collected for a scope say so in the title, before the first
// figure of the summary and in the method notes, and that a census says
// neither.
func TestScopeAndNarrowingNotes(t *testing.T) {
	census := build(t, reporttest.Meta(), reporttest.Ten())
	m := reporttest.Meta()
	m.Scope = "acme"
	m.Narrowed = []string{"scope acme of scopes.yaml: 2 networks, 1 ASN"}
	v := build(t, m, reporttest.Ten())
	if !strings.HasSuffix(v.Title, ", scope acme") || strings.Contains(census.Title, "scope") {
		t.Errorf("titles %q, %q", v.Title, census.Title)
	}
	if !strings.HasPrefix(v.Summary[0], "This snapshot was collected for one scope's networks only (scope acme of scopes.yaml") ||
		v.Summary[1] != "These figures count the services of scope acme only." || !slices.Equal(v.Summary[2:], census.Summary) {
		t.Errorf("summary %q", v.Summary)
	}
	want := report.MethodNotes(m, report.NoteCounts{Services: v.Headline.Services, AWSNoRegion: v.AWSNoRegion, Support: v.Support, InputsTable: true})
	if !slices.Equal(v.Method.Notes, want) {
		t.Errorf("method notes %q, MethodNotes %q", v.Method.Notes, want)
	}
	if len(v.Method.Notes) != len(census.Method.Notes)+2 || v.Method.Scope != "acme" || len(v.Method.Narrowed) != 1 {
		t.Errorf("notes %q (census %q), scope %q, narrowed %q", v.Method.Notes, census.Method.Notes, v.Method.Scope, v.Method.Narrowed)
	}
	if census.Method.Scope != "" || census.Method.Narrowed != nil {
		t.Errorf("census method %+v", census.Method)
	}
}

// TestInputsNote checks that the method explains the inputs table's Read
// and Kept exactly when the document has an inputs table and an input kept
// more than it read (a Censys record is a host with several matched
// services), and not otherwise.
func TestInputsNote(t *testing.T) {
	note := func(notes []string) bool {
		return slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, "In the inputs table, Read counts") })
	}
	m := reporttest.Meta()
	m.Inputs = []report.Input{{Name: "query k8s/shodan/1", Engine: "shodan", Read: 10, Kept: 10}}
	if notes := report.MethodNotes(m, report.NoteCounts{Services: 10, InputsTable: true}); note(notes) {
		t.Errorf("note without a reason: %q", notes)
	}
	m.Inputs = append(m.Inputs, report.Input{Name: "query k8s/cenql/1", Engine: "censys", Read: 3, Kept: 7})
	if notes := report.MethodNotes(m, report.NoteCounts{Services: 17, InputsTable: true}); !note(notes) {
		t.Errorf("no note for a Censys input keeping 7 of 3 records: %q", notes)
	}
	m.Inputs = []report.Input{{Name: "hosts.json", Engine: "censys", Read: 1, Kept: 0, Skipped: 4}}
	if notes := report.MethodNotes(m, report.NoteCounts{InputsTable: true}); !note(notes) {
		t.Errorf("no note for a Censys input skipping 4 observations of 1 record: %q", notes)
	}
	if notes := report.MethodNotes(m, report.NoteCounts{Services: 17}); note(notes) {
		t.Errorf("note in a document without an inputs table (a briefing): %q", notes)
	}
}
