package main

import (
	"github.com/magnumopus/opus/quality"
)

// writeDocs adds the run to the Data Docs site in dir and returns its page.
func writeDocs(dir string, res *quality.SuiteValidationResult) (string, error) {
	return quality.DataDocs{Dir: dir}.Write(res)
}
