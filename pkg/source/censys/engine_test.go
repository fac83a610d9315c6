package censys_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
)

// TestFactoryDepsClock checks that the adapters the Factory builds, v3
// and v2, take the program's clock (source.Deps.Now): a Retry-After given
// as an HTTP date is measured from it, not from the machine's time.
func TestFactoryDepsClock(t *testing.T) {
	at := time.Date(2020, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", at.Add(30*time.Second).Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"rate limit exceeded"}`))
	}))
	defer srv.Close()
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			flags := map[string]string{"censys-url": srv.URL, "censys-api": api}
			env := map[string]string{"CENSYS_PLATFORM_TOKEN": canaryToken, "CENSYS_ORG_ID": canaryOrg,
				"CENSYS_API_ID": canaryID, "CENSYS_API_SECRET": canarySecret}
			f := censys.Factory()
			v, err := f.Resolve(source.Lookup{
				Flag:   func(name string) (string, bool) { s, ok := flags[name]; return s, ok },
				Getenv: func(k string) string { return env[k] },
			})
			if err != nil {
				t.Fatal(err)
			}
			e, err := f.New(v, source.Deps{Now: func() time.Time { return at }})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Fetch(context.Background(), source.Query{ID: "q", Text: "host.services.port: 443"}, 1, "")
			var he *source.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want a *source.HTTPError", err)
			}
			if he.RetryAfter != 30*time.Second {
				t.Errorf("RetryAfter = %v, want 30s from the injected clock", he.RetryAfter)
			}
		})
	}
}
