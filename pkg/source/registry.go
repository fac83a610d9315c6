package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Factory describes one engine to the programs that offer it: its name,
// its settings as data, and how to build its adapter from them. Each
// engine package returns its Factory; a [Registry] lists them.
type Factory struct {
	Name     model.Engine
	Settings []Setting
	// New builds the adapter from resolved settings. It returns an error
	// that errors.Is [ErrNoCredentials] (a *[MissingError]) when the
	// settings hold no credentials, and a *[SettingError] when one
	// setting's value is wrong.
	New func(v *Values, d Deps) (Engine, error)
}

// Deps are what an adapter takes from the program besides its settings.
// Zero fields get the engine's defaults.
type Deps struct {
	HTTPClient *http.Client
	Logger     *slog.Logger // request log at debug level
	Now        func() time.Time
	// Sleep waits between the adapter's own retries (calls the pager
	// does not retry, such as account checks); nil sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Warn is told about settings that work but may not do what the user
	// wants; nil discards.
	Warn func(msg string)
}

// Warnf calls d.Warn, when set, with a formatted message.
func (d Deps) Warnf(format string, args ...any) {
	if d.Warn != nil {
		d.Warn(fmt.Sprintf(format, args...))
	}
}

// Registry lists the engines a program offers, in the order registered.
type Registry struct {
	list []Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// Register adds f. It panics when f has no name or no New, or when an
// engine of that name is registered already: both are programming errors.
func (r *Registry) Register(f Factory) {
	if f.Name == "" || f.New == nil {
		panic("source: Register: factory without a name or New")
	}
	if _, ok := r.Lookup(f.Name); ok {
		panic("source: Register: duplicate engine " + string(f.Name))
	}
	r.list = append(r.list, f)
}

// Factories returns the engines in the order registered.
func (r *Registry) Factories() []Factory { return append([]Factory(nil), r.list...) }

// Lookup returns the engine named name.
func (r *Registry) Lookup(name model.Engine) (Factory, bool) {
	for _, f := range r.list {
		if f.Name == name {
			return f, true
		}
	}
	return Factory{}, false
}

// Names returns the engines' names in the order registered.
func (r *Registry) Names() []string {
	out := make([]string, len(r.list))
	for i, f := range r.list {
		out[i] = string(f.Name)
	}
	return out
}

// Build resolves the settings of the engine named only, or of every
// engine when only is "", with l, and builds their adapters, in the order
// registered. An engine without credentials is not built: its
// *MissingError is returned in missing. Any other error (a setting that
// does not parse, an adapter that cannot be made) stops the build.
func (r *Registry) Build(only model.Engine, l Lookup, d Deps) (engines []Engine, missing []*MissingError, err error) {
	for _, f := range r.list {
		if only != "" && f.Name != only {
			continue
		}
		v, err := f.Resolve(l)
		var e Engine
		if err == nil {
			e, err = f.New(v, d)
		}
		var me *MissingError
		switch {
		case errors.As(err, &me):
			missing = append(missing, me)
			continue
		case err != nil:
			return nil, nil, err
		}
		engines = append(engines, e)
	}
	return engines, missing, nil
}

// ErrNoCredentials means an engine was given no credentials: a program
// that runs every engine it can skips it.
var ErrNoCredentials = errors.New("no credentials")

// MissingError says which settings an engine needs and did not get.
type MissingError struct {
	Engine   model.Engine
	Settings []Setting // the settings that would have given credentials
}

func (e *MissingError) Error() string {
	names := make([]string, len(e.Settings))
	for i, s := range e.Settings {
		names[i] = s.Name
	}
	return fmt.Sprintf("%s: %v (%s)", e.Engine, ErrNoCredentials, strings.Join(names, ", "))
}

// Unwrap returns [ErrNoCredentials].
func (e *MissingError) Unwrap() error { return ErrNoCredentials }
