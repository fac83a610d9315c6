package designcheck

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// module is the module path; packages are named relative to it.
const module = "github.com/orchex/orchex"

// row is one line of the package table in docs/design.md.
type row struct {
	line     int
	packages []string // relative paths, braces expanded
	any      bool     // "everything"
	allowed  []string // tokens of the "may import" column
}

// pkgInfo is what `go list` says of one package.
type pkgInfo struct {
	ImportPath string
	Dir        string
	Imports    []string
	GoFiles    []string
}

// TestImportTable checks every package's imports (test files aside)
// against the "may import" column of docs/design.md, and that every
// package of the module has exactly one row and every row names a
// package that exists.
func TestImportTable(t *testing.T) {
	rows := readTable(t, filepath.Join(root(t), "docs", "design.md"))
	pkgs := list(t)
	byPath := map[string]*pkgInfo{}
	var paths []string
	for _, p := range pkgs {
		rel := relative(p.ImportPath)
		byPath[rel] = p
		paths = append(paths, rel)
	}
	owner := map[string]row{}
	for _, r := range rows {
		for _, p := range r.packages {
			if _, ok := byPath[p]; !ok {
				t.Errorf("docs/design.md:%d: the table names %s, which is not a package of the module", r.line, p)
				continue
			}
			if o, dup := owner[p]; dup {
				t.Errorf("docs/design.md:%d: %s already has a row at line %d", r.line, p, o.line)
			}
			owner[p] = r
		}
	}
	for _, rel := range paths {
		r, ok := owner[rel]
		if !ok {
			t.Errorf("package %s has no row in docs/design.md's table: add one saying what it does and what it may import", rel)
			continue
		}
		if r.any {
			continue
		}
		allowed := map[string]bool{}
		for _, tok := range r.allowed {
			got := resolve(tok, paths)
			switch len(got) {
			case 0:
				t.Errorf("docs/design.md:%d: %q in the may-import column names no package of the module", r.line, tok)
			case 1:
				allowed[got[0]] = true
			default:
				t.Errorf("docs/design.md:%d: %q in the may-import column could be any of %v: write the path", r.line, tok, got)
			}
		}
		for _, imp := range byPath[rel].Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := relative(imp)
			if !allowed[dep] {
				t.Errorf("%s imports %s, which docs/design.md:%d does not allow: change the import, or the table (and say why in the same commit)", rel, dep, r.line)
			}
		}
	}
}

// TestDocGo checks that every package has a doc.go saying where it sits.
func TestDocGo(t *testing.T) {
	for _, p := range list(t) {
		if !slices.Contains(p.GoFiles, "doc.go") {
			t.Errorf("package %s has no doc.go: add one saying where it sits in the data flow", relative(p.ImportPath))
		}
	}
}

// resolve finds the module packages a table token names: the path itself,
// "pkg/"+tok, or a package whose path ends in "/"+tok.
func resolve(tok string, paths []string) []string {
	tok = strings.TrimSuffix(tok, "/")
	for _, c := range []string{tok, "pkg/" + tok} {
		if slices.Contains(paths, c) {
			return []string{c}
		}
	}
	var out []string
	for _, p := range paths {
		if strings.HasSuffix(p, "/"+tok) {
			out = append(out, p)
		}
	}
	return out
}

var (
	cellCode = regexp.MustCompile("`([^`]+)`")
	braces   = regexp.MustCompile(`^(.*)\{([^}]*)\}(.*)$`)
	notes    = regexp.MustCompile(`\([^)]*\)`)
)

// readTable parses the rows of the package table: a first cell of
// backquoted package paths, a last cell of comma-separated names.
func readTable(t *testing.T, path string) []row {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) < 3 {
			t.Fatalf("docs/design.md:%d: a table row needs three cells", n)
		}
		r := row{line: n}
		for _, m := range cellCode.FindAllStringSubmatch(cells[0], -1) {
			r.packages = append(r.packages, expand(strings.TrimSuffix(m[1], "/"))...)
		}
		last := strings.TrimSpace(cells[len(cells)-1])
		// Third-party modules are named in parentheses ("stdlib only
		// (and progressbar/v3)"): notes, not checked.
		last = strings.TrimSpace(notes.ReplaceAllString(last, ""))
		switch last {
		case "everything":
			r.any = true
		case "stdlib only", "—", "-":
		default:
			for _, tok := range strings.Split(last, ",") {
				if tok = strings.Trim(strings.TrimSpace(tok), "`"); tok != "" {
					r.allowed = append(r.allowed, tok)
				}
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("docs/design.md has no package table")
	}
	return rows
}

// expand turns "pkg/report/{markdown,pdf}" into its two paths.
func expand(s string) []string {
	m := braces.FindStringSubmatch(s)
	if m == nil {
		return []string{s}
	}
	var out []string
	for _, alt := range strings.Split(m[2], ",") {
		out = append(out, expand(m[1]+alt+m[3])...)
	}
	return out
}

func relative(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

// root is the module root, where go.mod is.
func root(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// list runs `go list -json ./...` at the module root.
func list(t *testing.T) []*pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = root(t)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []*pkgInfo
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkgInfo
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, &p)
	}
	return pkgs
}
