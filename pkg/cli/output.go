package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeAtomic writes a file through fn: to a temporary file beside path,
// synced and renamed into place, so that a failure (disk full, a hostile
// record that breaks a renderer, an interrupt) never leaves a partial
// report. path "-" or "" writes to out instead.
func writeAtomic(path string, out io.Writer, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fn(out)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w (is the directory writable?)", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fn(f); err != nil {
		// The error names the temporary file; name the report too.
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	return nil
}
