package cli

import (
	"fmt"
	"io"

	"github.com/orchex/orchex/internal/safejson"
)

// writeJSON writes v as indented JSON for a terminal or a pipe, with bidi
// controls escaped (see safejson).
func writeJSON(w io.Writer, v any) error {
	if err := safejson.Encode(w, v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// dash is s, or "-" for an empty value in a table.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
