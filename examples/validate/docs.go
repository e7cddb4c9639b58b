package main

import (
	"fmt"

	"github.com/magnumopus/opus/quality"
)

// writeDocs adds the run to the Data Docs site in dir (wired to the quality
// package's Data Docs once they land).
func writeDocs(dir string, res *quality.SuiteValidationResult) (string, error) {
	return "", fmt.Errorf("-docs %s: Data Docs are not available yet", dir)
}
