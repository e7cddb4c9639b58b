package quality

import (
	"context"
	"errors"
	"fmt"
)

// Checkpoint validates data with a suite and then runs actions on the
// result, as a GX checkpoint does: store the result, update Data Docs,
// quarantine the failing rows, fail the pipeline. Actions run in order.
//
//	cp := &quality.Checkpoint{
//		Name:  "nightly",
//		Suite: suite,
//		Actions: []quality.Action{
//			quality.UpdateDataDocsAction{Docs: quality.DataDocs{Dir: "docs"}},
//			quality.QuarantineAction{WriteRejected: writeRejected},
//			quality.FailAction{},
//		},
//	}
//	res, err := cp.Run(ctx, table)
type Checkpoint struct {
	// Name goes into every result's meta as checkpoint_name.
	Name string
	// Suite is the expectation suite to validate with.
	Suite *Suite
	// ResultFormat, when set, overrides every expectation's own
	// result_format, as a GX checkpoint's result_format does.
	ResultFormat *ResultFormat
	// Actions run in order after the validation, whatever its outcome.
	Actions []Action
	// Options are further validation options (run name, run time, batch
	// spec, parallelism); Name and ResultFormat above override theirs.
	Options ValidateOptions
	// ContinueOnError runs the remaining actions after one fails and
	// reports every failure; by default the first action error stops the
	// run.
	ContinueOnError bool
}

// Action is one step a checkpoint runs after validating: it gets the
// whole checkpoint result (the validation result and the table validated)
// and returns a one-line account of what it did ("wrote docs/index.html"),
// or an error.
type Action interface {
	// Name names the action in reports and errors.
	Name() string
	// Run performs the action.
	Run(ctx context.Context, res *CheckpointResult) (detail string, err error)
}

// CheckpointResult is the outcome of a checkpoint run.
type CheckpointResult struct {
	// Checkpoint is the checkpoint's name.
	Checkpoint string
	// Success is the validation's success (true when every expectation
	// succeeded); action errors are reported apart, by Run's error.
	Success bool
	// Result is the suite's validation result.
	Result *SuiteValidationResult
	// Table is the table validated, for actions that read its rows. The
	// checkpoint does not release it.
	Table *Table
	// Actions record the actions run, in order, with their outcome.
	Actions []ActionResult
}

// ActionResult records one action's outcome.
type ActionResult struct {
	// Name is the action's name.
	Name string
	// Detail is the action's account of what it did.
	Detail string
	// Err is the action's error, nil when it succeeded.
	Err error
}

// ActionError reports an action that failed, naming it.
type ActionError struct {
	// Checkpoint is the checkpoint's name.
	Checkpoint string
	// Index is the action's position in the checkpoint's actions.
	Index int
	// Action is the action's name.
	Action string
	// Err is what the action returned.
	Err error
}

// Error names the checkpoint, the action and what went wrong.
func (e *ActionError) Error() string {
	return fmt.Sprintf("quality: checkpoint %q: action %d (%s): %v", e.Checkpoint, e.Index, e.Action, e.Err)
}

// Unwrap returns the action's error.
func (e *ActionError) Unwrap() error { return e.Err }

// Run validates t with the checkpoint's suite and runs its actions in
// order. The validation failing is not an error (see FailAction); an
// action failing is, as an *ActionError naming it. The result is returned
// whenever the validation ran, also with an action error, so that callers
// can see what ran. A cancelled ctx stops the run before the next step.
func (c *Checkpoint) Run(ctx context.Context, t *Table) (*CheckpointResult, error) {
	if c.Suite == nil {
		return nil, fmt.Errorf("quality: checkpoint %q has no suite", c.Name)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("quality: checkpoint %q: %w", c.Name, err)
	}
	opts := c.Options
	if c.Name != "" {
		opts.CheckpointName = c.Name
	}
	if c.ResultFormat != nil {
		opts.ResultFormat = c.ResultFormat
	}
	vr, err := c.Suite.Validate(t, &opts)
	if err != nil {
		return nil, fmt.Errorf("quality: checkpoint %q: %w", c.Name, err)
	}
	res := &CheckpointResult{Checkpoint: c.Name, Success: vr.Success, Result: vr, Table: t}
	var errs []error
	for i, a := range c.Actions {
		if a == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("quality: checkpoint %q: stopped before action %d (%s): %w", c.Name, i, a.Name(), err))
			break
		}
		detail, err := a.Run(ctx, res)
		res.Actions = append(res.Actions, ActionResult{Name: a.Name(), Detail: detail, Err: err})
		if err != nil {
			errs = append(errs, &ActionError{Checkpoint: c.Name, Index: i, Action: a.Name(), Err: err})
			if !c.ContinueOnError {
				break
			}
		}
	}
	if len(errs) == 1 {
		return res, errs[0]
	}
	return res, errors.Join(errs...)
}

// ActionFunc adapts a function to an Action with the given name, for
// notifications and other custom steps.
type ActionFunc struct {
	// ActionName is returned by Name.
	ActionName string
	// Func is run by Run.
	Func func(ctx context.Context, res *CheckpointResult) (string, error)
}

// Name returns a.ActionName, or "func" when it is empty.
func (a ActionFunc) Name() string {
	if a.ActionName == "" {
		return "func"
	}
	return a.ActionName
}

// Run calls a.Func.
func (a ActionFunc) Run(ctx context.Context, res *CheckpointResult) (string, error) {
	if a.Func == nil {
		return "", fmt.Errorf("no function")
	}
	return a.Func(ctx, res)
}
