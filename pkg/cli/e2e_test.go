package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/demo"
)

// run runs orchex with args and returns stdout, stderr and the exit code.
func run(t *testing.T, env map[string]string, args ...string) (string, string, ExitCode) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
		Sleep:  noSleep,
	})
	return out.String(), errb.String(), code
}

// noSleep is Env.Sleep for tests: retries go at once (the engine's rate
// limiter still spaces the requests), so no test waits on real back-off.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

type reportJSON struct {
	Headline struct {
		Services        int     `json:"services"`
		Hosts           int     `json:"hosts"`
		Open            int     `json:"open"`
		LikelyOpen      int     `json:"likely_open"`
		KubernetesOpen  int     `json:"kubernetes_open"`
		AWSShare        float64 `json:"aws_share"`
		AWSUSShare      float64 `json:"aws_us_share"`
		KubernetesShare float64 `json:"kubernetes_share"`
	} `json:"headline"`
	ByProduct []struct {
		Product      string `json:"product"`
		Services     int    `json:"services"`
		Open         int    `json:"open"`
		AuthRequired int    `json:"auth_required"`
		Unknown      int    `json:"unknown"`
	} `json:"by_product"`
	EngineOverlap struct {
		ShodanOnly int `json:"shodan_only"`
		CensysOnly int `json:"censys_only"`
		Both       int `json:"both"`
	} `json:"engine_overlap"`
	Completeness struct {
		Complete bool     `json:"complete"`
		Reasons  []string `json:"reasons"`
	} `json:"completeness"`
	Method struct {
		Honeypots struct {
			Included bool `json:"included"`
			Services int  `json:"services"`
			Hosts    int  `json:"hosts"`
		} `json:"honeypots"`
	} `json:"method"`
}

// writeCensysNDJSON writes the population's Censys hits, one per line, as
// the Censys CLI writes search results.
func writeCensysNDJSON(t *testing.T, path string, p *demo.Population, queries map[string][]string) {
	t.Helper()
	hits, _ := p.CensysResults(queries)
	var b bytes.Buffer
	for _, h := range hits {
		b.Write(h)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func checkTruth(t *testing.T, got reportJSON, want demo.Truth) {
	t.Helper()
	h := got.Headline
	if h.Services != want.Services || h.Hosts != want.Hosts || h.Open != want.Open || h.KubernetesOpen != want.KubernetesOpen {
		t.Errorf("headline services/hosts/open/k8s-open = %d/%d/%d/%d, want %d/%d/%d/%d",
			h.Services, h.Hosts, h.Open, h.KubernetesOpen, want.Services, want.Hosts, want.Open, want.KubernetesOpen)
	}
	// The demo proves every open service; nothing rests on a default.
	if h.LikelyOpen != 0 {
		t.Errorf("headline likely_open = %d, want 0", h.LikelyOpen)
	}
	if hp := got.Method.Honeypots; hp.Services != want.HoneypotServices || hp.Hosts != want.HoneypotHosts || hp.Included {
		t.Errorf("method honeypots %+v, want %d services on %d hosts, left out", hp, want.HoneypotServices, want.HoneypotHosts)
	}
	if !got.Completeness.Complete {
		t.Errorf("a complete run reads as incomplete: %q", got.Completeness.Reasons)
	}
	near := func(name string, a, b float64) {
		if d := a - b; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s = %.6f, want %.6f", name, a, b)
		}
	}
	near("aws_share", h.AWSShare, float64(want.AWS)/float64(want.Services))
	near("aws_us_share", h.AWSUSShare, float64(want.AWSUS)/float64(want.AWS))
	near("kubernetes_share", h.KubernetesShare, float64(want.KubernetesServices)/float64(want.Services))
	gotP := map[string][4]int{}
	for _, r := range got.ByProduct {
		gotP[r.Product] = [4]int{r.Services, r.Open, r.AuthRequired, r.Unknown}
	}
	for _, p := range want.Products {
		w := [4]int{p.Services, p.Open, p.AuthRequired, p.Unknown}
		if gotP[p.Product] != w {
			t.Errorf("product %s: services/open/auth_required/unknown = %v, want %v", p.Product, gotP[p.Product], w)
		}
	}
}

// TestImportReportTruth imports a Shodan download file and Censys hits
// generated from a population with a known truth, and checks that the
// report's numbers equal the truth after deduplication across engines.
func TestImportReportTruth(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orchex.db")
	cat, err := (&globals{}).loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	shodanQs, censysQs := productQueries(cat)
	pop := demo.Generate(demo.Config{Seed: 42, Size: 1500})
	pop.Restrict(func(p string) bool { return len(shodanQs[p]) > 0 }, func(p string) bool { return len(censysQs[p]) > 0 })
	truth := pop.Truth()
	if err := pop.WriteRanges(filepath.Join(dir, "ranges")); err != nil {
		t.Fatal(err)
	}
	// Shodan: every banner of every query, as one download file (duplicates
	// across queries included, as a researcher's downloads would have).
	var sb bytes.Buffer
	res := pop.ShodanResults(shodanQs)
	for _, p := range cat.Products() {
		for _, q := range p.Shodan {
			for _, b := range res[q] {
				sb.Write(b)
				sb.WriteByte('\n')
			}
		}
	}
	shodanFile := filepath.Join(dir, "shodan.json")
	if err := os.WriteFile(shodanFile, sb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	censysFile := filepath.Join(dir, "censys-hits.json")
	writeCensysNDJSON(t, censysFile, pop, censysQs)

	_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", "--ranges", filepath.Join(dir, "ranges"), shodanFile, censysFile)
	if code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	out, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var got reportJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	checkTruth(t, got, truth)
	if o := got.EngineOverlap; o.ShodanOnly != truth.ShodanOnly || o.CensysOnly != truth.CensysOnly || o.Both != truth.Both {
		t.Errorf("engine overlap = %+v, want shodan-only %d censys-only %d both %d", o, truth.ShodanOnly, truth.CensysOnly, truth.Both)
	}

	// Importing the same files again changes nothing.
	_, stderr, code = run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", "--ranges", filepath.Join(dir, "ranges"), shodanFile, censysFile)
	if code != ExitOK {
		t.Fatalf("second import: exit %d\n%s", code, stderr)
	}
	again, _, _ := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--format", "json")
	if again != out {
		t.Error("importing the same files twice changed the report")
	}

	// Markdown is deterministic and written atomically to --out.
	md := filepath.Join(dir, "r", "report.md")
	if _, stderr, code := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--out", md); code != ExitOK {
		t.Fatalf("report md: exit %d\n%s", code, stderr)
	}
	first, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--out", md)
	second, _ := os.ReadFile(md)
	if !bytes.Equal(first, second) {
		t.Error("two Markdown reports of one snapshot differ")
	}
	if !strings.Contains(string(first), "2026Q4") {
		t.Error("Markdown report does not name its snapshot")
	}
}

func TestImportBadRecordsExit3(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "orchex.db")
	pop := demo.Generate(demo.Config{Seed: 1, Size: 20})
	var b bytes.Buffer
	for i := range pop.Services {
		s := &pop.Services[i]
		b.Write(s.ShodanBanner(s.SeenAt))
		b.WriteByte('\n')
		if i == 3 {
			b.WriteString("{\"ip_str\": \"198.18.0.1\", \"port\": \n") // cut short
		}
	}
	f := filepath.Join(dir, "k8s.json")
	os.WriteFile(f, b.Bytes(), 0o644)
	_, stderr, code := run(t, nil, "--db", db, "import", "--snapshot", "2026Q4", f)
	if code != ExitPartial {
		t.Fatalf("exit %d, want 3\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "k8s.json:5") {
		t.Errorf("stderr does not name file:line of the bad record:\n%s", stderr)
	}
	out, _, _ := run(t, nil, "--db", db, "report", "--snapshot", "2026Q4", "--format", "json")
	var got reportJSON
	json.Unmarshal([]byte(out), &got)
	if got.Headline.Services == 0 {
		t.Error("the good records around a bad one were lost")
	}
	// --strict writes nothing.
	db2 := filepath.Join(dir, "strict.db")
	_, stderr, code = run(t, nil, "--db", db2, "import", "--strict", "--snapshot", "2026Q4", f)
	if code != ExitFailure {
		t.Fatalf("strict: exit %d, want 1\n%s", code, stderr)
	}
	if _, err := os.Stat(db2); err == nil {
		out, _, _ := run(t, nil, "--db", db2, "report", "--snapshot", "2026Q4", "--format", "json")
		if strings.Contains(out, `"services": `) && !strings.Contains(out, `"services": 0`) {
			t.Error("strict import wrote services")
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"import"},
		{"report", "--format", "docx"},
		{"import", "--engine", "bing", "x.json"},
		{"no-such-command"},
	} {
		_, stderr, code := run(t, nil, append([]string{"--db", filepath.Join(t.TempDir(), "x.db")}, args...)...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
}
