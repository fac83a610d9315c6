package cli

import (
	"strings"
	"testing"
)

// TestHelpSaysPDFNeedsOut: every command that refuses --format pdf on
// standard output says so in its --out help (diff's said "default:
// stdout" only).
func TestHelpSaysPDFNeedsOut(t *testing.T) {
	for _, cmd := range []string{"report", "diff", "trend"} {
		help, stderr, code := run(t, nil, "help", cmd)
		if code != 0 {
			t.Fatalf("help %s: exit %d\n%s", cmd, code, stderr)
		}
		var out string
		for _, line := range strings.Split(help, "\n") {
			if strings.Contains(line, "--out FILE") {
				out = line
			}
		}
		if !strings.Contains(out, "required for pdf") {
			t.Errorf("help %s: the --out line %q does not say pdf needs it", cmd, out)
		}
		_, stderr, code = run(t, nil, "--db", "none.db", cmd, "--format", "pdf", "a", "b")
		if cmd != "diff" {
			_, stderr, code = run(t, nil, "--db", "none.db", cmd, "--format", "pdf")
		}
		if code != ExitUsage || !strings.Contains(stderr, "--format pdf needs --out FILE") {
			t.Errorf("%s --format pdf without --out: exit %d\n%s", cmd, code, stderr)
		}
	}
}
