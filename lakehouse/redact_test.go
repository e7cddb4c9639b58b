package lakehouse_test

import (
	"testing"

	"github.com/magnumopus/opus/lakehouse"
)

func TestRedactURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://opus:secret@db:5432/cat?sslmode=disable", "postgres://opus:xxxxx@db:5432/cat?sslmode=disable"},
		{"postgres://opus@db/cat", "postgres://opus@db/cat"},
		{"sqlite:/tmp/catalog.db", "sqlite:/tmp/catalog.db"},
		{"", ""},
	} {
		if got := lakehouse.RedactURI(tc.in); got != tc.want {
			t.Errorf("RedactURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
