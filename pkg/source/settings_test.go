package source_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// testFactory is an engine with one setting of each kind.
func testFactory() source.Factory {
	return source.Factory{
		Name: "test",
		Settings: []source.Setting{
			{Name: "url", Flag: "test-url", Env: []string{"TEST_URL", "TEST_URL_OLD"}, Default: "https://api.example"},
			{Name: "key", Flag: "test-key-file", Env: []string{"TEST_KEY"}, Secret: true, File: true, HomeFile: ".config/test/key"},
			{Name: "rate", Flag: "test-rate", Kind: source.Float, Default: "1"},
			{Name: "pages", Flag: "test-pages", Kind: source.Int, Default: "3"},
			{Name: "split", Flag: "test-no-split", Kind: source.Bool},
		},
		New: func(v *source.Values, d source.Deps) (source.Engine, error) {
			if v.Secret("key").Empty() {
				return nil, v.Missing("key")
			}
			if v.Float("rate") <= 0 {
				return nil, v.Errorf("rate", "want a positive rate")
			}
			return nil, nil
		},
	}
}

func lookup(flags, env map[string]string, warn *[]string) source.Lookup {
	return source.Lookup{
		Flag:   func(name string) (string, bool) { v, ok := flags[name]; return v, ok },
		Getenv: func(k string) string { return env[k] },
		Warn:   func(msg string) { *warn = append(*warn, msg) },
	}
}

// TestResolveOrder checks where each value comes from: the flag, then the
// environment variables in order, then the file under $HOME, then the
// default; and the kinds' parsing.
func TestResolveOrder(t *testing.T) {
	home := t.TempDir()
	keyDir := filepath.Join(home, ".config", "test")
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(keyDir, "key"), []byte(" home-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flagFile := filepath.Join(t.TempDir(), "flag-key")
	if err := os.WriteFile(flagFile, []byte("flag-key\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := testFactory()
	for _, tc := range []struct {
		name        string
		flags, env  map[string]string
		url, key    string
		rate        float64
		pages       int
		split, warn bool
	}{
		{name: "defaults", env: map[string]string{}, url: "https://api.example", rate: 1, pages: 3},
		{name: "home file", env: map[string]string{"HOME": home}, url: "https://api.example", key: "home-key", rate: 1, pages: 3},
		{name: "environment", env: map[string]string{"HOME": home, "TEST_URL_OLD": " http://old ", "TEST_KEY": "env-key"},
			url: "http://old", key: "env-key", rate: 1, pages: 3},
		{name: "first variable wins", env: map[string]string{"TEST_URL": "http://new", "TEST_URL_OLD": "http://old"}, url: "http://new", rate: 1, pages: 3},
		{name: "flags", flags: map[string]string{"test-url": "http://flag", "test-key-file": flagFile, "test-rate": "2.5", "test-pages": "7", "test-no-split": "true"},
			env: map[string]string{"HOME": home, "TEST_URL": "http://env", "TEST_KEY": "env-key"},
			url: "http://flag", key: "flag-key", rate: 2.5, pages: 7, split: true, warn: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var warns []string
			v, err := f.Resolve(lookup(tc.flags, tc.env, &warns))
			if err != nil {
				t.Fatal(err)
			}
			if v.String("url") != tc.url || v.Secret("key").Reveal() != tc.key || v.Float("rate") != tc.rate || v.Int("pages") != tc.pages || v.Bool("split") != tc.split {
				t.Errorf("url %q key %q rate %v pages %d split %v", v.String("url"), v.Secret("key").Reveal(), v.Float("rate"), v.Int("pages"), v.Bool("split"))
			}
			if v.Given("url") != (tc.url != "https://api.example") {
				t.Errorf("Given(url) = %v", v.Given("url"))
			}
			if got := len(warns) > 0; got != tc.warn || tc.warn && !strings.Contains(warns[0], "0644") {
				t.Errorf("warnings %q, want a warning: %v", warns, tc.warn)
			}
		})
	}
}

// TestResolveErrors checks the typed errors: a bad number names the
// setting, where it came from and the value; a key file with two lines or
// none names the file, never the key; New's own errors and missing
// credentials are typed too.
func TestResolveErrors(t *testing.T) {
	f := testFactory()
	two := filepath.Join(t.TempDir(), "two")
	if err := os.WriteFile(two, []byte(secretCanary+"\nline\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var warns []string
	_, err := f.Resolve(lookup(map[string]string{"test-rate": "fast"}, nil, &warns))
	var se *source.SettingError
	if !errors.As(err, &se) || se.Setting.Name != "rate" || se.From != "flag" || se.Value != "fast" {
		t.Errorf("bad rate: %#v", err)
	}
	for _, file := range []string{two, filepath.Join(t.TempDir(), "missing")} {
		_, err = f.Resolve(lookup(map[string]string{"test-key-file": file}, nil, &warns))
		if !errors.As(err, &se) || se.Setting.Name != "key" || se.Path != file || strings.Contains(err.Error(), secretCanary) {
			t.Errorf("key file %s: %v", file, err)
		}
	}
	v, err := f.Resolve(lookup(nil, nil, &warns))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.New(v, source.Deps{})
	var me *source.MissingError
	if !errors.Is(err, source.ErrNoCredentials) || !errors.As(err, &me) || me.Settings[0].Flag != "test-key-file" {
		t.Errorf("no key: %v", err)
	}
	v, _ = f.Resolve(lookup(map[string]string{"test-rate": "0"}, map[string]string{"TEST_KEY": "k"}, &warns))
	if _, err = f.New(v, source.Deps{}); !errors.As(err, &se) || se.From != "flag" || se.Value != "0" || se.Setting.Flag != "test-rate" {
		t.Errorf("rate 0: %#v", err)
	}
}

// TestRegistry checks the registry's order and lookups, and that a
// duplicate or nameless engine panics.
func TestRegistry(t *testing.T) {
	r := source.NewRegistry()
	r.Register(testFactory())
	other := testFactory()
	other.Name = "other"
	r.Register(other)
	if got := strings.Join(r.Names(), ","); got != "test,other" {
		t.Errorf("names %s", got)
	}
	if f, ok := r.Lookup("other"); !ok || f.Name != "other" {
		t.Errorf("Lookup(other) = %v, %v", f.Name, ok)
	}
	if _, ok := r.Lookup(model.Engine("nope")); ok {
		t.Error("Lookup(nope) found an engine")
	}
	for name, f := range map[string]source.Factory{"duplicate": testFactory(), "no name": {New: testFactory().New}, "no New": {Name: "x"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%s) did not panic", name)
				}
			}()
			r.Register(f)
		}()
	}
}

// TestRegistryBuild: an engine without credentials is reported
// missing, not built; a setting that does not parse stops the build;
// only builds the engine named.
func TestRegistryBuild(t *testing.T) {
	r := source.NewRegistry()
	r.Register(testFactory())
	other := testFactory()
	other.Name = "other"
	other.New = func(*source.Values, source.Deps) (source.Engine, error) { return nil, nil }
	r.Register(other)
	es, missing, err := r.Build("", lookup(nil, nil, nil), source.Deps{})
	if err != nil || len(es) != 1 || len(missing) != 1 || missing[0].Engine != "test" {
		t.Errorf("no key: %d engines, missing %v, %v", len(es), missing, err)
	}
	if es, missing, err := r.Build("test", lookup(nil, nil, nil), source.Deps{}); len(es) != 0 || len(missing) != 1 || err != nil {
		t.Errorf("only test: %d engines, %d missing, %v", len(es), len(missing), err)
	}
	var se *source.SettingError
	if _, _, err := r.Build("", lookup(map[string]string{"test-rate": "x"}, nil, nil), source.Deps{}); !errors.As(err, &se) {
		t.Errorf("a bad rate: %v", err)
	}
}

// TestBudgetZero checks that a budget of zero credits lets only free
// pages through, and a nil budget everything.
func TestBudgetZero(t *testing.T) {
	b := source.NewBudget(0)
	if !b.Reserve(0) || b.Reserve(1) || b.Max() != 0 {
		t.Errorf("a zero budget: Reserve(0) must succeed and Reserve(1) fail")
	}
	b.Settle(0, 0)
	if b.Spent() != 0 || source.NewBudget(-3).Max() != 0 {
		t.Errorf("spent %d, negative max %d", b.Spent(), source.NewBudget(-3).Max())
	}
}
