package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/all"
	"github.com/urfave/cli/v2"
)

// engineFlags are the flags of collect and stats: the HTTP timeout every
// engine shares, then each registered engine's settings that have a flag.
func engineFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.DurationFlag{Name: "http-timeout", Value: 60 * time.Second,
			Usage: "give up one API request (connect, send, read the whole answer) after `DURATION`; it then counts as a network error and is retried"},
	}
	for _, f := range all.Engines().Factories() {
		for _, s := range f.Settings {
			if s.Flag != "" {
				flags = append(flags, settingFlag(s))
			}
		}
	}
	return flags
}

// settingFlag is the flag of one engine setting.
func settingFlag(s source.Setting) cli.Flag {
	switch {
	case s.File || s.Kind == source.String:
		return &cli.StringFlag{Name: s.Flag, Usage: s.Usage, Value: s.Default}
	case s.Kind == source.Int:
		n, _ := strconv.Atoi(s.Default)
		return &cli.IntFlag{Name: s.Flag, Usage: s.Usage, Value: n}
	case s.Kind == source.Float:
		x, _ := strconv.ParseFloat(s.Default, 64)
		return &cli.Float64Flag{Name: s.Flag, Usage: s.Usage, Value: x}
	}
	return &cli.BoolFlag{Name: s.Flag, Usage: s.Usage}
}

// engineNames checks --engine: "" or a registered engine.
func engineNames(only string) error {
	names := all.Engines().Names()
	if only != "" && !slices.Contains(names, only) {
		return usagef("--engine %q: want %s", only, strings.Join(names, " or "))
	}
	return nil
}

// engines builds the adapters of the run from the flags and environment
// (source.Registry.Build): the engine named, which must have
// credentials, or every engine that has them; an engine without
// credentials is skipped, and said so.
func (g *globals) engines(c *cli.Context, only string) ([]source.Engine, error) {
	if err := engineNames(only); err != nil {
		return nil, err
	}
	d := c.Duration("http-timeout")
	if d <= 0 {
		return nil, usagef("--http-timeout %v: want a positive duration such as 30s or 2m", d)
	}
	level := slog.LevelInfo
	if g.verbose && !g.quiet {
		level = slog.LevelDebug
	}
	deps := source.Deps{HTTPClient: &http.Client{Timeout: d}, Now: g.env.Now, Sleep: g.env.Sleep,
		Logger: slog.New(slog.NewTextHandler(g.env.Stderr, &slog.HandlerOptions{Level: level})),
		Warn:   func(msg string) { g.logf("%s", terminal.Sanitize(msg)) }}
	flag := func(name string) (string, bool) {
		if !c.IsSet(name) {
			return "", false
		}
		return fmt.Sprint(c.Value(name)), true
	}
	out, missing, err := all.Engines().Build(model.Engine(only), source.Lookup{Flag: flag, Getenv: g.env.Getenv, Warn: deps.Warn}, deps)
	if err != nil {
		return nil, settingError(err)
	}
	var hints []string
	for _, me := range missing {
		hint := "set " + sources(me.Settings, " and ")
		if only != "" {
			return nil, usagef("%s: no credentials: %s", me.Engine, hint)
		}
		g.logf("%s: skipped: no credentials (%s)", me.Engine, hint)
		hints = append(hints, fmt.Sprintf("%s: %s", me.Engine, hint))
	}
	if len(out) == 0 {
		return nil, usagef("no engine has credentials: %s", strings.Join(hints, "; "))
	}
	return out, nil
}

// sources says where settings come from: "SHODAN_API_KEY or
// --shodan-key-file or ~/.config/shodan/api_key", joined by sep.
func sources(settings []source.Setting, sep string) string {
	var out []string
	for _, s := range settings {
		alt := slices.Clone(s.Env)
		if s.Flag != "" {
			alt = append(alt, "--"+s.Flag)
		}
		if s.HomeFile != "" {
			alt = append(alt, "~/"+s.HomeFile)
		}
		out = append(out, strings.Join(alt, " or "))
	}
	return strings.Join(out, sep)
}

// credentials says where an engine's credentials come from: its secret
// settings and those read from the environment only.
func credentials(engine model.Engine) string {
	f, _ := all.Engines().Lookup(engine)
	var creds []source.Setting
	for _, s := range f.Settings {
		if s.Secret || (s.Flag == "" && len(s.Env) > 0) {
			creds = append(creds, s)
		}
	}
	return sources(creds, "; ")
}

// settingError turns an engine setting's error into a usage error that
// names the flag, variable or file the value came from.
func settingError(err error) error {
	var se *source.SettingError
	if !errors.As(err, &se) {
		return err
	}
	where := se.From
	switch {
	case se.From == "flag", se.From == "" && se.Setting.Flag != "":
		where = "--" + se.Setting.Flag
	case se.From == "":
		where = string(se.Engine) + " " + se.Setting.Name
	}
	if se.Path != "" && se.Path != where {
		where += " " + se.Path
	} else if se.Value != "" {
		where += " " + se.Value
	}
	return usagef("%s: %v", where, se.Err)
}
