package censys_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/censys/censystest"
)

// TestRequestLog: with a Logger, every Censys request (v3 search pages
// here) is logged at debug level with its operation, path and status,
// and the token does not appear.
func TestRequestLog(t *testing.T) {
	pop := population(30, func(int) (string, int) { return "US", 1 })
	srv := censystest.NewServer(censystest.Config{Token: canaryToken, OrgID: canaryOrg, Hosts: pop})
	defer srv.Close()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newV3(t, srv, func(cfg *censys.Config) { cfg.PageSize, cfg.Logger = 10, log })
	if _, err := run(t, c, newMemStore(), source.Query{ID: "q", Text: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, `msg="censys request" op="search \"x\"" path=/v3/global/search/query status=200 `); n != srv.Stats().Pages {
		t.Errorf("%d request lines for %d pages:\n%s", n, srv.Stats().Pages, out)
	}
	if strings.Contains(out, canaryToken) {
		t.Errorf("the log holds the token:\n%s", out)
	}
}
