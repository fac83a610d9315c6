package csvreport_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report/csvreport"
	"github.com/orchex/orchex/pkg/report/reporttest"
)

func write(t *testing.T, ss []model.Service, addresses bool) ([][]string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := csvreport.Write(&b, reporttest.Stream(ss), addresses); err != nil {
		t.Fatalf("Write: %v", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	return rows, b.Bytes()
}

func TestWrite(t *testing.T) {
	rows, _ := write(t, reporttest.Ten(), true)
	if len(rows) != 11 {
		t.Fatalf("%d rows, want header + 10", len(rows))
	}
	want := "address,port,transport,hostnames,product,version,auth,auth_evidence,confidence,auth_conflict,provider,region,cloud_service,cloud_source,country,city,org,asn,engines,title,first_seen,last_seen,honeypot,snapshot_complete"
	if got := strings.Join(rows[0], ","); got != want {
		t.Errorf("header\n got %s\nwant %s", got, want)
	}
	first := strings.Join(rows[1], ",")
	if want := "3.5.140.2,443,tcp,api.kubernetes-api.example.net,kubernetes-api,v1.27.3,open," +
		`200 {"paths":[...]} on /,high,false,aws,us-east-1,,ranges:aws@2026-09-29,US,,Example Org,,shodan,kubernetes-api panel,2026-09-28T00:00:00Z,2026-10-01T00:00:00Z,false,true`; first != want {
		t.Errorf("first row\n got %s\nwant %s", first, want)
	}
	if got := rows[2][18]; got != "shodan censys" {
		t.Errorf("engines of a service both saw = %q", got)
	}
	if got := rows[8][10]; got != "none" {
		t.Errorf("provider of an untagged service = %q, want none", got)
	}
}

func TestWriteWithoutAddresses(t *testing.T) {
	rows, raw := write(t, reporttest.Ten(), false)
	want := "port,transport,product,version,auth,auth_evidence,confidence,auth_conflict,provider,region,cloud_service,cloud_source,country,engines,first_seen,last_seen,honeypot,snapshot_complete"
	if got := strings.Join(rows[0], ","); got != want {
		t.Errorf("header\n got %s\nwant %s", got, want)
	}
	for _, leak := range []string{"3.5.140.2", "2600:1f18", "example.net", "Example Org", "panel"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("CSV without addresses contains %q", leak)
		}
	}
	for i, r := range rows {
		if len(r) != len(rows[0]) {
			t.Errorf("row %d has %d cells", i, len(r))
		}
	}
}

func TestWriteInjection(t *testing.T) {
	rows, raw := write(t, reporttest.HostileServices(), true)
	if !utf8.Valid(raw) {
		t.Error("output is not valid UTF-8")
	}
	for _, bad := range []string{"\x1b", "\u202E", "\u2066", "\u200B", "\x07", "\r"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("output holds %q", bad)
		}
	}
	if n := bytes.Count(raw, []byte("\n")); n != len(reporttest.HostileServices())+1 {
		t.Errorf("%d lines, want one per service plus the header: a newline leaked into a cell", n)
	}
	for i, r := range rows[1:] {
		for j, cell := range r {
			if cell == "" {
				continue
			}
			switch cell[0] {
			case '=', '+', '-', '@', '\t', '\r':
				t.Errorf("row %d column %s starts with %q: %q", i+2, rows[0][j], cell[0], cell)
			}
			if utf8.RuneCountInString(cell) > csvreport.CellMax {
				t.Errorf("row %d column %s is %d runes", i+2, rows[0][j], utf8.RuneCountInString(cell))
			}
		}
	}
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil")`: `'=HYPERLINK("http://evil")`,
		"+cmd|' /C calc'!A0":        "'+cmd|' /C calc'!A0",
		"@SUM(1+1)":                 "'@SUM(1+1)",
		"- list item":               "'- list item",
		"\ttab start":               "tab start",
		"\t=1+1":                    "'=1+1",
		"\x00=1+1":                  "'=1+1",
		"-42":                       "'-42",
		"a=b":                       "a=b",
	} {
		if got := csvreport.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteError(t *testing.T) {
	boom := errors.New("cursor broke")
	err := csvreport.Write(&bytes.Buffer{}, func(func(*model.Service) error) error { return boom }, false)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

func TestWriteDeterministic(t *testing.T) {
	ss := append(reporttest.Ten(), reporttest.HostileServices()...)
	_, a := write(t, ss, true)
	_, b := write(t, ss, true)
	if !bytes.Equal(a, b) {
		t.Error("two writes differ")
	}
}

// TestWriteHoneypotsAndCompleteness: a honeypot host's services are left
// out unless asked for, and then marked; an incomplete snapshot says so
// in every row; a likely-open service says likely_open.
func TestWriteHoneypotsAndCompleteness(t *testing.T) {
	ss := reporttest.Ten()
	ss[0].Honeypot = model.HoneypotShodanTag
	ss[1].Auth = model.AuthLikelyOpen
	for _, o := range []csvreport.Options{{IncludeAddresses: true}, {IncludeAddresses: true, IncludeHoneypots: true, Incomplete: true}} {
		var b bytes.Buffer
		if err := csvreport.WriteWith(&b, reporttest.Stream(ss), o); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, c := range rows[0] {
			col[c] = i
		}
		want := len(ss)
		if !o.IncludeHoneypots {
			want--
		}
		if len(rows)-1 != want {
			t.Fatalf("%+v: %d rows, want %d", o, len(rows)-1, want)
		}
		honey, likely := 0, 0
		for _, r := range rows[1:] {
			if r[col["honeypot"]] == "true" {
				honey++
				if r[col["address"]] != ss[0].Addr.String() {
					t.Errorf("%+v: honeypot row %v", o, r)
				}
			}
			if r[col["auth"]] == "likely_open" {
				likely++
			}
			if got := r[col["snapshot_complete"]]; got != strconv.FormatBool(!o.Incomplete) {
				t.Errorf("%+v: snapshot_complete %q", o, got)
			}
		}
		if wantHoney := map[bool]int{false: 0, true: 1}[o.IncludeHoneypots]; honey != wantHoney || likely != 1 {
			t.Errorf("%+v: %d honeypot rows, %d likely_open rows", o, honey, likely)
		}
	}
}
