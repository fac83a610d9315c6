package cachedir

import "path/filepath"

// Dir returns orchex's cache directory for name: $XDG_CACHE_HOME/orchex/name
// when XDG_CACHE_HOME is an absolute path, else $HOME/.cache/orchex/name,
// else "" (no home to put it in). getenv reads the environment.
func Dir(getenv func(string) string, name string) string {
	if x := getenv("XDG_CACHE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "orchex", name)
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "orchex", name)
	}
	return ""
}
