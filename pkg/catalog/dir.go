package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/orchex/orchex/queries"
)

// Problems is the error of a catalog directory that does not load: every
// problem found, each an [*Error] naming its file as the directory's
// (dir/file.yaml).
type Problems struct {
	Dir  string
	Errs []error
}

func (p *Problems) Error() string {
	lines := make([]string, len(p.Errs))
	for i, e := range p.Errs {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("catalog %s: %d problem(s):\n%s", p.Dir, len(p.Errs), strings.Join(lines, "\n"))
}

// Unwrap returns the problems.
func (p *Problems) Unwrap() []error { return p.Errs }

// LoadDir loads the catalog of the *.yaml files in dir. A directory that
// is missing or is not one is an error; a catalog with problems is a
// [*Problems] listing every one.
func LoadDir(dir string) (*Catalog, error) {
	if err := isDir(dir); err != nil {
		return nil, err
	}
	c, errs := parse(os.DirFS(dir))
	if len(errs) > 0 {
		return nil, &Problems{Dir: dir, Errs: relocate(errs, dir, filepath.Join)}
	}
	return c, nil
}

// CheckDir is [Check] of the *.yaml files in dir, or of the embedded
// catalog when dir is "": every problem, each naming its file as
// dir/file.yaml (queries/file.yaml for the embedded catalog), and the
// catalog when there is none. A directory that is missing or is not one
// is an error.
func CheckDir(dir string) ([]error, *Catalog, error) {
	fsys, name, join := fs.FS(queries.FS), "queries", path.Join
	if dir != "" {
		if err := isDir(dir); err != nil {
			return nil, nil, err
		}
		fsys, name, join = os.DirFS(dir), dir, filepath.Join
	}
	c, errs := parse(fsys)
	if len(errs) > 0 {
		return relocate(errs, name, join), nil, nil
	}
	return nil, c, nil
}

func isDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("catalog directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("catalog directory %s is not a directory", dir)
	}
	return nil
}

// relocate rewrites the file names of catalog errors so that they name
// the file as the user knows it (dir/file.yaml).
func relocate(problems []error, dir string, join func(...string) string) []error {
	out := make([]error, len(problems))
	for i, p := range problems {
		var e *Error
		if errors.As(p, &e) {
			y := *e
			y.File = join(dir, e.File)
			p = &y
		}
		out[i] = p
	}
	return out
}
