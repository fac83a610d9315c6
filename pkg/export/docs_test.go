package export

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatalf("%v (run the test from the repository)", err)
	}
	return string(b)
}

// TestDocsShowCheckedSQL checks that docs/export.md shows, verbatim, the
// SQL files that CI runs in DuckDB against the report
// (.ci/duckdb/check.mjs), so that the documented queries are the checked
// ones.
func TestDocsShowCheckedSQL(t *testing.T) {
	doc := readRepoFile(t, "docs/export.md")
	for _, f := range []string{".ci/duckdb/headline.sql", ".ci/duckdb/products.sql"} {
		sql := readRepoFile(t, f)
		if !strings.Contains(doc, "```sql\n"+sql+"```\n") {
			t.Errorf("docs/export.md does not show %s as it is", f)
		}
	}
}

// TestDocsListColumns checks that docs/export.md's schema tables list
// every column, in order.
func TestDocsListColumns(t *testing.T) {
	doc := readRepoFile(t, "docs/export.md")
	for name, cols := range map[string][]string{"services": serviceColumns(), "observations": observationColumns()} {
		head := "### Schema version " + strconv.Itoa(SchemaVersion) + ": " + name
		i := strings.Index(doc, head)
		if i < 0 {
			t.Fatalf("docs/export.md has no section %q", head)
		}
		rest := doc[i:]
		for _, c := range cols {
			j := strings.Index(rest, "\n| `"+c+"` |")
			if j < 0 {
				t.Errorf("%s: column %s is not documented (or not in order)", name, c)
				continue
			}
			rest = rest[j+1:]
		}
	}
}
