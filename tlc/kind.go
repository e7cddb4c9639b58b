package tlc

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Kind is one of the TLC's trip record families.
type Kind string

// The four trip record kinds the TLC publishes.
const (
	Yellow Kind = "yellow" // yellow medallion taxis (tpep_* columns)
	Green  Kind = "green"  // green boro taxis (lpep_* columns)
	FHV    Kind = "fhv"    // for-hire vehicles other than high-volume bases
	FHVHV  Kind = "fhvhv"  // high-volume for-hire services (Uber, Lyft, ...)
)

// Kinds lists every kind in a stable order.
func Kinds() []Kind { return []Kind{Yellow, Green, FHV, FHVHV} }

// Valid reports whether k is one of the four known kinds.
func (k Kind) Valid() bool {
	switch k {
	case Yellow, Green, FHV, FHVHV:
		return true
	}
	return false
}

// ParseKind parses a kind name, case-insensitively.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if !k.Valid() {
		return "", fmt.Errorf("tlc: unknown trip kind %q (want yellow, green, fhv or fhvhv)", s)
	}
	return k, nil
}

// fileKindPattern matches the names the TLC and common mirrors use:
// yellow_tripdata_2024-01.parquet, fhvhv_tripdata_2020-04.csv,
// yellow-tripdata-sample.csv, green_tripdatasample_2020-04.csv.
// fhvhv comes before fhv so that the longer name wins.
var fileKindPattern = regexp.MustCompile(`^(yellow|green|fhvhv|fhv)[_-]`)

// KindFromFileName detects the kind from a file name such as
// "yellow_tripdata_2024-01.parquet". It reports false when the name does not
// start with a kind.
func KindFromFileName(name string) (Kind, bool) {
	m := fileKindPattern.FindStringSubmatch(strings.ToLower(filepath.Base(name)))
	if m == nil {
		return "", false
	}
	return Kind(m[1]), true
}

// KindFromColumns detects the kind from a file's column names, whatever their
// spelling or year: tpep_* or the 2009/2010 yellow names mean yellow, lpep_*
// green, hvfhs_license_num fhvhv, and dispatching_base_num alone fhv.
func KindFromColumns(columns []string) (Kind, bool) {
	has := make(map[string]bool, len(columns))
	for _, c := range columns {
		has[strings.ToLower(c)] = true
	}
	switch {
	case has["hvfhs_license_num"]:
		return FHVHV, true
	case has["lpep_pickup_datetime"]:
		return Green, true
	case has["tpep_pickup_datetime"], has["trip_pickup_datetime"],
		has["vendor_name"], has["pickup_longitude"]:
		return Yellow, true
	case has["dispatching_base_num"]:
		return FHV, true
	}
	return "", false
}
