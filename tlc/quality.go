package tlc

import (
	"embed"
	"fmt"

	"github.com/magnumopus/opus/quality"
)

// The default expectation suites, one per kind, as Great Expectations 1.x
// JSON: ranges, value sets, zones 1-265, dropoff not before pickup. They
// are meant to be copied and edited (SuiteJSON gives the text).
//
//go:embed suites/*.suite.json
var suiteFiles embed.FS

// SuiteJSON returns the default GX suite of kind k as JSON text.
func SuiteJSON(k Kind) ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("tlc: no suite for kind %q", k)
	}
	return suiteFiles.ReadFile("suites/" + string(k) + ".suite.json")
}

// Suite returns the default GX suite of kind k, parsed.
func Suite(k Kind) (*quality.Suite, error) {
	data, err := SuiteJSON(k)
	if err != nil {
		return nil, err
	}
	s, err := quality.ParseSuite(data)
	if err != nil {
		return nil, fmt.Errorf("tlc: default %s suite: %w", k, err)
	}
	return s, nil
}
