package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/all"
	"github.com/urfave/cli/v2"
)

// TestEngineFlagsUnchanged pins the flags, environment variables and
// defaults the engines' settings give collect and stats: they are the
// user's interface and must not move when an engine's code does.
func TestEngineFlagsUnchanged(t *testing.T) {
	want := map[string]string{ // flag: default as urfave prints it
		"http-timeout": "1m0s", "shodan-url": "", "shodan-key-file": "", "shodan-rate": "1",
		"censys-url": "", "censys-api": "v3", "censys-token-file": "", "censys-page-credits": "1",
		"censys-rate": "1", "censys-no-split": "",
	}
	got := map[string]string{}
	for _, f := range engineFlags() {
		df, ok := f.(cli.DocGenerationFlag)
		if !ok {
			t.Fatalf("flag %v has no default text", f.Names())
		}
		got[f.Names()[0]] = df.GetValue()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("engine flags\n got %v\nwant %v", got, want)
	}
	env := map[string]string{}
	for _, f := range all.Engines().Factories() {
		for _, s := range f.Settings {
			env[string(f.Name)+" "+s.Name] = strings.Join(s.Env, ",") + "|" + s.HomeFile
		}
	}
	for setting, sources := range map[string]string{
		"shodan url": "ORCHEX_SHODAN_URL|", "shodan key": "SHODAN_API_KEY|.config/shodan/api_key",
		"censys url": "ORCHEX_CENSYS_URL|", "censys token": "CENSYS_PLATFORM_TOKEN|", "censys org": "CENSYS_ORG_ID|",
		"censys api-id": "CENSYS_API_ID|", "censys api-secret": "CENSYS_API_SECRET|",
	} {
		if env[setting] != sources {
			t.Errorf("%s reads %q, want %q", setting, env[setting], sources)
		}
	}
	if got := strings.Join(all.Engines().Names(), ","); got != "shodan,censys" {
		t.Errorf("engines %s, want shodan,censys in that order", got)
	}
}

// TestEngineSettingsNeverPrint resolves every engine's settings from
// canary credentials, builds the adapters, and prints the settings and
// the adapters every way a careless caller might: the canaries appear
// nowhere, though the adapters hold them.
func TestEngineSettingsNeverPrint(t *testing.T) {
	env := map[string]string{"SHODAN_API_KEY": canaryShodan, "CENSYS_PLATFORM_TOKEN": canaryCensys, "CENSYS_ORG_ID": canaryOrg,
		"CENSYS_API_ID": canaryV2ID, "CENSYS_API_SECRET": canaryV2Secret}
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	for _, api := range []string{"v3", "v2"} {
		flags := map[string]string{"censys-api": api}
		l := source.Lookup{Flag: func(n string) (string, bool) { v, ok := flags[n]; return v, ok }, Getenv: func(k string) string { return env[k] }}
		for _, f := range all.Engines().Factories() {
			v, err := f.Resolve(l)
			if err != nil {
				t.Fatal(err)
			}
			e, err := f.New(v, source.Deps{})
			if err != nil {
				t.Fatalf("%s %s: %v", f.Name, api, err)
			}
			for _, x := range []any{v, e, *v} {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
					fmt.Fprintf(&out, verb+"\n", x)
				}
				if js, err := json.Marshal(x); err == nil {
					out.Write(js)
				}
				log.Info("engine", "x", x)
			}
			held := false
			for _, s := range f.Settings {
				held = held || s.Secret && !v.Secret(s.Name).Empty()
			}
			if !held {
				t.Fatalf("%s: no secret setting holds a value: nothing was checked", f.Name)
			}
		}
	}
	for what, secret := range secretForms() {
		if strings.Contains(out.String(), secret) {
			t.Errorf("printing the settings or the adapters shows the %s", what)
		}
	}
}
