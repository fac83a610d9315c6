package brief_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// pdfText returns the text of a PDF by pdftotext (poppler-utils); ok is
// false, and the test says so, when the tool is not installed.
func pdfText(t *testing.T, b []byte) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext not found (apt-get install poppler-utils): the PDF's text is not checked")
		return "", false
	}
	path := filepath.Join(t.TempDir(), "brief.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}
