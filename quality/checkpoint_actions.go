package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// ErrValidationFailed is wrapped by the error FailAction returns when the
// suite failed; a command can test for it with errors.Is and exit non-zero.
var ErrValidationFailed = errors.New("validation failed")

// StoreResultAction stores the result's GX JSON in a validations store
// under Dir, laid out as GX lays it out (see ResultStorePath). A DataDocs
// site with the same Dir lists the stored runs on its next BuildIndex.
type StoreResultAction struct {
	// Dir is the store's root directory.
	Dir string
}

// Name returns "store_validation_result".
func (StoreResultAction) Name() string { return "store_validation_result" }

// Run writes the result's JSON.
func (a StoreResultAction) Run(_ context.Context, res *CheckpointResult) (string, error) {
	if a.Dir == "" {
		return "", fmt.Errorf("no store directory")
	}
	if res.Result == nil {
		return "", fmt.Errorf("no validation result")
	}
	path := filepath.Join(a.Dir, filepath.FromSlash(ResultStorePath(res.Result)))
	if err := writeResultFile(path, res.Result); err != nil {
		return "", err
	}
	return "stored " + path, nil
}

// WriteResultAction writes the result's GX JSON (indented) to Writer
// when it is set, else to the file at Path.
type WriteResultAction struct {
	// Path is the file written (replaced if it exists).
	Path string
	// Writer, when set, receives the JSON instead of Path.
	Writer io.Writer
}

// Name returns "write_validation_result".
func (WriteResultAction) Name() string { return "write_validation_result" }

// Run writes the result's JSON.
func (a WriteResultAction) Run(_ context.Context, res *CheckpointResult) (string, error) {
	if res.Result == nil {
		return "", fmt.Errorf("no validation result")
	}
	if a.Writer != nil {
		if err := res.Result.WriteJSON(a.Writer); err != nil {
			return "", err
		}
		return "wrote the result JSON", nil
	}
	if a.Path == "" {
		return "", fmt.Errorf("no path or writer to write the result to")
	}
	if err := writeResultFile(a.Path, res.Result); err != nil {
		return "", err
	}
	return "wrote " + a.Path, nil
}

// UpdateDataDocsAction adds the result to a Data Docs site: its JSON, its
// page and the rebuilt index (see DataDocs.Write).
type UpdateDataDocsAction struct {
	// Docs is the site updated.
	Docs DataDocs
}

// Name returns "update_data_docs".
func (UpdateDataDocsAction) Name() string { return "update_data_docs" }

// Run writes the run's page and rebuilds the index; the detail is the
// page's path.
func (a UpdateDataDocsAction) Run(_ context.Context, res *CheckpointResult) (string, error) {
	if res.Result == nil {
		return "", fmt.Errorf("no validation result")
	}
	page, err := a.Docs.Write(res.Result)
	if err != nil {
		return "", err
	}
	return "wrote " + page, nil
}

// FailAction fails the checkpoint run when the validation failed: its
// error wraps ErrValidationFailed and names the unsuccessful
// expectations. Put it last so that the actions before it (storing the
// result, updating Data Docs, quarantining rows) still run.
type FailAction struct{}

// Name returns "fail_on_validation_failure".
func (FailAction) Name() string { return "fail_on_validation_failure" }

// Run returns an error wrapping ErrValidationFailed when the validation
// failed, nil otherwise.
func (FailAction) Run(_ context.Context, res *CheckpointResult) (string, error) {
	r := res.Result
	if r == nil {
		return "", fmt.Errorf("no validation result")
	}
	if r.Success {
		return "validation succeeded", nil
	}
	var failed []string
	for _, x := range r.Results {
		if x.Success || x.ExpectationConfig == nil {
			continue
		}
		name := x.ExpectationConfig.Type
		if col := x.ExpectationConfig.Column(); col != "" {
			name += "(" + col + ")"
		}
		failed = append(failed, name)
	}
	const show = 5
	list := strings.Join(failed[:min(len(failed), show)], ", ")
	if len(failed) > show {
		list += fmt.Sprintf(" and %d more", len(failed)-show)
	}
	return "", fmt.Errorf("%w: suite %q: %d of %d expectations unsuccessful: %s", ErrValidationFailed,
		r.SuiteName, r.Statistics.UnsuccessfulExpectations, r.Statistics.EvaluatedExpectations, list)
}

// QuarantineAction splits the validated table with Quarantine, by the
// row failures of the validation (every failing column-map, column-pair
// and multicolumn expectation), and hands the parts on: the Split to
// Handle, the valid rows to WriteValid and the rejected rows (with their
// _row and _failed_checks columns) to WriteRejected, each when set and in
// that order. The split is released when the action returns: callbacks
// that keep batches must Retain them.
type QuarantineAction struct {
	// Handle receives the whole split.
	Handle func(ctx context.Context, s *Split) error
	// WriteValid receives the rows that failed nothing.
	WriteValid func(ctx context.Context, valid []arrow.RecordBatch) error
	// WriteRejected receives the rows that failed something.
	WriteRejected func(ctx context.Context, rejected []arrow.RecordBatch) error
}

// Name returns "quarantine".
func (QuarantineAction) Name() string { return "quarantine" }

// Run splits the table and calls the callbacks; the detail counts the
// rows of each part and the rejected rows of each expectation.
func (a QuarantineAction) Run(ctx context.Context, res *CheckpointResult) (string, error) {
	if res.Table == nil || res.Result == nil {
		return "", fmt.Errorf("no table or validation result to quarantine")
	}
	s, err := Quarantine(res.Table, res.Result.Failures...)
	if err != nil {
		return "", err
	}
	defer s.Release()
	if a.Handle != nil {
		if err := a.Handle(ctx, s); err != nil {
			return "", err
		}
	}
	if a.WriteValid != nil {
		if err := a.WriteValid(ctx, s.Valid); err != nil {
			return "", fmt.Errorf("writing valid rows: %w", err)
		}
	}
	if a.WriteRejected != nil {
		if err := a.WriteRejected(ctx, s.Rejected); err != nil {
			return "", fmt.Errorf("writing rejected rows: %w", err)
		}
	}
	detail := fmt.Sprintf("%d valid rows, %d rejected", s.ValidRows, s.RejectedRows)
	if len(s.FailuresByCheck) > 0 {
		checks := gxSortedKeys(s.FailuresByCheck)
		slices.SortStableFunc(checks, func(x, y string) int {
			return int(min(max(s.FailuresByCheck[y]-s.FailuresByCheck[x], -1), 1))
		})
		parts := make([]string, len(checks))
		for i, c := range checks {
			parts[i] = fmt.Sprintf("%s: %d", c, s.FailuresByCheck[c])
		}
		detail += " (" + strings.Join(parts, "; ") + ")"
	}
	return detail, nil
}
