package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNewDatabaseIsPrivate: a new database and its -wal and -shm files are
// 0600 whatever the umask, since they hold raw banners and addresses.
func TestNewDatabaseIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "orchex.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.EnsureSnapshot(context.Background(), "2026Q4", t0, Meta{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), fi.Mode().Perm())
		}
	}
}

// TestSpecialFilesRefused: a named pipe (which would block SQLite), a
// device and a directory are refused before SQLite opens them, and no
// -journal or -wal file appears beside them.
func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.db")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	link := filepath.Join(dir, "link.db")
	os.Symlink("pipe.db", link)
	for _, p := range []string{fifo, link, "/dev/zero", "/dev/null"} {
		for _, o := range []Options{{}, {ReadOnly: true}} {
			_, err := OpenWith(context.Background(), p, o)
			if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), p) {
				t.Errorf("%s (%+v): %v", p, o, err)
			}
		}
	}
	for _, suffix := range []string{"-journal", "-wal", "-shm"} {
		if _, err := os.Stat("/dev/zero" + suffix); err == nil {
			t.Errorf("/dev/zero%s was created", suffix)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("files appeared beside the pipe: %v", ents)
	}
}

// TestReadOnlyOpen: a read-only store reads, refuses writes, creates
// nothing and works on a read-only mount, where the -shm file cannot be
// created.
func TestReadOnlyOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "orchex.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.EnsureSnapshot(ctx, "2026Q4", t0, Meta{CatalogVersion: "7"})
	s.Close()
	if _, err := OpenWith(ctx, filepath.Join(dir, "absent.db"), Options{ReadOnly: true}); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("missing file read-only: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); err == nil {
		t.Error("a read-only open created the file")
	}
	os.Chmod(path, 0o444)
	ro, err := OpenWith(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if sns, err := ro.Snapshots(ctx); err != nil || len(sns) != 1 {
		t.Errorf("read-only read: %v %v", sns, err)
	}
	if _, err := ro.EnsureSnapshot(ctx, "2027Q1", t0, Meta{}); err == nil {
		t.Error("a read-only store wrote a snapshot")
	}
	ro.Close()

	// A read-only mount (root may mount a tmpfs and remount it read-only;
	// permission bits do not stop root, a read-only mount does).
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=16m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the read-only mount case is not run", err)
	}
	defer syscall.Unmount(mnt, 0)
	b, _ := os.ReadFile(path)
	copyPath := filepath.Join(mnt, "copy.db")
	os.WriteFile(copyPath, b, 0o444)
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	ro, err = OpenWith(ctx, copyPath, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only mount: %v", err)
	}
	sns, err := ro.Snapshots(ctx)
	ro.Close()
	if err != nil || len(sns) != 1 || sns[0].Meta.CatalogVersion != "7" {
		t.Errorf("read-only mount: %v %v", sns, err)
	}
	if ents, _ := os.ReadDir(mnt); len(ents) != 1 {
		t.Errorf("files beside the database on the read-only mount: %v", ents)
	}
	_, err = Open(ctx, copyPath)
	if err == nil || !strings.Contains(fmt.Sprint(err), copyPath) {
		t.Errorf("a writing open on a read-only mount: %v", err)
	}
}
