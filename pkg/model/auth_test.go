package model

import "testing"

// TestAuthVerdictEvidence: every figure counts open, likely_open and
// auth_required as they are and anything else as unknown; changes are
// judged on the evidence, where likely_open proves nothing.
func TestAuthVerdictEvidence(t *testing.T) {
	for _, tc := range []struct{ in, verdict, evidence Auth }{
		{AuthOpen, AuthOpen, AuthOpen},
		{AuthRequired, AuthRequired, AuthRequired},
		{AuthLikelyOpen, AuthLikelyOpen, AuthUnknown},
		{AuthUnknown, AuthUnknown, AuthUnknown},
		{"", AuthUnknown, AuthUnknown},
		{"OPEN", AuthUnknown, AuthUnknown},
	} {
		if v, e := tc.in.Verdict(), tc.in.Evidence(); v != tc.verdict || e != tc.evidence {
			t.Errorf("%q: verdict %q, evidence %q; want %q, %q", tc.in, v, e, tc.verdict, tc.evidence)
		}
	}
}
