//go:build duckdb_arrow

package benchmarks

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// DuckDB's Arrow interface needs the duckdb_arrow build tag:
//
//	go test -tags duckdb_arrow -bench Read
var readPeers = []readPeer{{"duckdb-arrow", readDuckDB}}

// readDuckDB reads every column of the file into Arrow record batches with
// DuckDB's own Parquet reader, on the same two threads.
func readDuckDB(b *testing.B, path string) int64 {
	ctx := context.Background()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer connector.Close()
	conn, err := connector.Connect(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.(driver.ExecerContext).ExecContext(ctx, "SET threads TO 2", nil); err != nil {
		b.Fatal(err)
	}
	ar, err := duckdb.NewArrowFromConn(conn)
	if err != nil {
		b.Fatal(err)
	}
	rr, err := ar.QueryContext(ctx, fmt.Sprintf("SELECT * FROM read_parquet('%s')", path))
	if err != nil {
		b.Fatal(err)
	}
	defer rr.Release()
	var n int64
	for rr.Next() {
		n += rr.RecordBatch().NumRows()
	}
	if err := rr.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}
