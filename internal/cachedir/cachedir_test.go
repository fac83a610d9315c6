package cachedir

import "testing"

// TestDir: an absolute XDG_CACHE_HOME wins, a relative one is ignored,
// HOME is the fallback, and with neither there is no cache.
func TestDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, "/x/cache/orchex/ranges"},
		{map[string]string{"XDG_CACHE_HOME": "relative", "HOME": "/home/u"}, "/home/u/.cache/orchex/ranges"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.cache/orchex/ranges"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := Dir(func(k string) string { return tt.env[k] }, "ranges"); got != tt.want {
			t.Errorf("Dir(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
	if got := Dir(func(k string) string { return map[string]string{"HOME": "/h", "XDG_CACHE_HOME": "/x"}[k] }, "eol"); got != "/x/orchex/eol" {
		t.Errorf("eol: %q", got)
	}
}
