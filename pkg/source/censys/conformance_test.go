package censys_test

import (
	"fmt"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
	"github.com/orchex/orchex/pkg/source/sourcetest"
)

// fake adapts a censystest.Server to sourcetest.Fake.
type fake struct {
	srv   *censystest.Server
	query string
}

func (f *fake) Inject(faults ...sourcetest.Fault) {
	m := map[sourcetest.Fault]censystest.Fault{
		sourcetest.None:           censystest.None,
		sourcetest.Unauthorized:   censystest.Unauthorized,
		sourcetest.Forbidden:      censystest.Forbidden,
		sourcetest.BadQuery:       censystest.Rejected,
		sourcetest.RateLimit:      censystest.TooManyNoRetry,
		sourcetest.RateLimitAfter: censystest.TooMany,
		sourcetest.Unavailable:    censystest.Unavailable,
		sourcetest.Reset:          censystest.Reset,
		sourcetest.Truncated:      censystest.Truncated,
		sourcetest.Error200:       censystest.Error200,
	}
	for _, x := range faults {
		k, ok := m[x]
		if !ok {
			panic(fmt.Sprintf("censys conformance: no fake fault for %q", x))
		}
		f.srv.Inject(k)
	}
}

func (f *fake) Served(page int) int { return f.srv.Served(f.query, page) }
func (f *fake) Credits() int        { return f.srv.Stats().Credits }

const conformanceQuery = `host.services.endpoints.http.html_title: "Portainer"`

func TestConformanceV3(t *testing.T) {
	sourcetest.Run(t, sourcetest.Harness{
		Query:       source.Query{ID: "portainer/censys/1", Product: "portainer", Text: conformanceQuery},
		PageSize:    censys.PageSize,
		Secret:      canaryToken,
		CostPerPage: 1,
		Start: func(t *testing.T, cfg sourcetest.Config) (source.Engine, sourcetest.Fake) {
			srv := censystest.NewServer(censystest.Config{Token: cfg.Secret, OrgID: canaryOrg,
				Hosts: population(cfg.Results, func(int) (string, int) { return "US", 16509 }), Faults: censystest.Faults{RetryAfter: 1}})
			t.Cleanup(srv.Close)
			url, hc := sourcetest.Serve(t, cfg, srv.Handler(), srv.URL())
			c, err := censys.New(censys.Config{BaseURL: url, HTTPClient: hc, Token: source.NewSecret(cfg.Secret), OrgID: canaryOrg, Rate: 1e6})
			if err != nil {
				t.Fatal(err)
			}
			return c, &fake{srv: srv, query: conformanceQuery}
		},
	})
}

func TestConformanceV2(t *testing.T) {
	sourcetest.Run(t, sourcetest.Harness{
		Query:       source.Query{ID: "portainer/censys/2", Product: "portainer", Text: `services.http.response.html_title: "Portainer"`},
		PageSize:    censys.PageSize,
		Secret:      canarySecret,
		CostPerPage: 1,
		Start: func(t *testing.T, cfg sourcetest.Config) (source.Engine, sourcetest.Fake) {
			docs := make([][]byte, cfg.Results)
			for i := range docs {
				docs[i] = v2Doc(fmt.Sprintf("10.1.%d.%d", i/256, i%256), 443)
			}
			srv := censystest.NewServer(censystest.Config{APIID: canaryID, Secret: cfg.Secret, V2Hosts: docs, Faults: censystest.Faults{RetryAfter: 1}})
			t.Cleanup(srv.Close)
			url, hc := sourcetest.Serve(t, cfg, srv.Handler(), srv.URL())
			c, err := censys.NewV2(censys.V2Config{BaseURL: url + "/api", HTTPClient: hc, APIID: source.NewSecret(canaryID), Secret: source.NewSecret(cfg.Secret), Rate: 1e6})
			if err != nil {
				t.Fatal(err)
			}
			return c, &fake{srv: srv, query: `services.http.response.html_title: "Portainer"`}
		},
	})
}
