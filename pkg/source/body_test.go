package source_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newBodyServer(t *testing.T, n int) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", n)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
