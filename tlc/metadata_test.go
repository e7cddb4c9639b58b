package tlc

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// publishedColumns reads tlc_file_metadata_2009-2024.csv: file name to the
// column names its Parquet footer lists.
func publishedColumns(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(fixture(t, "tlc_file_metadata_2009-2024.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, row := range rows[1:] {
		out[row[0]] = strings.Split(row[8], ",")
	}
	if len(out) < 400 {
		t.Fatalf("metadata lists only %d files", len(out))
	}
	return out
}
