package quality

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// cpRecorder returns an action that appends its name to *log.
func cpRecorder(name string, log *[]string, err error) Action {
	return ActionFunc{ActionName: name, Func: func(_ context.Context, res *CheckpointResult) (string, error) {
		*log = append(*log, name)
		return name + " ran", err
	}}
}

func TestCheckpointActionsRunInOrder(t *testing.T) {
	s, tbl := docsFixture(t)
	dir := t.TempDir()
	var log []string
	var rejected []int64
	var reasons [][]string
	var validRows int64
	var stdout bytes.Buffer
	cp := &Checkpoint{
		Name:         "nightly",
		Suite:        s,
		ResultFormat: &ResultFormat{Format: Complete, PartialUnexpectedCount: 20},
		Options:      ValidateOptions{RunName: "cp", RunTime: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
		Actions: []Action{
			cpRecorder("first", &log, nil),
			StoreResultAction{Dir: filepath.Join(dir, "store")},
			WriteResultAction{Path: filepath.Join(dir, "result.json")},
			WriteResultAction{Writer: &stdout},
			UpdateDataDocsAction{Docs: DataDocs{Dir: filepath.Join(dir, "docs")}},
			QuarantineAction{
				WriteValid: func(_ context.Context, valid []arrow.RecordBatch) error {
					for _, b := range valid {
						validRows += b.NumRows()
					}
					return nil
				},
				WriteRejected: func(_ context.Context, bad []arrow.RecordBatch) error {
					for _, b := range bad {
						rows := b.Column(b.Schema().FieldIndices(RowColumn)[0]).(*array.Int64)
						lists := b.Column(b.Schema().FieldIndices(FailedChecksColumn)[0]).(*array.List)
						strs := lists.ListValues().(*array.String)
						for i := 0; i < int(b.NumRows()); i++ {
							rejected = append(rejected, rows.Value(i))
							lo, hi := lists.ValueOffsets(i)
							var r []string
							for j := lo; j < hi; j++ {
								r = append(r, strs.Value(int(j)))
							}
							reasons = append(reasons, r)
						}
					}
					return nil
				},
			},
			cpRecorder("last", &log, nil),
			FailAction{},
		},
	}
	res, err := cp.Run(t.Context(), tbl)
	if !errors.Is(err, ErrValidationFailed) {
		t.Fatalf("err %v, want ErrValidationFailed", err)
	}
	var ae *ActionError
	if !errors.As(err, &ae) || ae.Index != 7 || ae.Action != "fail_on_validation_failure" || ae.Checkpoint != "nightly" {
		t.Errorf("action error %#v", ae)
	}
	if !strings.Contains(err.Error(), `action 7 (fail_on_validation_failure)`) ||
		!strings.Contains(err.Error(), "4 of 6 expectations unsuccessful: expect_column_values_to_not_be_null(x)") {
		t.Errorf("error %q", err)
	}
	if res == nil || res.Success || res.Result.Meta.CheckpointName != "nightly" {
		t.Fatalf("result %+v", res)
	}
	var names []string
	for _, a := range res.Actions {
		names = append(names, a.Name)
	}
	want := "first,store_validation_result,write_validation_result,write_validation_result,update_data_docs,quarantine,last,fail_on_validation_failure"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("actions %s, want %s", got, want)
	}
	if strings.Join(log, ",") != "first,last" {
		t.Errorf("log %v", log)
	}
	// The result format applied: COMPLETE results carry unexpected_list.
	if !res.Result.Results[2].Result.Has(KeyUnexpectedList) {
		t.Error("checkpoint result format not applied")
	}
	stored := filepath.Join(dir, "store", "validations", "trips%20%3Cnightly%3E", "cp", "20240601T000000.000000Z.json")
	for _, p := range []string{stored, filepath.Join(dir, "result.json"), filepath.Join(dir, "docs", "index.html")} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	var back map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &back); err != nil || back["suite_name"] != s.Name {
		t.Errorf("stdout JSON %v %v", err, back["suite_name"])
	}
	if !strings.HasPrefix(res.Actions[4].Detail, "wrote "+filepath.Join(dir, "docs", "validations")) {
		t.Errorf("docs detail %q", res.Actions[4].Detail)
	}
	// Rows 1 (null x, <script>), 2 (300), 3 (<script>) and 4 (0.5, zz)
	// are rejected; 0 and 5 pass.
	if validRows != 2 || len(rejected) != 4 || rejected[0] != 1 || rejected[3] != 4 {
		t.Errorf("valid %d, rejected %v", validRows, rejected)
	}
	if len(reasons) == 4 && strings.Join(reasons[0], ";") != "expect_column_values_to_not_be_null(x);expect_column_values_to_be_in_set(s)" {
		t.Errorf("row 1 failed %v", reasons[0])
	}
	if d := res.Actions[5].Detail; !strings.HasPrefix(d, "2 valid rows, 4 rejected (") {
		t.Errorf("quarantine detail %q", d)
	}
}

func TestCheckpointStopsAtFirstActionError(t *testing.T) {
	s, tbl := docsFixture(t)
	boom := errors.New("boom")
	var log []string
	cp := &Checkpoint{Name: "cp", Suite: s, Actions: []Action{
		cpRecorder("a", &log, nil), cpRecorder("b", &log, boom), cpRecorder("c", &log, nil),
	}}
	res, err := cp.Run(t.Context(), tbl)
	if !errors.Is(err, boom) || err.Error() != `quality: checkpoint "cp": action 1 (b): boom` {
		t.Errorf("err %v", err)
	}
	if strings.Join(log, ",") != "a,b" || len(res.Actions) != 2 || res.Actions[1].Err != boom {
		t.Errorf("log %v, actions %+v", log, res.Actions)
	}

	// ContinueOnError runs them all and reports every error.
	log = nil
	cp.ContinueOnError = true
	cp.Actions = append(cp.Actions, cpRecorder("d", &log, errors.New("bang")))
	res, err = cp.Run(t.Context(), tbl)
	if strings.Join(log, ",") != "a,b,c,d" || len(res.Actions) != 4 {
		t.Errorf("log %v", log)
	}
	if err == nil || !strings.Contains(err.Error(), "action 1 (b): boom") || !strings.Contains(err.Error(), "action 3 (d): bang") {
		t.Errorf("err %v", err)
	}
}

func TestCheckpointSuccessAndErrors(t *testing.T) {
	_, tbl := docsFixture(t)
	s := NewSuite("ok")
	if _, err := s.Add("expect_table_row_count_to_equal", map[string]any{"value": 6}); err != nil {
		t.Fatal(err)
	}
	cp := &Checkpoint{Suite: s, Actions: []Action{FailAction{}, QuarantineAction{
		Handle: func(_ context.Context, sp *Split) error {
			if sp.ValidRows != 6 || sp.RejectedRows != 0 {
				t.Errorf("split %d/%d", sp.ValidRows, sp.RejectedRows)
			}
			return nil
		}}}}
	res, err := cp.Run(t.Context(), tbl)
	if err != nil || !res.Success || res.Actions[0].Detail != "validation succeeded" {
		t.Fatalf("res %+v err %v", res, err)
	}
	if _, err := (&Checkpoint{Name: "x"}).Run(t.Context(), tbl); err == nil {
		t.Error("a checkpoint without a suite ran")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := cp.Run(ctx, tbl); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	// An action that fails wraps its cause with its name.
	cp.Actions = []Action{WriteResultAction{}}
	if _, err := cp.Run(t.Context(), tbl); err == nil || !strings.Contains(err.Error(), "(write_validation_result): no path or writer") {
		t.Errorf("err %v", err)
	}
}
