package tlc

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData is where the real TLC fixtures live in this workspace. They are
// never copied into the project; tests that need them skip without them.
const sharedData = "../../shared/data/tlc"

// fixture returns the path of a real TLC file, or skips the test.
func fixture(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(sharedData, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("needs the real TLC fixture %s (../shared/data/tlc not found): %v", name, err)
	}
	return p
}
