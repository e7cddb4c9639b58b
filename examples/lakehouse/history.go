package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

const historySynopsis = "history -table NAME [-format text|json] [common flags]"

// historyEntry is one snapshot as history -format json prints it.
type historyEntry struct {
	SnapshotID     int64     `json:"snapshot_id"`
	ParentID       int64     `json:"parent_id"` // 0 for the first
	SequenceNumber int64     `json:"sequence_number"`
	Time           time.Time `json:"time"` // commit time, UTC
	Operation      string    `json:"operation"`
	AddedRows      int64     `json:"added_rows"` // -1 when the summary lacks it
	DeletedRows    int64     `json:"deleted_rows"`
	TotalRows      int64     `json:"total_rows"`
	Current        bool      `json:"current"`
}

// runHistory implements "lakehouse history": the table's snapshots, oldest
// first, as an aligned text table or a JSON array (one object per line).
func runHistory(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs, common := newFlagSet("history", historySynopsis, stderr)
	name := fs.String("table", "", "table `namespace.table` (required)")
	format := fs.String("format", "text", "output `format`: text (aligned columns) or json (an array of objects)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkTable(*name); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("-format %q: want text or json", *format)
	}
	w, err := common.open(ctx)
	if err != nil {
		return err
	}
	defer closeWarehouse(w, &err)
	snaps, err := w.Snapshots(ctx, *name)
	if err != nil {
		return err
	}
	entries := make([]historyEntry, len(snaps))
	for i, s := range snaps {
		entries[i] = historyEntry{SnapshotID: s.ID, ParentID: s.ParentID, SequenceNumber: s.SequenceNumber,
			Time: s.Time.UTC(), Operation: s.Operation, AddedRows: s.AddedRows, DeletedRows: s.DeletedRows,
			TotalRows: s.TotalRows, Current: s.Current}
	}
	if *format == "json" {
		return writeHistoryJSON(stdout, entries)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SNAPSHOT_ID\tPARENT_ID\tTIME (UTC)\tOPERATION\tADDED\tDELETED\tTOTAL\tCURRENT")
	count := func(n int64) string {
		if n < 0 {
			return "-"
		}
		return strconv.FormatInt(n, 10)
	}
	for _, e := range entries {
		parent, cur := "-", ""
		if e.ParentID != 0 {
			parent = strconv.FormatInt(e.ParentID, 10)
		}
		if e.Current {
			cur = "*"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.SnapshotID, parent, e.Time.Format("2006-01-02 15:04:05.000"),
			e.Operation, count(e.AddedRows), count(e.DeletedRows), count(e.TotalRows), cur)
	}
	return tw.Flush()
}

func writeHistoryJSON(w io.Writer, entries []historyEntry) error {
	if len(entries) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	buf := []byte("[")
	for i, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(append(buf, '\n'), b...)
	}
	buf = append(buf, "\n]\n"...)
	_, err := w.Write(buf)
	return err
}
