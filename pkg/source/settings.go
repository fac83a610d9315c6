package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/orchex/orchex/pkg/model"
)

// Kind is the type of a setting's value.
type Kind int

// The kinds of settings.
const (
	String Kind = iota
	Int
	Float
	Bool
)

// Setting is one engine setting, described as data so that a program can
// offer it (as a flag, an environment variable, a file) without knowing
// the engine. Where a value comes from, in order: the flag, the first
// environment variable that is set, the file under $HOME, the default.
type Setting struct {
	Name string // the engine's name for it: "url", "key", "rate"
	// Flag is the command-line name ("shodan-url"); "" for a setting
	// read from the environment only. With File, the flag names a file.
	Flag    string
	Env     []string // environment variables, first non-empty wins
	Kind    Kind
	Default string // the value when nothing sets it, as text
	// Usage is one line of help; a `WORD` in backquotes names the value.
	Usage string
	// Secret marks a credential: it is held as a [Secret] and never
	// printed.
	Secret bool
	// File makes the flag's value a path: the setting's value is the
	// file's content, one line. A file that others can read gets a
	// warning.
	File bool
	// HomeFile is a file under $HOME read when neither the flag nor the
	// environment set the value (".config/shodan/api_key"); File rules
	// apply.
	HomeFile string
}

// Lookup is where [Factory.Resolve] finds values besides the defaults.
type Lookup struct {
	// Flag returns a flag's value as text and whether it was given.
	Flag func(name string) (string, bool)
	// Getenv reads the environment; nil reads nothing.
	Getenv func(string) string
	// Warn is told about key files that others can read; nil discards.
	Warn func(msg string)
}

// Values are an engine's resolved settings.
type Values struct {
	engine   model.Engine
	settings map[string]Setting
	vals     map[string]any
	from     map[string]string // where each value came from; "" for the default
}

// Resolve finds the value of each of f's settings and checks its type.
// Errors are *[SettingError]s; they never hold a secret.
func (f Factory) Resolve(l Lookup) (*Values, error) {
	v := &Values{engine: f.Name, settings: map[string]Setting{}, vals: map[string]any{}, from: map[string]string{}}
	for _, s := range f.Settings {
		v.settings[s.Name] = s
		text, from, err := resolve(f.Name, s, l)
		if err != nil {
			return nil, err
		}
		v.from[s.Name] = from
		if s.Secret {
			v.vals[s.Name] = NewSecret(text)
			continue
		}
		val, err := parse(s.Kind, text)
		if err != nil {
			return nil, &SettingError{Engine: f.Name, Setting: s, From: from, Value: text, Err: err}
		}
		v.vals[s.Name] = val
	}
	return v, nil
}

// resolve returns a setting's text and where it came from ("" for the
// default): "flag", an environment variable's name, or a file's path.
func resolve(engine model.Engine, s Setting, l Lookup) (text, from string, err error) {
	getenv := l.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if s.Flag != "" && l.Flag != nil {
		if val, ok := l.Flag(s.Flag); ok {
			if !s.File {
				return val, "flag", nil
			}
			text, err := readFile(engine, s, val, "flag", l.Warn)
			return text, "flag", err
		}
	}
	for _, name := range s.Env {
		if val := strings.TrimSpace(getenv(name)); val != "" {
			return val, name, nil
		}
	}
	if s.HomeFile != "" {
		if home := getenv("HOME"); home != "" {
			path := filepath.Join(home, s.HomeFile)
			if _, err := os.Stat(path); err == nil {
				text, err := readFile(engine, s, path, path, l.Warn)
				return text, path, err
			}
		}
	}
	return s.Default, "", nil
}

// readFile reads a one-line credential or value file, warning when
// others can read it. The value never appears in an error.
func readFile(engine model.Engine, s Setting, path, from string, warn func(string)) (string, error) {
	fail := func(err error) (string, error) {
		return "", &SettingError{Engine: engine, Setting: s, From: from, Path: path, Err: err}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && warn != nil {
		warn(fmt.Sprintf("%s: warning: %s file %s has permissions %04o; others can read it (chmod 600 %s)", engine, s.Name, path, perm, path))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	text := strings.TrimSpace(string(b))
	if text == "" || strings.ContainsAny(text, " \t\r\n") {
		return fail(fmt.Errorf("want one %s on one line", s.Name))
	}
	return text, nil
}

func parse(k Kind, text string) (any, error) {
	switch k {
	case Int:
		if text == "" {
			return 0, nil
		}
		return strconv.Atoi(strings.TrimSpace(text))
	case Float:
		if text == "" {
			return 0.0, nil
		}
		return strconv.ParseFloat(strings.TrimSpace(text), 64)
	case Bool:
		if text == "" {
			return false, nil
		}
		return strconv.ParseBool(strings.TrimSpace(text))
	}
	return text, nil
}

// String returns a string setting ("" when unknown).
func (v *Values) String(name string) string { s, _ := v.vals[name].(string); return s }

// Int returns an integer setting.
func (v *Values) Int(name string) int { n, _ := v.vals[name].(int); return n }

// Float returns a floating-point setting.
func (v *Values) Float(name string) float64 { f, _ := v.vals[name].(float64); return f }

// Bool returns a boolean setting.
func (v *Values) Bool(name string) bool { b, _ := v.vals[name].(bool); return b }

// Secret returns a secret setting.
func (v *Values) Secret(name string) Secret { s, _ := v.vals[name].(Secret); return s }

// Given reports whether a flag, the environment or a file set the value.
func (v *Values) Given(name string) bool { return v.from[name] != "" }

// Setting returns the named setting's description.
func (v *Values) Setting(name string) Setting { return v.settings[name] }

// Errorf returns a *[SettingError] for the named setting's value.
func (v *Values) Errorf(name, format string, args ...any) error {
	s := v.settings[name]
	e := &SettingError{Engine: v.engine, Setting: s, From: v.from[name], Err: fmt.Errorf(format, args...)}
	if !s.Secret {
		e.Value = fmt.Sprint(v.vals[name])
	}
	return e
}

// Missing returns a *[MissingError] for the named settings.
func (v *Values) Missing(names ...string) error {
	e := &MissingError{Engine: v.engine}
	for _, n := range names {
		e.Settings = append(e.Settings, v.settings[n])
	}
	return e
}

// SettingError is a setting whose value is wrong, or whose file could not
// be read. Value is "" for secrets.
type SettingError struct {
	Engine  model.Engine
	Setting Setting
	From    string // "flag", an environment variable, a file path, or "" for the default
	Path    string // the file read, if any
	Value   string
	Err     error
}

func (e *SettingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Engine, e.Setting.Name)
	if e.Path != "" {
		fmt.Fprintf(&b, " file %s", e.Path)
	} else if e.Value != "" {
		fmt.Fprintf(&b, " %q", e.Value)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the cause.
func (e *SettingError) Unwrap() error { return e.Err }
