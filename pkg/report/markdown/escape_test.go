package markdown

import (
	"testing"

	"github.com/orchex/orchex/pkg/report"
)

// TestLink checks that a documentation link becomes a Markdown link only
// when its address cannot break out of the angle brackets.
func TestLink(t *testing.T) {
	tests := []struct {
		l    report.Link
		want string
	}{
		{report.Link{Title: "Kubernetes authentication", URL: "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests"},
			"[Kubernetes authentication](<https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests>)"},
		{report.Link{Title: "a [tricky] *title*", URL: "https://example.org/"}, `[a \[tricky\] \*title\*](<https://example.org/>)`},
		{report.Link{Title: "angle", URL: "https://example.org/a>b"}, `angle: https://example.org/a&gt;b`},
		{report.Link{Title: "script", URL: "javascript:alert(1)"}, `script: javascript:alert(1)`},
		{report.Link{Title: "space", URL: "https://example.org/a b"}, `space: https://example.org/a b`},
		{report.Link{Title: "", URL: "https://example.org/"}, `[https://example.org/](<https://example.org/>)`},
	}
	for _, tt := range tests {
		if got := Link(tt.l); got != tt.want {
			t.Errorf("Link(%+v) = %q, want %q", tt.l, got, tt.want)
		}
	}
}
