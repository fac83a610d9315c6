package cli

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/demo"
)

// TestDryRunMatchesCollection runs `collect --dry-run` and then the
// collection against the simulated APIs of a demo population (web
// properties mixed into Censys's results included): the dry run's pages
// per engine are the pages the collection fetches, its credits the
// credits spent, and it says what the dry run itself cost: nothing on
// Shodan, an aggregate call per query on Censys. (A query split over
// Censys's page cap: TestPlanCostMatchesRun in pkg/source/censys.)
func TestDryRunMatchesCollection(t *testing.T) {
	cat, err := (&globals{}).loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	w := demo.NewWorld(demo.Config{Seed: 5, Size: 4000}, cat, 5000)
	defer w.Close()
	env := map[string]string{"SHODAN_API_KEY": demo.ShodanKey, "CENSYS_PLATFORM_TOKEN": demo.CensysToken, "CENSYS_ORG_ID": demo.CensysOrg}
	args := []string{"--shodan-url", w.Shodan.URL(), "--shodan-rate", "5000", "--censys-url", w.Censys.URL(), "--censys-rate", "5000"}
	db := filepath.Join(t.TempDir(), "o.db")
	plan, planErr, code := run(t, env, append([]string{"--db", db, "collect", "--dry-run"}, args...)...)
	if code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", code, planErr)
	}
	sum, stderr, code := run(t, env, append([]string{"--db", db, "collect", "-s", "demo"}, args...)...)
	if code != ExitOK {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	totals := func(table string, pagesCol, creditsCol int) map[string][2]int {
		out := map[string][2]int{}
		for _, line := range strings.Split(table, "\n") {
			f := strings.Fields(line)
			if len(f) > creditsCol && f[1] == "total" {
				p, _ := strconv.Atoi(f[pagesCol])
				c, _ := strconv.Atoi(f[creditsCol])
				out[f[0]] = [2]int{p, c}
			}
		}
		return out
	}
	want := totals(plan, 3, 4)
	got := totals(sum, 3, 8)
	for _, e := range []string{"shodan", "censys"} {
		if want[e] != got[e] {
			t.Errorf("%s: dry run says %d pages for %d credits, the collection fetched %d pages for %d credits", e, want[e][0], want[e][1], got[e][0], got[e][1])
		}
	}
	censysQueries := strings.Count(plan, "/cenql/")
	for _, want := range []string{"shodan: .*; the dry run spent no credits \\(its counts are free\\)",
		"censys: .*; the dry run spent " + strconv.Itoa(censysQueries) + " credits \\(its counts are paid aggregate calls\\)"} {
		if !regexp.MustCompile(want).MatchString(planErr) {
			t.Errorf("the dry run does not say %q:\n%s", want, planErr)
		}
	}
}
