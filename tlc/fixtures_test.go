package tlc

import (
	"testing"

	"github.com/magnumopus/opus/internal/fixtures"
)

// fixture returns the path of a real TLC file, or skips the test.
func fixture(tb testing.TB, name string) string {
	tb.Helper()
	return fixtures.Path(tb, name)
}
